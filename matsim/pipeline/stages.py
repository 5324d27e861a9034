"""The stage registry: a stage is a function ``run(ctx) -> dict`` registered under a name.

A stage writes its files into ``ctx.out_dir`` and returns a JSON-able summary (numbers that go into
the report and into downstream stages through ``ctx.upstream``). A ``check(params, ctx)`` function may
be registered with it; it runs for every stage before any stage runs, so a bad config fails early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from matsim.core.errors import ConfigError


@dataclass
class StageContext:
    """What a stage gets: its parameters, its folder, the upstream summaries, its seed and size."""

    stage_id: str
    params: dict[str, Any]
    out_dir: Path
    upstream: dict[str, dict[str, Any]]
    upstream_dirs: dict[str, Path]
    seed: int
    size: str
    figures: list[str] = field(default_factory=list)

    def param(self, name: str, default=None, small=None, large=None):
        """A parameter from the config; else the size-dependent default; else ``default``."""
        if name in self.params:
            return self.params[name]
        by_size = small if self.size == "small" else large
        return by_size if by_size is not None else default

    def upstream_of(self, stage_name: str) -> tuple[dict[str, Any], Path]:
        """Summary and folder of the nearest upstream stage whose *registered name* is ``stage_name``."""
        for sid, summary in reversed(list(self.upstream.items())):
            if summary.get("_stage") == stage_name:
                return summary, self.upstream_dirs[sid]
        raise ConfigError(f"{self.stage_id}.inputs", list(self.upstream),
                          f"an upstream '{stage_name}' stage (add it to the workflow before '{self.stage_id}')")

    def figure(self, fig, name: str) -> Path:
        """Save a matplotlib figure into the stage folder and list it in the report."""
        import matplotlib.pyplot as plt

        from matsim.pipeline.figcheck import tidy
        if clashes := tidy(fig, edges=False):        # overlapping labels left after tight_layout: say so
            print(f"[{self.stage_id}] figure {name}: overlapping labels: " + "; ".join(clashes[:3])
                  + (f" (+{len(clashes) - 3} more)" if len(clashes) > 3 else ""), flush=True)
        path = self.out_dir / name
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        self.figures.append(name)
        return path


def parameter_summary(ps, keys=None) -> dict:
    """``{name: {value, unit, source}}`` for the report (all of ``ps`` or just ``keys``)."""
    return {k: {"value": ps[k].value, "unit": ps[k].unit, "source": ps[k].source} for k in (keys or ps)}


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[StageContext], dict]
    check: Callable[[dict, StageContext], None] | None
    description: str


_STAGES: dict[str, Stage] = {}


def register_stage(name: str, check: Callable | None = None):
    """Decorator: ``@register_stage("dft_barrier")`` on ``def run(ctx) -> dict``."""
    def deco(fn):
        _STAGES[name] = Stage(name, fn, check, (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "")
        return fn
    return deco


def get_stage(name: str) -> Stage:
    _load_builtin_stages()
    if name not in _STAGES:
        raise ConfigError("stage", name, "one of " + ", ".join(sorted(_STAGES)))
    return _STAGES[name]


def stage_names() -> list[str]:
    _load_builtin_stages()
    return sorted(_STAGES)


def _load_builtin_stages() -> None:
    import matsim.pipeline.builtin  # noqa: F401  (registers the stages)

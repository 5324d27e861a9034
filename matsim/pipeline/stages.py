"""The stage registry: a stage is a function ``run(ctx) -> dict`` with a typed config, registered under a name.

A stage module (one file in :mod:`matsim.pipeline.steps`) declares its parameters as a
:class:`StageConfig` (pydantic, unknown keys forbidden) and registers its function::

    class Config(StageConfig):
        material: str = "HfO2"
        cycles: int = sized(small=2, large=5)        # default depends on the workflow size

    @register_stage("my_stage", Config)
    def my_stage(ctx: StageContext) -> dict:
        ctx.config.material ...

Every stage's config is validated before any stage runs, so ``materail: VO2`` fails at once with an
error naming the key, the stage and the closest valid key. The stage writes its files into
``ctx.out_dir`` and returns a JSON-able summary (numbers that go into the report and into the
stages downstream of it, through ``ctx.upstream``).

Registry: the built-in stage names are found by reading the ``@register_stage("name", ...)`` lines of
``matsim/pipeline/steps/*.py`` (no import), and a step module is imported only when one of its stages
is asked for (the ase ``io/formats`` pattern, :class:`matsim.core.registry.Registry`). A name used
twice is an error. So adding a stage is adding one file to ``steps/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import Field, ValidationError

from matsim.core.config import MatsimConfig
from matsim.core.errors import ConfigError
from matsim.core.registry import Registry, scan_decorated, suggestion

STEPS_DIR = Path(__file__).resolve().parent / "steps"
STEPS_PACKAGE = "matsim.pipeline.steps"


def sized(small: Any, large: Any, description: str = "") -> Any:
    """A config field whose default depends on the workflow size (``small`` for CI, ``large`` for real runs)."""
    return Field(default=None, description=description, json_schema_extra={"small": small, "large": large})


class StageConfig(MatsimConfig):
    """Base of every stage's parameters: unknown keys are errors; size-dependent defaults via :func:`sized`."""

    @classmethod
    def for_size(cls, params: dict[str, Any], size: str, where: str = "stage", stage: str | None = None) -> "StageConfig":
        """Validate ``params``; fill the :func:`sized` fields left out with the default for ``size``.

        Errors are one :class:`ConfigError` naming ``where.params.KEY``; an unknown key also gets the
        closest valid key.
        """
        data = dict(params)
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra
            if name not in data and isinstance(extra, dict) and "small" in extra:
                data[name] = extra["small"] if size == "small" else extra["large"]
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(x) for x in err["loc"])
            if err["type"] == "extra_forbidden":
                valid = sorted(cls.model_fields)
                raise ConfigError(f"{where}.params.{key}", err.get("input"),
                                  f"a parameter of stage '{stage or where}': {', '.join(valid) or 'none'}"
                                  + suggestion(key, valid)) from None
            raise ConfigError(f"{where}.params.{key}", err.get("input", "<missing>"), err["msg"]) from None


class NoParams(StageConfig):
    """A stage without parameters."""


@dataclass
class StageContext:
    """What a stage gets: its typed config, its folder, the summaries of the stages upstream of it, seed, size.

    ``upstream`` holds only the stages this one declared (``inputs``, default the previous stage) and,
    transitively, theirs: exactly the stages whose cache keys enter this stage's key.
    """

    stage_id: str
    params: dict[str, Any]
    out_dir: Path
    upstream: dict[str, dict[str, Any]]
    upstream_dirs: dict[str, Path]
    seed: int
    size: str
    config: Any = None
    figures: list[str] = field(default_factory=list)

    def param(self, name: str, default=None, small=None, large=None):
        """Value of the config field ``name`` (stages read ``ctx.config.<name>``; this accessor serves
        stages written before typed configs): else a raw parameter, else the size default or ``default``."""
        if self.config is not None and name in type(self.config).model_fields:
            return getattr(self.config, name)
        if name in self.params:
            return self.params[name]
        by_size = small if self.size == "small" else large
        return by_size if by_size is not None else default

    def has_upstream(self, stage_name: str) -> bool:
        """Whether a stage registered as ``stage_name`` is upstream of this one."""
        return any(s.get("_stage") == stage_name for s in self.upstream.values())

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
    """A registered stage: its function, its config model, an optional extra check run before any work."""

    name: str
    run: Callable[[StageContext], dict]
    config: type[StageConfig]
    check: Callable[[StageConfig, StageContext], None] | None
    description: str
    origin: str          # "module:function", where it was defined

    def validate(self, params: dict[str, Any], size: str, stage_id: str | None = None) -> StageConfig:
        """The typed config of this stage for ``params`` (ConfigError naming the key otherwise)."""
        return self.config.for_size(params, size, where=stage_id or self.name, stage=self.name)


def _builtin_table() -> dict[str, str]:
    """``name -> module`` of the stages in ``steps/*.py``, read from their ``@register_stage("name")`` lines."""
    return {name: target.partition(":")[0]
            for name, target in scan_decorated(STEPS_DIR, STEPS_PACKAGE, "register_stage").items()}


STAGES = Registry("stage", _builtin_table)


def register_stage(name: str, config: type[StageConfig] = NoParams, check: Callable | None = None):
    """Decorator: ``@register_stage("dft_barrier", DFTConfig)`` on ``def run(ctx) -> dict``.

    ``config`` is the stage's :class:`StageConfig` (default: no parameters); ``check(config, ctx)``
    may add checks that need more than the types (it runs for every stage before any stage runs).
    A name registered twice (from a different function) raises :class:`~matsim.core.registry.RegistryError`.
    """
    if not (isinstance(config, type) and issubclass(config, StageConfig)):
        raise ConfigError(f"register_stage({name!r}).config", config, "a StageConfig subclass")

    def deco(fn):
        doc = (fn.__doc__ or "").strip()
        STAGES.add(name, Stage(name, fn, config, check, doc.splitlines()[0] if doc else "",
                               f"{fn.__module__}:{fn.__qualname__}"))
        return fn
    return deco


def get_stage(name: str) -> Stage:
    """The stage registered as ``name`` (its step module is imported on first use)."""
    return STAGES.get(name)


def stage_names() -> list[str]:
    return STAGES.names()

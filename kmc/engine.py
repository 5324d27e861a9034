"""The BKL (n-fold way) engine shared by every KMC model in :mod:`kmc`.

A model is a subclass of :class:`KMCModel` that declares its events by two numba kernels and a
state tuple (see ``docs/kmc.md``, "How to add a model"):

* ``rate_kernel(e, state) -> float``: rate of event ``e`` (1/s) from the current state;
* ``execute_kernel(e, state, touched) -> int``: apply event ``e`` to ``state`` and write the indices
  of the events whose rates may have changed into ``touched``; return how many;
* ``state``: a tuple of numpy arrays (the kernels mutate them in place);
* ``run_kernel`` / ``fill_kernel``: the generic loop of :mod:`kmc._bkl_kernels` bound to the model's
  kernels, ``run, fill = bind_kernels(rate, execute)`` (compiled once per process: numba cannot cache
  code that holds function pointers).

The engine keeps the rates in a Fenwick tree (:mod:`kmc.fenwick`), selects events in O(log N),
advances the clock by dt = -ln(u)/R_total and recomputes only the touched rates. With
``engine="python"`` the same loop runs in plain Python (:mod:`kmc.reference`) on the pure-Python
tree and the kernels' interpreted source (``py_func``, helpers included): the reference for tests
and benchmarks.
Both engines draw the same random numbers from the model's ``numpy.random.Generator`` and give the
same trajectory.
"""

from __future__ import annotations

import numpy as np

from kmc import _bkl_kernels as K
from kmc import reference
from kmc.fenwick import FenwickTree, PyFenwickTree
from matsim.core.parameters import ParameterSet
from matsim.core.progress import progress
from matsim.core.rng import make_rng
from matsim.core.validate import non_negative, one_of, positive_int

ENGINES = ("numba", "python")
STATUS = {0: "reached t_end", 1: "max_events", 2: "no event possible (total rate 0)",
          3: "the model asked to stop (e.g. to update its fields)"}


class KMCModel:
    """Base class: event table + BKL loop + clock + random stream. Subclasses set the kernels."""

    rate_kernel = None       # njit (e, state) -> float
    execute_kernel = None    # njit (e, state, touched) -> int
    run_kernel = None        # njit wrapper of kmc._bkl_kernels.bkl_run with the two kernels above
    fill_kernel = None       # njit wrapper of kmc._bkl_kernels.fill_rates
    max_touched = 64         # size of the touched-events buffer

    def _init_engine(self, n_events: int, engine: str = "numba", seed=None, rng=None) -> None:
        self.engine = one_of("engine", engine, ENGINES)
        self.n_event_slots = positive_int("n_events", n_events)
        self.rng = rng if rng is not None else make_rng(seed)
        self.time = 0.0
        self.n_events = 0
        self.last_status = None
        self._touched = np.zeros(self.max_touched, dtype=np.int64)
        self.tree = FenwickTree(n_events) if engine == "numba" else PyFenwickTree(n_events)

    # -- to be provided by the model
    def state(self) -> tuple:
        raise NotImplementedError

    # -- rates
    def refresh_rates(self) -> None:
        """Recompute every rate from the state and rebuild the tree (after a field update)."""
        st = self.state()
        if self.engine == "numba":
            type(self).fill_kernel(self.tree.rates, self.n_event_slots, st)
            self.tree.rates[self.n_event_slots:] = 0.0
            K.fw_build(self.tree.tree, self.tree.rates)
        else:
            f = reference.interpreted(type(self).rate_kernel)
            self.tree.build([f(k, st) for k in range(self.n_event_slots)])

    def rates(self) -> np.ndarray:
        """Current rate of every event (1/s)."""
        return np.asarray(self.tree.rates[:self.n_event_slots], dtype=float)

    def total_rate(self) -> float:
        return float(self.tree.total())

    # -- time evolution
    def advance(self, t_end: float, max_events: int) -> tuple[int, int]:
        """Run events until the clock reaches ``t_end`` (s) or ``max_events`` were done.

        Returns (events done, status) with status as in :data:`STATUS`.
        """
        st = self.state()
        cls = type(self)
        if self.engine == "numba":
            t, n, status = cls.run_kernel(self.tree.tree, self.tree.rates, self.rng, self.time, float(t_end),
                                          int(max_events), st, self._touched)
        else:
            t, n, status = reference.bkl_run(self.tree, self.rng, self.time, float(t_end), int(max_events),
                                             reference.interpreted(cls.rate_kernel),
                                             reference.interpreted(cls.execute_kernel), st,
                                             self._touched)
        self.time = float(t)
        self.n_events += int(n)
        self.last_status = int(status)
        return int(n), int(status)

    def run(self, t_end: float | None = None, n_events: int | None = None, *, chunk: int = 200_000,
            quiet: bool = False, desc: str = "KMC"):
        """Advance to absolute time ``t_end`` (s) and/or by ``n_events`` events; tqdm progress.

        Returns ``self`` (so ``sim.run(1e-3).positions()`` reads naturally).
        """
        if t_end is None and n_events is None:
            raise ValueError("run: give t_end (s) or n_events")
        t_stop = np.inf if t_end is None else non_negative("t_end", t_end, "s")
        budget = np.iinfo(np.int64).max if n_events is None else positive_int("n_events", n_events, minimum=0)
        t0 = self.time
        with progress(total=1000, desc=desc, quiet=quiet, unit="‰") as bar:
            done_frac = 0
            while budget > 0 and self.time < t_stop:
                n, status = self.advance(t_stop, min(chunk, budget))
                budget -= n
                frac = int(1000 * ((self.time - t0) / (t_stop - t0) if np.isfinite(t_stop) and t_stop > t0
                                   else 1 - budget / max(n_events or 1, 1)))
                bar.update(max(0, min(frac, 1000) - done_frac))
                done_frac = max(done_frac, min(frac, 1000))
                if status == 2:
                    if np.isfinite(t_stop):
                        self.time = t_stop
                    break
        return self

    # -- checkpoint pieces shared by models
    def _engine_meta(self) -> dict:
        return {"time": self.time, "n_events": self.n_events, "engine": self.engine,
                "rng": self.rng.bit_generator.state}

    @classmethod
    def _rebuild(cls, meta: dict, engine=None):
        """A new model from the constructor keywords that ``save`` stored in ``meta["config"]`` (its
        ``params`` as a ParameterSet), on the checkpoint's engine unless ``engine`` is given."""
        cfg = dict(meta["config"])
        cfg.pop("model")
        if "params" in cfg:
            cfg["params"] = ParameterSet.from_dict(cfg["params"])
        return cls(**cfg, engine=engine or meta["engine"], seed=0)

    def _restore_engine(self, meta: dict) -> None:
        self.time = float(meta["time"])
        self.n_events = int(meta["n_events"])
        state = meta["rng"]
        state["state"] = {k: int(v) for k, v in state["state"].items()}
        self.rng.bit_generator.state = state

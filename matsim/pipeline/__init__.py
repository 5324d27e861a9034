"""Workflows: stages (dft -> kmc | continuum -> compact fit -> export -> network) declared in YAML,
run in order with hash-based caching, a ``provenance.json`` and a ``report.md``/``report.html``.
Every stage has a typed config checked before any work (:mod:`matsim.pipeline.stages`); its cache key
covers the source of the project packages it imports (:mod:`matsim.pipeline.codehash`).

>>> from matsim.pipeline import Pipeline
>>> Pipeline.from_yaml("workflows/hfo2_vcm_crossbar.yaml").run()   # doctest: +SKIP
"""

from matsim.pipeline.config import StageSpec, WorkflowConfig
from matsim.pipeline.runner import Pipeline
from matsim.pipeline.stages import StageConfig, StageContext, register_stage, sized, stage_names

__all__ = ["Pipeline", "StageConfig", "StageContext", "StageSpec", "WorkflowConfig", "register_stage", "sized",
           "stage_names"]

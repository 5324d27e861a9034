"""Workflows: stages (dft -> kmc | continuum -> compact fit -> export -> network) declared in YAML,
run in order with hash-based caching, a ``provenance.json`` and a ``report.md``/``report.html``.

>>> from matsim.pipeline import Pipeline
>>> Pipeline.from_yaml("workflows/hfo2_vcm_crossbar.yaml").run()   # doctest: +SKIP
"""

from matsim.pipeline.config import StageSpec, WorkflowConfig
from matsim.pipeline.runner import Pipeline
from matsim.pipeline.stages import StageContext, register_stage, stage_names

__all__ = ["Pipeline", "StageContext", "StageSpec", "WorkflowConfig", "register_stage", "stage_names"]

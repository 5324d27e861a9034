"""Built-in workflow stages, one module per link of the chain; each registers its stages with
``@register_stage`` (found by :mod:`matsim.pipeline.stages` without importing this package)."""

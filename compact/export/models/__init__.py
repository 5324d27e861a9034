"""One module per model class: ``@register("ClassName") def builder(model) -> Equations``.

Every module here is imported when an export is requested (:func:`compact.export.spec.supported_models`).
"""

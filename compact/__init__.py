"""Compact device models behind one interface (:class:`compact.base.CompactModel`)."""

from compact.base import CompactModel
from compact.mott import MottThermal

__all__ = ["CompactModel", "MottThermal"]

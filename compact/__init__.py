"""Compact device models behind one interface (:class:`compact.base.CompactModel`)."""

from compact.base import CompactModel

__all__ = ["CompactModel"]

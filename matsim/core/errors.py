"""Exceptions shared by every matsim layer.

One clear error per bad input: the message names the field, the value given and what was
expected, e.g. ``T_K: got -5 (K); expected a temperature > 0 K``.
"""

from __future__ import annotations

from typing import Any


class MatsimError(Exception):
    """Base class of all matsim errors."""

    def __str__(self) -> str:  # KeyError subclasses would otherwise quote the message
        return str(self.args[0]) if self.args else self.__class__.__name__


class ConfigError(MatsimError, ValueError):
    """A user-supplied value is invalid.

    Parameters
    ----------
    field : name of the offending field (config key, argument or parameter name).
    value : the value that was given.
    expected : what would have been accepted (unit, range, type, choices).
    """

    def __init__(self, field: str, value: Any, expected: str):
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: got {value!r}; expected {expected}")


class UnitError(ConfigError):
    """Unknown unit, or a unit of the wrong physical dimension."""


class MissingParameterError(ConfigError, KeyError):
    """A required parameter is absent from a :class:`~matsim.core.ParameterSet`."""


class MissingFileError(ConfigError, FileNotFoundError):
    """An input file does not exist or cannot be read."""


class ConvergenceError(MatsimError, RuntimeError):
    """A solver did not converge or produced non-finite values (the message gives the residual)."""


class NoResultError(MatsimError, RuntimeError):
    """A run finished but did no physics (no events, threshold never reached, NaN result): the message says why."""

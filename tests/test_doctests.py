"""Selected docstring examples run as doctests, so the examples users copy stay true.

A module joins this list once every example in it runs as written (illustrations that need data or a
long run are marked ``# doctest: +SKIP`` there).
"""

import doctest
import importlib

import pytest

MODULES = ["matsim.core.units", "matsim.core.parameters", "matsim.core.validate", "matsim.core.registry",
           "matsim.materials", "kmc.fenwick", "compact", "compact.waveforms", "compact.export.spec",
           "matsim.network.crossbar"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), report=True,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0

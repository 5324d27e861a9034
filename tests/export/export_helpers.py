"""Shared test helpers of tests/export (a unique module name: tests/conftest.py is also 'conftest')."""

import shutil

import pytest

HAVE_NGSPICE = shutil.which("ngspice") is not None
needs_ngspice = pytest.mark.skipif(not HAVE_NGSPICE, reason="ngspice not on PATH (install: apt-get install ngspice)")

"""Export spec registry: read from the sources (no import), one builder per model name, every model exportable."""

import subprocess
import sys
from pathlib import Path

import pytest

import compact
from compact.export.spec import SPECS, Equations, builder_for, register, supported_models
from matsim.core.errors import ConfigError
from matsim.core.registry import RegistryError, scan_decorated

MODELS_DIR = Path(compact.__file__).resolve().parent / "export" / "models"


def test_table_is_read_from_the_register_lines():
    table = scan_decorated(MODELS_DIR, "compact.export.models", "register")
    assert table["StanfordPKU"] == "compact.export.models.stanford:stanford_pku"
    assert set(compact.model_names()) <= set(table)          # every compact model has a spec
    assert set(table) <= set(supported_models())


def test_listing_imports_no_builder_module():
    code = ("import sys; from compact.export.spec import supported_models; names = supported_models(); "
            "mods = [m for m in sys.modules if m.startswith('compact.export.models.')]; "
            "print(len(names), len(mods))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(compact.__file__).resolve().parents[1]).stdout.split()
    assert int(out[0]) >= 9 and out[1] == "0"


def test_second_builder_for_a_name_is_refused():
    builder_for(compact.Selector())                          # the built-in builder is in place
    with pytest.raises(RegistryError, match="Selector"):
        @register("Selector")
        def other_selector(model):
            return Equations(current="V", rates={"x": "0"})
    assert SPECS.get("Selector").__module__ == "compact.export.models.selector"


def test_model_without_spec_is_one_config_error():
    class Unexported(compact.CompactModel):
        pass
    with pytest.raises(ConfigError, match="export spec"):
        builder_for(Unexported.__new__(Unexported))

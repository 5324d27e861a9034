"""Validated configuration files (YAML or JSON) with pydantic.

Engines declare their config as a :class:`MatsimConfig` subclass; :func:`load_config` reads the
file and turns validation failures into one :class:`ConfigError` naming the field, the value given
and what was expected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from matsim.core.errors import ConfigError, MissingFileError


class MatsimConfig(BaseModel):
    """Base for matsim configs: unknown keys are errors (catches typos)."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)


M = TypeVar("M", bound=BaseModel)


def read_mapping(path) -> dict:
    """Read a YAML or JSON file into a dict, with clear errors for missing/malformed files."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError("config", str(path), "an existing YAML or JSON file")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ConfigError("config", str(path), f"valid {'JSON' if path.suffix == '.json' else 'YAML'} ({exc})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("config", str(path), f"a mapping at the top level, got {type(data).__name__}")
    return data


def validate(model: type[M], data: dict, context: str = "") -> M:
    """``model.model_validate(data)`` with pydantic errors turned into :class:`ConfigError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or "config"
        if context:
            field = f"{context}: {field}"
        raise ConfigError(field, err.get("input", "<missing>"), err["msg"]) from None


def load_config(path, model: type[M]) -> M:
    """Read and validate a config file against ``model``."""
    return validate(model, read_mapping(path), context=str(path))

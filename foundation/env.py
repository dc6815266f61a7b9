"""Reading a service's frozen config dataclass from `<PREFIX>_<FIELD>` environment variables."""
from __future__ import annotations

import types
import typing
from dataclasses import fields
from typing import Any, Mapping

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting the service cannot start with; the message names the environment variable."""


def read_env(cls: type, prefix: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The fields of dataclass ``cls`` that ``environ`` sets, parsed by their declared type.

    An empty variable counts as unset. A value that does not parse raises ConfigError naming the
    variable, so a bad setting stops the service at start instead of surfacing on the first request.
    """
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):
        name = prefix + f.name.upper()
        raw = environ.get(name, "").strip()
        if raw:
            values[f.name] = _parse(name, raw, _base_type(hints[f.name]))
    return values


def _base_type(hint: Any) -> Any:
    """`int | None` → int: the type a present value must have."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return hint


def _parse(name: str, raw: str, kind: Any) -> Any:
    if kind is bool:
        if raw.lower() not in _TRUE | _FALSE:
            raise ConfigError(f"{name} must be true or false, got {raw!r}")
        return raw.lower() in _TRUE
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    return raw

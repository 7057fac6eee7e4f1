"""audioguide.toml: settings for a guide, so that a repeat build needs no flags."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import InputError

CONFIG_NAME = "audioguide.toml"
"""The file looked for beside the source."""

KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "author": str,
    "language": str,
    "description": str,
    "base_url": str,
    "engine": str,
    "voice": str,
    "rate": int,
    "lexicon": str,
    "formats": (list, str),
    "owner_name": str,
    "owner_email": str,
    "locked": bool,
    "contents": bool,
    "signposts": bool,
    "jobs": int,
    "fallback_engine": str,
    "copyright": str,
    "pauses": dict,
}
"""Every setting the file may hold, with its type."""


def find_config(source: Path | None, explicit: Path | None) -> Path | None:
    """The config file to use: ``--config``, else ``audioguide.toml`` beside the source."""
    if explicit is not None:
        if not Path(explicit).is_file():
            raise InputError(f"There is no config file at {explicit}.")
        return Path(explicit)
    if source is not None:
        beside = Path(source).parent / CONFIG_NAME
        if beside.is_file():
            return beside
    return None


def load_config(path: Path) -> dict[str, Any]:
    """Read and check a config file; file paths in it are taken relative to the file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the config file {path}: {exc}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The config file {path} is not valid TOML: {exc}.") from exc
    settings = data.get("audioguide", data)
    if not isinstance(settings, dict):
        raise InputError(f'The config file {path} should hold settings such as title = "...".')
    out: dict[str, Any] = {}
    for key, value in settings.items():
        name = key.replace("-", "_")
        if name not in KEYS:
            raise InputError(
                f"The config file {path} has an unknown setting '{key}'. Known settings: {', '.join(sorted(KEYS))}."
            )
        expected = KEYS[name]
        if isinstance(value, bool) and expected is int or not isinstance(value, expected):
            raise InputError(f"In {path}, '{key}' has the wrong kind of value.")
        if name == "formats" and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if name == "lexicon":
            value = str((Path(path).parent / value).resolve())
        out[name] = value
    return out

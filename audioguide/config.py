"""audioguide.toml: settings for a guide, so that a repeat build needs no flags."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import InputError
from .fsutil import read_limited
from .langtag import normalise_tag
from .options import BuildOptions
from .pacing import Pacing

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
        if not Path(explicit).exists():
            raise InputError(f"There is no config file at {explicit}.")
        return Path(explicit)
    if source is not None:
        beside = Path(source).parent / CONFIG_NAME
        if beside.is_file():
            return beside
    return None


MAX_CONFIG_BYTES = 256_000
"""Largest settings file read."""
MAX_JOBS = 256
"""Most worker processes asked for (a build uses at most one per CPU core)."""
RATES = (80, 400)
"""Speaking rates allowed, words per minute."""
TEXT_LIMITS = {"title": 300, "author": 200, "description": 4000, "owner_name": 200, "voice": 200, "copyright": 300}
"""Longest text settings, in characters."""
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Bidirectional formatting characters: an override (U+202E) can make a title read backwards."""
_EMAIL = re.compile(
    r"^[^@\s<>\"(),;:\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def clean_text(text: str) -> str:
    """``text`` for a title or tag: control and bidirectional formatting characters removed, spaces folded."""
    text = BIDI_CONTROLS.sub("", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(text.split())


def load_config(path: Path) -> dict[str, Any]:
    """Read a settings file: its settings by name (file paths in it relative to the file), each checked
    by :func:`check_setting`."""
    data = read_limited(Path(path), MAX_CONFIG_BYTES, "settings file")
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"The settings file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The config file {path} is not valid TOML: {' '.join(str(exc).split())}.") from None
    settings = parsed.get("audioguide", parsed)
    if not isinstance(settings, dict):
        raise InputError(f'The config file {path} should hold settings such as title = "...".')
    out: dict[str, Any] = {}
    for key, value in settings.items():
        name = key.replace("-", "_")
        if name not in KEYS:
            raise InputError(
                f"The config file {path} has an unknown setting '{key}'. Known settings: {', '.join(sorted(KEYS))}."
            )
        if name == "lexicon" and isinstance(value, str):
            value = str((Path(path).parent / value).resolve())
        out[name] = check_setting(name, value, f"In {path}, '{key}'")
    return out


def check_setting(name: str, value: object, where: str) -> Any:
    """``value`` for the setting ``name``, checked and tidied, whether it came from a settings file or an
    option (``where`` says which, for the message); :class:`InputError` in one line if it is wrong."""
    expected = KEYS[name]
    if isinstance(value, bool) and expected is int or not isinstance(value, expected):
        kinds = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a table"}
        want = " or ".join(kinds.get(t, t.__name__) for t in (expected if isinstance(expected, tuple) else (expected,)))
        raise InputError(f"{where} should be {want}, not {value!r:.40}.")
    if name in TEXT_LIMITS:
        assert isinstance(value, str)
        value = clean_text(value)
        if len(value) > TEXT_LIMITS[name]:
            raise InputError(
                f"{where} is {len(value):,} characters long; the longest allowed is {TEXT_LIMITS[name]:,}."
            )
        if not value and name != "description":
            raise InputError(f"{where} is empty.")
    if name == "rate":
        assert isinstance(value, int)
        if not RATES[0] <= value <= RATES[1]:
            raise InputError(
                f"{where} is {value}; choose a speaking rate from {RATES[0]} to {RATES[1]} words a minute."
            )
    if name == "jobs":
        assert isinstance(value, int)
        if not 0 <= value <= MAX_JOBS:
            raise InputError(f"{where} is {value}; choose from 0 (one per CPU core) to {MAX_JOBS}.")
    if name == "language":
        assert isinstance(value, str)
        tag = normalise_tag(value)
        if tag is None:
            raise InputError(f"{where} is not a language tag such as en, en-GB or cy: {value!r:.40}.")
        value = tag  # in its usual case and shortest code: "EN_gb" -> "en-GB", "cym" -> "cy"
    if name == "base_url":
        assert isinstance(value, str)
        check_base_url(value, where)
    if name == "owner_email":
        assert isinstance(value, str)
        if len(value) > 254 or not _EMAIL.match(value):
            raise InputError(f"{where} is not an email address such as name@example.org: {value!r:.40}.")
    if name in ("engine", "fallback_engine"):
        assert isinstance(value, str)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,30}", value):
            raise InputError(
                f"{where} is not an engine name such as pyttsx3 (see 'audioguide engines'): {value!r:.40}."
            )
    if name == "formats":
        names = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        assert isinstance(names, list)
        if not all(isinstance(n, str) for n in names):
            raise InputError(f'{where} should be a list of format names such as ["mp3", "epub"].')
        value = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
        if any(not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,30}", n) for n in value):
            raise InputError(
                f"{where} holds a name that is not a format: choose from those 'audioguide build --help' lists."
            )
    return value


def check_base_url(url: str, where: str = "--base-url") -> None:
    """:class:`InputError` unless ``url`` is an absolute http or https address with a host."""
    from urllib.parse import urlsplit

    bad = InputError(f"{where} should be an absolute web address such as https://example.org/guide/, not {url!r:.60}.")
    if len(url) > 2000 or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise bad
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise bad


def base_url_warning(url: str | None) -> str | None:
    """A warning for a plain-http base URL on another computer (podcast apps may refuse it; it can be
    changed on the way), else ``None``."""
    import ipaddress
    from urllib.parse import urlsplit

    if not url or urlsplit(url).scheme.lower() != "http":
        return None
    host = urlsplit(url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        return None
    return (
        f"The base URL {url} uses plain http: many podcast apps refuse it and anyone on the way can change "
        "what listeners get. Use https if the host offers it."
    )


def resolve(
    source: Path | str | None,
    *,
    config: Path | None = None,
    given: Mapping[str, object] | None = None,
    pauses: str | None = None,
    out: Path | None = None,
    cache_dir: Path | None = None,
    read_file: bool = True,
) -> BuildOptions:
    """The build's settings, in one place: the settings file (``config``, else audioguide.toml beside
    ``source``), then the options ``given`` (by setting name; ``None`` means not given) over it, each
    value checked the same way wherever it came from. :class:`InputError` in one line for any bad value."""
    local = source if isinstance(source, Path) else None  # a web address has no settings file beside it
    found = find_config(local, config) if read_file else None
    settings: dict[str, Any] = load_config(found) if found else {}
    for name, value in (given or {}).items():
        if value is None:
            continue
        if name not in KEYS:
            raise ValueError(f"unknown setting {name}")  # a programming error, not the user's
        flag = "--" + name.replace("_", "-")
        settings[name] = check_setting(name, str(value) if isinstance(value, Path) else value, flag)
    if settings.get("lexicon") is not None:
        lexicon = Path(settings["lexicon"])
        settings["lexicon"] = lexicon
    table = settings.pop("pauses", None)
    if table is not None or pauses is not None:
        from_file = Pacing.chosen(table or {}, where=f"[pauses] in {found}")
        settings["pacing"] = Pacing(**{**from_file, **Pacing.chosen(pauses or "")})
    return BuildOptions(source=source, out=out, cache_dir=cache_dir, settings_file=found, **settings)

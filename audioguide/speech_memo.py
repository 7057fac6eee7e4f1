"""The speech text of a guide's sentences, remembered between builds: a rebuild after an edit works
out only the new sentences' speech text.

One file per guide title, engine, lexicon and version of the rules that make speech text (the speech
package's own files and the script module). Any sentence's speech text depends only on the last
three; the title keeps guides apart.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__
from .errors import OutputError
from .fsutil import read_checked, write_checked
from .model import GuideScript
from .speech import Lexicon


def memo_path(root: Path, engine: str, lexicon: Lexicon, title: str, language: str = "en") -> Path:
    """Where the speech text of the guide called ``title`` in ``language`` is remembered, in the cache
    folder ``root``."""
    from . import i18n, speech
    from . import script as script_module

    rules = []
    folders = (
        Path(speech.__file__).parent,
        Path(i18n.__file__).parent,
        Path(i18n.__file__).parent.parent / "data" / "messages",
    )
    modules = sorted(p for folder in folders for p in folder.glob("*.py")) + sorted(folders[2].glob("*.toml"))
    for module in modules + [Path(script_module.__file__)]:
        stat = module.stat()
        rules.append(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}")
    key = hashlib.sha256(
        json.dumps([__version__, rules, title, engine, lexicon.fingerprint(), language]).encode()
    ).hexdigest()
    return Path(root) / "speech-text" / f"{key[:32]}.json"


def recall(path: Path) -> dict[str, str]:
    """Speech text by sentence text, as kept at ``path`` (empty when missing or damaged: a damaged file,
    one that differs from its checksum, is removed)."""
    data = read_checked(path)
    try:
        loaded = json.loads(data.decode("utf-8")) if data is not None else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def keep(path: Path, script: GuideScript, memo: dict[str, str]) -> None:
    """Remember ``script``'s speech text at ``path`` when it differs from ``memo`` (what was recalled)."""
    now = {u.text: u.speech for c in script.chapters for u in c.utterances}
    if now != memo:
        try:
            write_checked(path, json.dumps(now, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except (OSError, OutputError):
            pass  # a cache that can't be written only costs time

"""manifest.json: the machine-readable contract of a build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .dates import iso
from .model import BuiltChapter

MANIFEST_VERSION = 1
"""Bumped when a field changes meaning."""


def chapter_record(chapter: BuiltChapter) -> dict[str, Any]:
    """The manifest entry of one chapter."""
    script = chapter.script
    return {
        "number": script.number,
        "kind": script.kind,
        "title": script.title,
        "slug": script.slug,
        "subsections": list(script.subsections),
        "summary": script.summary,
        "audio": chapter.audio,
        "duration": round(chapter.duration, 3),
        "bytes": chapter.bytes,
        "sha256": chapter.sha256,
        "recipe": chapter.recipe,
        "guid": chapter.guid,
        "pub_date": iso(chapter.pub_date),
        "files": dict(sorted(chapter.extra_files.items())),
        "sentences": [
            {"text": u.text, "kind": u.kind, "start": round(t.start, 3), "end": round(t.end, 3)}
            for u, t in zip(script.utterances, chapter.timings, strict=True)
        ],
    }


def render(meta: dict[str, Any], chapters: list[BuiltChapter]) -> str:
    """The manifest as JSON text."""
    doc = {"manifest_version": MANIFEST_VERSION, **meta, "chapters": [chapter_record(c) for c in chapters]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """A manifest without its per-sentence detail (sentence texts and timings, whole-guide marks):
    what ``audioguide build --json`` prints."""
    found = {k: v for k, v in doc.items() if k != "chapters"}
    if isinstance(found.get("whole_guide"), dict):
        found["whole_guide"] = {k: v for k, v in found["whole_guide"].items() if k != "marks"}
    chapters = [c for c in doc.get("chapters", []) if isinstance(c, dict)]
    found["chapters"] = [{k: v for k, v in c.items() if k != "sentences"} for c in chapters]
    found["duration"] = round(sum(float(c.get("duration") or 0) for c in chapters), 3)
    return found


def load(folder: Path) -> dict[str, Any] | None:
    """The manifest of an earlier build in ``folder``, or ``None`` if there is none readable."""
    try:
        data = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None

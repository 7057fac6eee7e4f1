"""Whole-build publishing: a build is made in a staging folder inside the output folder and switched in
whole, so that at every moment the published feed, manifest, page and books belong to one build.

The output folder holds the build's own folder ``.audioguide/``: ``lock`` (taken by ``build``),
``staging/`` (the build being made: it starts as hard links to the published files, so an unchanged
file costs nothing), ``switch.json`` (the plan of a switch under way) and ``published.json`` (the files
the published build owns). A stop before the switch leaves the published set as it was; a stop during
it is finished by the next build (:func:`recover`) before anything else.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import manifest
from .errors import OutputError
from .fsutil import write_atomic
from .model import BuiltChapter

STATE = ".audioguide"
"""The build's own folder inside the output folder: the lock, the staging folder, the published list."""
FIRST_FILES = ("feed.xml", "manifest.json", "index.html")
"""Moved into place last, in the reverse of this order: the feed is the very last."""


@dataclass
class Made:
    """What a build made in the staging folder: its chapters and the other outputs' paths."""

    chapters: list[BuiltChapter]
    outputs: list[str]


def published(out: Path) -> set[str]:
    """The files the build now published in ``out`` owns, relative to it."""
    listed = out / STATE / "published.json"
    found: set[str] = set()
    try:
        loaded = json.loads(listed.read_text(encoding="utf-8"))
        found = {str(p) for p in loaded if isinstance(p, str)} if isinstance(loaded, list) else set()
    except (OSError, ValueError):
        # A folder an earlier version built: what its manifest names.
        previous = manifest.load(out) or {}
        chapters = [c for c in previous.get("chapters", []) if isinstance(c, dict)]
        found = {str(c["audio"]) for c in chapters if isinstance(c.get("audio"), str)}
        found |= {str(p) for c in chapters if isinstance(c.get("files"), dict) for p in c["files"].values()}
        outputs = previous.get("outputs")
        if isinstance(outputs, dict):
            found |= {str(p) for paths in outputs.values() if isinstance(paths, list) for p in paths}
        if (out / "manifest.json").is_file():
            found |= {"feed.xml", "manifest.json", "cover.png"}
    audio = out / "audio"
    if audio.is_dir():  # the audio folder is the build's own: anything in it that is unreferenced goes
        found |= {f"audio/{p.name}" for p in audio.iterdir() if p.is_file()}
    return {p for p in found if safe(p) and (out / p).is_file()}


def safe(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and parts[0] != STATE


def link_published(out: Path, stage: Path, previous: set[str]) -> dict[str, tuple[int, int]]:
    """Fill the empty staging folder with links to the published files (a copy where links can't be
    made); return each one's identity, to know later which of them this build left untouched."""
    linked: dict[str, tuple[int, int]] = {}
    try:
        stage.mkdir(parents=True)
        for rel in sorted(previous):
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out / rel, target)
            except OSError:
                shutil.copy2(out / rel, target)
            info = target.stat()
            linked[rel] = (info.st_dev, info.st_ino)
    except OSError as exc:
        raise OutputError(f"Cannot write in the output folder {out}: {exc.strerror or exc}.") from exc
    return linked


def made_files(stage: Path, made: Made, linked: dict[str, tuple[int, int]]) -> list[str]:
    """Every file of the new build: what it names, and anything else it wrote."""
    named = {"feed.xml", "manifest.json", "cover.png", *made.outputs}
    named |= {c.audio for c in made.chapters} | {p for c in made.chapters for p in c.extra_files.values()}
    found = []
    for path in stage.rglob("*"):
        if not path.is_file() or path.name.endswith(".part"):
            continue
        rel = path.relative_to(stage).as_posix()
        info = path.stat()
        if rel in named or linked.get(rel) != (info.st_dev, info.st_ino):
            found.append(rel)
    return sorted(
        found, key=lambda rel: (rel in FIRST_FILES, -FIRST_FILES.index(rel) if rel in FIRST_FILES else 0, rel)
    )


def switch(out: Path, stage: Path, files: list[str], previous: set[str]) -> None:
    """Put the staged build in place: the plan first, so that a stop half-way is finished next time."""
    plan = {"files": files, "remove": sorted(previous - set(files))}
    write_atomic(out / STATE / "switch.json", json.dumps(plan, ensure_ascii=False))
    apply(out, plan)


def apply(out: Path, plan: dict[str, list[str]]) -> None:
    stage = out / STATE / "staging"
    try:
        for rel in plan["files"]:
            source = stage / rel
            if source.is_file():
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, out / rel)
        for rel in plan["remove"]:
            if safe(rel):
                (out / rel).unlink(missing_ok=True)
                for folder in (out / rel).parents:
                    if folder == out or not folder.is_relative_to(out):
                        break
                    try:
                        folder.rmdir()
                    except OSError:
                        break
        write_atomic(out / STATE / "published.json", json.dumps(plan["files"], ensure_ascii=False, indent=0))
        (out / STATE / "switch.json").unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot write in the output folder {out}: {exc.strerror or exc}.") from exc
    shutil.rmtree(stage, ignore_errors=True)


def recover(out: Path) -> None:
    """Finish a switch that a stop interrupted; clear what an unfinished build left in staging."""
    state = out / STATE
    try:
        plan = json.loads((state / "switch.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plan = None
    if isinstance(plan, dict) and isinstance(plan.get("files"), list) and isinstance(plan.get("remove"), list):
        apply(
            out, {"files": [str(p) for p in plan["files"] if safe(str(p))], "remove": [str(p) for p in plan["remove"]]}
        )
    (state / "switch.json").unlink(missing_ok=True)
    shutil.rmtree(state / "staging", ignore_errors=True)
    if (state / "staging").exists():
        raise OutputError(
            f"Cannot clear the unfinished build in {state / 'staging'}; remove that folder and run again."
        )

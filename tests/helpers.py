"""Helpers shared by tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON view of a media file (format, streams, chapters)."""
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def manifest(out: Path) -> dict[str, Any]:
    """The manifest of a build."""
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every published file under ``folder`` by relative path, with its bytes (not the build's own
    ``.audioguide`` folder: its lock, staging folder and list of published files)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != ".audioguide"
    }

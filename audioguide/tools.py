"""External programs (ffmpeg, ffprobe): finding them, and saying how to install one that is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .errors import ToolError


def require_tool(name: str) -> str:
    """The path of an external program, or :class:`ToolError` saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(
            f"{name} is not installed; audioguide needs it for this (whole-guide files, other engines' audio). "
            "On Debian or Ubuntu run: sudo apt-get install ffmpeg (macOS: brew install ffmpeg)."
        )
    return path


def probe_duration(path: Path) -> float:
    """The duration ffprobe reads from an audio file, in seconds."""
    from .workers import child_setup

    ffprobe = require_tool("ffprobe")
    result = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=child_setup(),  # ends with the build, however the build ends
    )
    try:
        return float(result.stdout.strip())
    except ValueError as exc:
        raise ToolError(f"ffprobe could not read {path.name}.") from exc

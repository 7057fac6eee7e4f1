"""The whole guide as one file with chapter marks: an MP3 (ID3 CHAP/CTOC) and an M4B audiobook.

The MP3 is made by stream copy of the chapter MP3s (no second encode); the M4B needs AAC, so it is
encoded once from them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ToolError
from ..fsutil import atomic_path, content_named
from ..tools import probe_duration, require_tool
from ..workers import child_setup
from . import Published, register
from .feed import Episode, Media, join_url
from .transcripts import subsection_starts

if TYPE_CHECKING:
    from . import PublishContext


@lru_cache(maxsize=1024)
def _mp3_length(path: str, size: int, mtime_ns: int) -> float:
    """ffprobe's length of a chapter file; size and time in the key keep a changed file from matching."""
    return probe_duration(Path(path))


def chapter_marks(ctx: PublishContext) -> list[dict[str, Any]]:
    """Start, end and title of every chapter and subsection across the whole guide, in order."""
    marks: list[dict[str, Any]] = []
    offset = 0.0
    for chapter in ctx.chapters:
        stat = (ctx.out / chapter.audio).stat()
        length = _mp3_length(str(ctx.out / chapter.audio), stat.st_size, stat.st_mtime_ns)
        starts = subsection_starts(chapter)
        for i, (title, start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else length
            marks.append({"title": title, "start": offset + start, "end": offset + end, "level": 1 if i == 0 else 2})
        offset += length
    return marks


def _ffmetadata(ctx: PublishContext, marks: list[dict[str, Any]]) -> str:
    def esc(value: str) -> str:
        for ch in ("\\", "=", ";", "#", "\n"):
            value = value.replace(ch, "\\" + ch)
        return value

    meta = ctx.meta
    lines = [
        ";FFMETADATA1",
        f"title={esc(str(meta['title']))}",
        f"album={esc(str(meta['title']))}",
        f"artist={esc(str(meta['author']))}",
        "genre=Speech",
    ]
    for mark in marks:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(mark['start'] * 1000)}",
            f"END={round(mark['end'] * 1000)}",
            f"title={esc(mark['title'])}",
        ]
    return "\n".join(lines) + "\n"


def _run_concat(ctx: PublishContext, marks: list[dict[str, Any]], dest: Path, codec: list[str], fmt: str) -> None:
    ffmpeg = require_tool("ffmpeg")
    with tempfile.TemporaryDirectory(prefix=".audioguide-full-", dir=ctx.out) as tmp:  # inside the staging folder
        listing = Path(tmp) / "list.txt"
        listing.write_text(
            "".join(
                "file '{}'\n".format(str((ctx.out / c.audio).resolve()).replace("'", "'\\''")) for c in ctx.chapters
            ),
            encoding="utf-8",
        )
        metadata = Path(tmp) / "meta.txt"
        metadata.write_text(_ffmetadata(ctx, marks), encoding="utf-8")
        cmd = [
            ffmpeg,
            "-nostdin",
            "-hide_banner",
            "-v",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-i",
            str(metadata),
            "-map",
            "0:a",
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            *codec,
            "-f",
            fmt,
            "-y",
            str(dest),
        ]
        result = subprocess.run(cmd, capture_output=True, check=False, preexec_fn=child_setup())
    if result.returncode != 0:
        said = " ".join(result.stderr.decode(errors="replace").split())[-300:]  # one line
        raise ToolError(
            f"ffmpeg could not make the whole-guide file: {said or 'it stopped without saying why (is the disk full?)'}"
        )


@register("mp3", "whole guide in one file with chapter marks", tools=("ffmpeg",))
def publish_mp3(ctx: PublishContext) -> Published:
    """The whole guide as one MP3 with ID3 chapter frames, by stream copy, and its feed episode."""
    marks = chapter_marks(ctx)
    slug = str(ctx.meta["slug"])
    found: dict[str, Any] = {}

    def name_for(tmp: Path) -> str:
        data = tmp.read_bytes()
        found["sha256"] = hashlib.sha256(data).hexdigest()
        found["bytes"] = len(data)
        return f"{slug}-whole-guide-{found['sha256'][:10]}.mp3"

    with content_named(ctx.out / "audio", name_for) as tmp:
        _run_concat(ctx, marks, tmp, ["-c", "copy", "-id3v2_version", "4", "-write_xing", "1"], "mp3")
    rel = f"audio/{slug}-whole-guide-{found['sha256'][:10]}.mp3"
    chapters_rel = f"audio/{slug}-whole-guide-{found['sha256'][:10]}.chapters.json"
    doc = {"version": "1.2.0", "chapters": [{"startTime": round(m["start"], 3), "title": m["title"]} for m in marks]}
    with atomic_path(ctx.out / chapters_rel) as tmp_json:
        tmp_json.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    duration = round(marks[-1]["end"], 3) if marks else 0.0
    record = {
        "audio": rel,
        "bytes": found["bytes"],
        "sha256": found["sha256"],
        "chapters": chapters_rel,
        "duration": duration,
        "marks": [{"title": m["title"], "start": round(m["start"], 3), "level": m["level"]} for m in marks],
    }
    base, title = ctx.options.base_url, ctx.script.title
    episode = Episode(
        title=f"The whole guide: {title}",
        description=f"All of {title} in one episode, with a chapter mark for every section.",
        guid=str(uuid.uuid5(ctx.guide_id, "whole-guide")),
        pub_date=max(c.pub_date for c in ctx.chapters),
        media=Media(url=join_url(base, rel), bytes=found["bytes"], duration=duration),
        number=None,
        episode_type="bonus",
        chapters_url=join_url(base, chapters_rel),
        chapter_marks=tuple((round(m["start"], 3), m["title"]) for m in marks),
    )
    return Published([rel, chapters_rel], episodes=(episode,), manifest={"whole_guide": record})


@register("m4b", "audiobook", tools=("ffmpeg",))
def publish_m4b(ctx: PublishContext) -> Published:
    """The whole guide as an M4B audiobook (AAC) with chapters."""
    marks = chapter_marks(ctx)
    rel = f"{ctx.meta['slug']}.m4b"
    with atomic_path(ctx.out / rel) as tmp:
        _run_concat(ctx, marks, tmp, ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"], "ipod")
    return Published([rel])

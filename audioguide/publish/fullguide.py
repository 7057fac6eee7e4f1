"""The whole guide as one file with chapter marks: an MP3 (ID3 CHAP/CTOC) and an M4B audiobook.

The MP3 is made by stream copy of the chapter MP3s (no second encode); the M4B needs AAC, so it is
encoded once from them. Both carry the cover art (an ID3 APIC frame; an MP4 ``covr`` atom), and the
M4B is marked as an audiobook (``stik`` 2), which is what puts it on an Apple device's audiobook shelf.
The MP3 is also a feed episode, after the chapters, with captions and a transcript of its own.
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
from ..i18n import messages
from ..tools import probe_duration, require_tool
from ..workers import child_setup
from . import Published, register
from .feed import Episode, Media, Transcript, join_url
from .transcripts import subsection_starts, whole_guide_files

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
    if ctx.options.copyright:
        lines.append(f"copyright={esc(ctx.options.copyright)}")
    for mark in marks:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(mark['start'] * 1000)}",
            f"END={round(mark['end'] * 1000)}",
            f"title={esc(mark['title'])}",
        ]
    return "\n".join(lines) + "\n"


def _run_concat(
    ctx: PublishContext, marks: list[dict[str, Any]], dest: Path, codec: list[str], fmt: str, cover: bytes = b""
) -> None:
    """Join the chapter MP3s into ``dest`` with ffmpeg; with ``cover`` (PNG) as an attached picture
    (an ID3 APIC front cover: ffmpeg writes it among its own frames, so the chapter frames keep their order)."""
    ffmpeg = require_tool("ffmpeg")
    with tempfile.TemporaryDirectory(prefix=".audioguide-full-", dir=ctx.out) as tmp:  # inside the staging folder
        picture: list[str] = []
        if cover:
            (Path(tmp) / "cover.png").write_bytes(cover)
            picture = ["-i", str(Path(tmp) / "cover.png")]
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
            *picture,
            "-map",
            "0:a",
            *(
                ["-map", "2:v", "-disposition:v", "attached_pic", "-metadata:s:v", "comment=Cover (front)"]
                if cover
                else []
            ),
            *(["-metadata:s:v", "title=Cover"] if cover else []),
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
        _run_concat(ctx, marks, tmp, ["-c", "copy", "-id3v2_version", "4", "-write_xing", "1"], "mp3", _cover(ctx))
    stem = f"audio/{slug}-whole-guide-{found['sha256'][:10]}"
    rel = f"{stem}.mp3"
    chapters_rel = f"{stem}.chapters.json"
    doc = {"version": "1.2.0", "chapters": [{"startTime": round(m["start"], 3), "title": m["title"]} for m in marks]}
    with atomic_path(ctx.out / chapters_rel) as tmp_json:
        tmp_json.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # The transcripts follow the chapters at the offsets the chapter marks use.
    offsets = [m["start"] for m in marks if m["level"] == 1]
    written = whole_guide_files(ctx, offsets, stem)
    duration = round(marks[-1]["end"], 3) if marks else 0.0
    record = {
        "audio": rel,
        "bytes": found["bytes"],
        "sha256": found["sha256"],
        "chapters": chapters_rel,
        "files": dict(sorted(written.items())),
        "duration": duration,
        "marks": [{"title": m["title"], "start": round(m["start"], 3), "level": m["level"]} for m in marks],
    }
    base, title, lang = ctx.options.base_url, ctx.script.title, ctx.script.language
    episode = Episode(
        title=messages(lang).text("publish.whole_guide"),  # not the show's title again: Apple asks for that
        description=messages(lang).text("publish.whole_guide_description", title=title),
        guid=str(uuid.uuid5(ctx.guide_id, "whole-guide")),
        link=join_url(base, "index.html"),
        media=Media(url=join_url(base, rel), bytes=found["bytes"], duration=duration),
        number=None,
        episode_type="bonus",
        transcripts=(
            Transcript(join_url(base, written["vtt"]), "text/vtt", lang, "captions"),
            Transcript(join_url(base, written["srt"]), "application/x-subrip", lang, "captions"),
            Transcript(join_url(base, written["html"]), "text/html", lang),
        ),
        chapters_url=join_url(base, chapters_rel),
        chapter_marks=tuple((round(m["start"], 3), m["title"]) for m in marks),
    )
    paths = [rel, chapters_rel, *(written[k] for k in sorted(written))]
    return Published(paths, episodes=(episode,), manifest={"whole_guide": record})


@register("m4b", "audiobook", tools=("ffmpeg",))
def publish_m4b(ctx: PublishContext) -> Published:
    """The whole guide as an M4B audiobook (AAC) with chapters."""
    marks = chapter_marks(ctx)
    rel = f"{ctx.meta['slug']}.m4b"
    with atomic_path(ctx.out / rel) as tmp:
        _run_concat(ctx, marks, tmp, ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"], "ipod")
        _tag_m4b(tmp, _cover(ctx))
    return Published([rel])


def _cover(ctx: PublishContext) -> bytes:
    """The build's cover art (PNG), which the build wrote before the publishers run."""
    try:
        return (ctx.out / str(ctx.meta.get("cover") or "cover.png")).read_bytes()
    except OSError:
        return b""


def _tag_m4b(path: Path, png: bytes) -> None:
    """Mark the M4B as an audiobook (``stik`` 2) and give it the cover art (``covr``)."""
    from mutagen.mp4 import MP4, MP4Cover

    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    audio.tags["stik"] = [2]
    if png:
        audio.tags["covr"] = [MP4Cover(png, imageformat=MP4Cover.FORMAT_PNG)]
    audio.save(padding=lambda info: 0)

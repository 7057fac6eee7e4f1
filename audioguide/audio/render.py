"""Segments encoded to MP3 frames, and a chapter's segments joined into one tagged MP3."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import mp3
from ..errors import ToolError
from ..loudness import LIMIT_DBTP, db_to_gain
from ..wav import SAMPLE_RATE
from .layout import Segment
from .prepared import PREPARED_FORMAT, Prepared, limited_at, read_audio

if TYPE_CHECKING:
    from mutagen.id3 import APIC

SEGMENT_FORMAT = "segment-1"
"""Changes whenever segment rendering changes, so that segments encoded by older versions are not used."""


def segment_key(segment: Segment, prepared: Sequence[Prepared], gain_db: float) -> str:
    """What a segment's MP3 frames depend on: its sentences, where they sit, the gain and the encoder."""
    import hashlib
    import json

    payload = json.dumps(
        [
            SEGMENT_FORMAT,
            PREPARED_FORMAT,
            [[prepared[i].path.stem, at] for i, at in segment.items],
            segment.samples,
            gain_db,
            SAMPLE_RATE,
            LIMIT_DBTP,
            mp3.KBPS,
            mp3.QUALITY,
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def segment_path(cache_root: Path, key: str) -> Path:
    """Where a segment's encoded frames are kept in the cache."""
    return Path(cache_root) / "segments" / key[:2] / f"{key}.mp3"


def render_segment(items: Sequence[tuple[Path, int, bool]], samples: int, gain_db: float, dest: Path) -> int:
    """Encode a segment to MP3 frames at ``dest`` (atomically); returns the number of frames.

    ``items`` are the prepared sentences' files, where each starts, and whether it is
    :func:`.layout.over_limit` at the chapter's gain (a sentence louder than the chapter as a whole): those
    are limited at it, the rest simply take the gain. Memory holds one sentence.
    """
    from ..fsutil import write_checked

    def pcm() -> Iterator[bytes]:
        import numpy as np

        position = 0
        for path, at, limited in items:
            yield from _silence(at - position)
            x = limited_at(path, gain_db)[0] if limited else read_audio(path) * db_to_gain(gain_db)
            yield np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2").tobytes()
            position = at + len(x)
        yield from _silence(samples - position)

    frames = mp3.encode_segment(pcm(), SAMPLE_RATE)
    found = mp3.count_frames(frames)
    if found != mp3.frames_for(samples):
        raise ToolError(
            f"The MP3 encoder made {found} frames where {mp3.frames_for(samples)} were expected; "
            "chapter timings would be wrong. Please report this with your lameenc version."
        )
    write_checked(dest, frames)  # with its checksum, checked before the segment is used again
    return found


_SILENCE_CHUNK = SAMPLE_RATE * 10


def _silence(count: int) -> Iterator[bytes]:
    while count > 0:
        n = min(count, _SILENCE_CHUNK)
        yield b"\x00\x00" * n
        count -= n


def assemble_chapter(parts: Sequence[Path], dest: Path, tags: Tags) -> None:
    """Join a chapter's encoded segments into a tagged MP3 at ``dest``, written in one pass."""
    mp3.write_frames(dest, list(parts), head=id3_tag(tags))


@dataclass(frozen=True)
class Tags:
    """ID3 tags of a chapter file."""

    title: str
    """Chapter title."""
    album: str
    """The guide's title."""
    artist: str
    """Who the guide is by."""
    track: int
    """Track number (1-based)."""
    total: int
    """Number of tracks."""
    language: str = "eng"
    """ISO 639-2 language code."""
    genre: str = "Speech"
    """ID3 genre."""
    cover: bytes = b""
    """Cover art as PNG bytes (an APIC front cover), or empty for none."""
    copyright: str = ""
    """Copyright notice (TCOP), or empty for none."""

    def key(self) -> dict[str, object]:
        """The tags as JSON-ready values, the cover by its hash: what the tag bytes depend on."""
        import hashlib

        found: dict[str, object] = dict(vars(self))
        found["cover"] = hashlib.sha256(self.cover).hexdigest() if self.cover else ""
        return found


def id3_tag(tags: Tags) -> bytes:
    """An ID3v2.4 tag holding ``tags``, as the bytes that start an MP3 file."""
    import io

    from mutagen.id3 import ID3, TALB, TCON, TCOP, TIT2, TLAN, TPE1, TRCK

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(TCON(encoding=3, text=tags.genre))
    if tags.copyright:
        id3.add(TCOP(encoding=3, text=tags.copyright))
    if tags.cover:
        id3.add(cover_frame(tags.cover))
    buffer = io.BytesIO()
    id3.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def cover_frame(png: bytes) -> APIC:
    """An ID3 APIC frame holding ``png`` as the front cover, as podcast apps and players look for it."""
    from mutagen.id3 import APIC, PictureType

    return APIC(encoding=3, mime="image/png", type=PictureType.COVER_FRONT, desc="Cover", data=png)

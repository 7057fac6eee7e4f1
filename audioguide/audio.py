"""Assemble sentence audio into chapters with pauses, and encode them to tagged MP3."""

from __future__ import annotations

import shutil
import subprocess
import warnings
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolError
from .model import Timing, Utterance

SAMPLE_RATE = 22050
"""Chapters are assembled and encoded as mono 16-bit PCM at this rate."""
BITRATE = "64k"
"""MP3 bitrate: plenty for mono speech."""


@dataclass(frozen=True)
class Pacing:
    """Pauses in seconds, chosen for listeners who tire easily."""

    sentence: float = 0.45
    """After a sentence inside a paragraph."""
    paragraph: float = 0.9
    """After the last sentence of a paragraph, a list item or a heading."""
    heading: float = 1.4
    """Before a subsection heading or the chapter's closing signpost."""
    lead_in: float = 0.4
    """Silence at the start of every chapter."""
    tail: float = 1.2
    """Silence at the end of every chapter."""

    def after(self, kind: str) -> float:
        """The pause that follows an utterance whose ``pause_after`` is ``kind``."""
        return {"sentence": self.sentence, "paragraph": self.paragraph, "heading": self.heading}.get(kind, 0.25)


def require_tool(name: str) -> str:
    """The path of an external program, or :class:`ToolError` saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(
            f"{name} is not installed; audioguide needs it to make MP3 files. "
            "On Debian or Ubuntu run: sudo apt-get install ffmpeg (macOS: brew install ffmpeg)."
        )
    return path


def load_pcm(path: Path) -> bytes:
    """Read an audio file as mono 16-bit PCM at :data:`SAMPLE_RATE`."""
    try:
        with wave.open(str(path), "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE):
                return wav.readframes(wav.getnframes())
    except (wave.Error, EOFError, OSError):
        pass  # not a plain WAV: let pydub and ffmpeg convert it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pydub imports audioop
        from pydub import AudioSegment

    try:
        with open(path, "rb") as fh:
            segment = AudioSegment.from_file(fh)
    except Exception as exc:  # pydub raises CouldntDecodeError, IndexError, wave.Error ...
        raise ToolError(f"Could not read the speech audio in {Path(path).name} ({exc}).") from exc
    segment = segment.set_channels(1).set_sample_width(2).set_frame_rate(SAMPLE_RATE)
    return bytes(segment.raw_data)


def silence(seconds: float) -> bytes:
    """Digital silence of ``seconds`` at :data:`SAMPLE_RATE`."""
    return b"\x00\x00" * round(seconds * SAMPLE_RATE)


def assemble(pcm: Sequence[bytes], utterances: Sequence[Utterance], pacing: Pacing) -> tuple[bytes, list[Timing]]:
    """Join sentence audio with pauses; return the chapter's PCM and each sentence's timing.

    Timings come from sample counts of the real audio, so they are exact.
    """
    parts: list[bytes] = [silence(pacing.lead_in)]
    position = len(parts[0]) // 2
    timings: list[Timing] = []
    for i, (chunk, utterance) in enumerate(zip(pcm, utterances, strict=True)):
        start = position
        parts.append(chunk)
        position += len(chunk) // 2
        timings.append(Timing(start=start / SAMPLE_RATE, end=position / SAMPLE_RATE))
        gap = silence(pacing.tail if i == len(utterances) - 1 else pacing.after(utterance.pause_after))
        parts.append(gap)
        position += len(gap) // 2
    return b"".join(parts), timings


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


def encode_mp3(pcm: bytes, dest: Path, tags: Tags) -> None:
    """Encode mono PCM to an MP3 at ``dest`` with ID3 tags. Same input, same bytes."""
    ffmpeg = require_tool("ffmpeg")
    result = subprocess.run(
        [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE),
         "-ac", "1", "-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact",
         "-flags:a", "+bitexact", "-codec:a", "libmp3lame", "-b:a", BITRATE, "-id3v2_version", "0",
         "-write_xing", "1", "-f", "mp3", "-y", str(dest)],
        input=pcm, capture_output=True, check=False,
    )
    if result.returncode != 0:
        raise ToolError(f"ffmpeg could not encode {dest.name}: {result.stderr.decode(errors='replace').strip()[-300:]}")
    write_tags(dest, tags)


def write_tags(path: Path, tags: Tags) -> None:
    """Write ID3v2.4 tags to the MP3 at ``path``."""
    from mutagen.id3 import ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(TCON(encoding=3, text=tags.genre))
    id3.save(str(path), v2_version=4, padding=lambda info: 0)


def probe_duration(path: Path) -> float:
    """The duration ffprobe reads from an audio file, in seconds."""
    ffprobe = require_tool("ffprobe")
    result = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=False,
    )
    try:
        return float(result.stdout.strip())
    except ValueError as exc:
        raise ToolError(f"ffprobe could not read {path.name}.") from exc

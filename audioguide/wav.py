"""WAV input and output at the pipeline's one sample rate: the foundation every audio stage stands on."""

from __future__ import annotations

import warnings
import wave
from pathlib import Path

from .errors import ToolError

SAMPLE_RATE = 22050
"""Chapters are assembled and encoded as mono 16-bit PCM at this rate."""


def plain_wav(path: Path, read: bool = False) -> tuple[int, bytes] | None:
    """``(samples, PCM if read)`` when ``path`` is already mono 16-bit WAV at :data:`SAMPLE_RATE`."""
    try:
        with wave.open(str(path), "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE):
                return wav.getnframes(), wav.readframes(wav.getnframes()) if read else b""
    except (wave.Error, EOFError, OSError):
        pass
    return None


def load_pcm(path: Path) -> bytes:
    """Read an audio file as mono 16-bit PCM at :data:`SAMPLE_RATE`."""
    plain = plain_wav(path, read=True)
    if plain is not None:
        return plain[1]
    # Not a plain WAV: let pydub and ffmpeg convert it.
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


def wav_samples(path: Path) -> int:
    """How many samples the sentence audio at ``path`` has at :data:`SAMPLE_RATE`, mono."""
    plain = plain_wav(path)
    return plain[0] if plain is not None else len(load_pcm(path)) // 2


def write_wav(path: Path, pcm: bytes) -> None:
    """Write mono 16-bit PCM at :data:`SAMPLE_RATE` as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)


def canonicalise_wav(path: Path) -> None:
    """Rewrite an engine's audio file in place as mono 16-bit WAV at :data:`SAMPLE_RATE`, if it isn't."""
    if plain_wav(path) is None:
        write_wav(path, load_pcm(path))

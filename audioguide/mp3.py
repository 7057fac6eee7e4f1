"""MP3 encoding of chapter segments with LAME (the ``lameenc`` package), in this process.

A chapter is encoded as a run of independent *segments* (a sentence each, cut in the silence
between sentences) whose frames are joined into one file. Every segment starts the encoder
afresh, so it depends on nothing before it: editing one sentence re-encodes one segment.
The joins are clean because each segment begins and ends in silence and a fresh LAME stream
needs no bits from the frames before it.

Frame arithmetic (LAME, MPEG-2 layer III at 22 050 Hz): a frame holds :data:`FRAME` samples; a
segment of ``n`` samples, ``n`` a multiple of :data:`FRAME`, encodes to ``n / FRAME + 2`` frames,
and decodes with its first sample :data:`DELAY` samples in (LAME's 576-sample encoder delay plus
the decoder's 529). Files carry no LAME gapless tag, so every player decodes the same samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import ToolError

FRAME = 576
"""Samples per MP3 frame (MPEG-2 layer III)."""
DELAY = 1105
"""Where the first sample of a segment lands in its decoded output."""
EXTRA_FRAMES = 2
"""Frames a segment gains over its length in samples / :data:`FRAME` (encoder delay and flush)."""
QUALITY = 3
"""LAME's algorithm quality (0 best, 9 fastest); 3 is LAME's own default."""
KBPS = 64
"""Constant bitrate: plenty for mono speech."""

_BITRATES = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""MPEG-2/2.5 layer III bitrates by header index, kbit/s."""
_RATES = {0: 22050, 1: 24000, 2: 16000}
"""MPEG-2 sample rates by header index."""


def encode_segment(chunks: Iterable[bytes], rate: int) -> bytes:
    """MP3 frames of mono 16-bit PCM ``chunks`` at ``rate``, from a fresh encoder.

    Same samples, same bytes, however they are cut into chunks.
    """
    try:
        import lameenc
    except ImportError as exc:
        raise ToolError(
            "Cannot make MP3 files: the lameenc package is missing; reinstall audioguide (pip install audioguide)."
        ) from exc
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    encoder.silence()
    out = bytearray()
    for chunk in chunks:
        if chunk:
            out += encoder.encode(chunk)
    out += encoder.flush()
    return bytes(out)


def count_frames(data: bytes) -> int:
    """How many MPEG-2 layer III frames ``data`` (frames only, no tags) holds.

    Raises :class:`ToolError` if the bytes are not a clean run of such frames.
    """
    position = count = 0
    while position < len(data):
        if position + 4 > len(data):
            raise ToolError("The MP3 encoder gave a truncated frame.")
        header = int.from_bytes(data[position : position + 4], "big")
        version, layer = (header >> 19) & 3, (header >> 17) & 3
        bitrate, rate = _BITRATES[(header >> 12) & 15] if (header >> 12) & 15 < 15 else 0, (header >> 10) & 3
        if header >> 21 != 0x7FF or version != 2 or layer != 1 or not bitrate or rate not in _RATES:
            raise ToolError(f"The MP3 encoder gave an unexpected frame at byte {position}.")
        position += 72_000 * bitrate // _RATES[rate] + ((header >> 9) & 1)
        count += 1
    return count


def frames_for(samples: int) -> int:
    """Frames a segment of ``samples`` (a multiple of :data:`FRAME`) encodes to."""
    return -(-samples // FRAME) + EXTRA_FRAMES


def write_frames(dest: Path, parts: list[Path], head: bytes = b"") -> None:
    """Write ``head`` (an ID3 tag, say) and then the segment files ``parts``, joined, to ``dest``."""
    import shutil

    with open(dest, "wb") as out:
        out.write(head)
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)

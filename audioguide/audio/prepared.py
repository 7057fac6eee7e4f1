"""Prepared sentences: limited and measured once, kept in the cache, ready for any chapter."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ToolError
from ..fsutil import check, drop, read_checked, write_checked
from ..loudness import LIMIT_DBTP, TARGET_LUFS, db_to_gain
from ..wav import SAMPLE_RATE, load_pcm

MP3_ALLOWANCE_DB = 0.5
"""libmp3lame at 64 kbit/s CBR gives back speech about 0.4-0.6 LU quieter than it was given (measured
with pyloudnorm and ffmpeg's ebur128 on espeak-ng, piper and test-tone chapters): the PCM aims that much
higher so that the MP3, not the PCM, lands on the target."""
PCM_TARGET = TARGET_LUFS + MP3_ALLOWANCE_DB
"""Integrated loudness the chapter PCM is brought to, LUFS."""
CREST_MARGIN_DB = 4.5
"""Sentences are limited this much further than the chapter alone would need. A sentence measured on
its own, before limiting, is 3 to 4 dB louder than the chapter it ends up in (the limiter takes a
little away, and blocks that straddle pauses pull a chapter's gated loudness down; measured on
espeak-ng speech): with this margin most sentences fit under the limit at their chapter's gain, and
the rest are limited again there (see :func:`.layout.chapter_gain`)."""
CREST_DB = LIMIT_DBTP - PCM_TARGET - CREST_MARGIN_DB
"""How far a sentence's true peaks may rise above its own loudness (9 dB). Each sentence is limited
to this crest before the chapter's single gain (a limiter before linear gain, as espeak-ng's high
peaks need), so one measurement of the chapter sets a gain that lands it on the target with its
peaks at the limit. Quiet sentences stay quiet: only peaks are held, never levels evened out."""
PREPARED_FORMAT = "prepared-3"
"""Folder of prepared sentences in the cache; changes whenever preparation changes."""
FINE = SAMPLE_RATE // 50
"""Samples per energy bin of a prepared sentence (20 ms: five to a BS.1770 100 ms step)."""
HOP = SAMPLE_RATE // 10
"""BS.1770's 100 ms step."""
GAIN_STEP = 0.5
"""Chapter gains are whole multiples of this, in dB, so that a small edit seldom changes a chapter's
gain and every other sentence's encoded audio can be kept (the cost: at most 0.25 LU off target)."""


@dataclass(frozen=True)
class Prepared:
    """A sentence ready for any chapter: limited to :data:`CREST_DB`, with what a chapter needs to know."""

    path: Path
    """Its measurements (a ``.npy`` file); the audio is beside it (:func:`audio_path`)."""
    samples: int
    """Length in samples at :data:`SAMPLE_RATE`."""
    peak: float
    """True peak of the prepared audio, linear."""
    energies: Any
    """K-weighted energy per :data:`FINE` samples from its first sample, its filter ring-down included."""


def prepared_path(cache_root: Path, wav: Path) -> Path:
    """Where the prepared form of the cached sentence ``wav`` is kept."""
    return Path(cache_root) / PREPARED_FORMAT / wav.stem[:2] / f"{wav.stem}.npy"


def audio_path(measurements: Path) -> Path:
    """The 16-bit samples kept beside a prepared sentence's (or limited sentence's) measurements."""
    return measurements.with_suffix(".pcm")


def read_audio(measurements: Path) -> Any:
    """The kept samples beside ``measurements``, checked against their checksum (:class:`ToolError`
    if they differ: the cache was damaged during the build)."""
    found = _audio(measurements)
    if found is None:
        raise ToolError(
            f"The cached audio {audio_path(measurements).name} was damaged during the build; run the build again."
        )
    return found


def _audio(measurements: Path) -> Any:
    """The kept samples as floats, or ``None`` if they are missing or damaged."""
    import numpy as np

    data = read_checked(audio_path(measurements))
    return None if data is None else np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0


def _to_pcm(samples: Any) -> bytes:
    import numpy as np

    return bytes(np.clip(np.round(np.asarray(samples) * 32768.0), -32768, 32767).astype("<i2").tobytes())


def _keep(measurements: Path, numbers: Any, audio: Any) -> None:
    """Keep ``audio`` and then ``numbers``, each with its checksum, atomically."""
    import io

    import numpy as np

    write_checked(audio_path(measurements), _to_pcm(audio))
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(numbers, dtype=np.float64))
    write_checked(measurements, buffer.getvalue())


def _recall(measurements: Path, leading: int) -> Any:
    """The numbers kept by :func:`_keep` (at least ``leading`` of them, the first being the audio's
    length), or ``None`` if they or the audio are missing or damaged."""
    import io

    import numpy as np

    data = read_checked(measurements)
    if data is None:
        return None
    try:
        numbers = np.load(io.BytesIO(data))
        size = audio_path(measurements).stat().st_size
    except (OSError, ValueError, EOFError):
        return None
    if numbers.ndim != 1 or len(numbers) < leading or size != 2 * int(numbers[0]):
        return None
    return numbers


def prepared_state(measurements: Path) -> bool | None:
    """Whether a prepared sentence is whole (its measurements and its samples match their checksums):
    ``False`` when damaged (both are then removed, to be made again), ``None`` when not made."""
    states = [check(measurements), check(audio_path(measurements))]
    if False in states:
        drop(measurements)
        drop(audio_path(measurements))
        return False
    return None if None in states else True


def sentence_loudness(samples: Any) -> float:
    """A sentence's loudness in LUFS: BS.1770 gated, or for one shorter than a 400 ms block, its mean
    K-weighted power."""
    import numpy as np

    from ..loudness import LoudnessMeter, k_filter

    if len(samples) == 0 or not np.any(samples):
        return -math.inf
    meter = LoudnessMeter(SAMPLE_RATE)
    meter.feed(samples)
    found = meter.integrated()
    if found == -math.inf:
        power = float(np.square(k_filter(samples, SAMPLE_RATE)).sum()) / len(samples)
        found = -0.691 + 10.0 * math.log10(power) if power > 0 else -math.inf
    return found


def prepare(wav: Path, dest: Path) -> Prepared:
    """The prepared form of sentence audio ``wav``, made once and kept at ``dest``."""
    import numpy as np

    from ..loudness import RING, LoudnessMeter, limit_with_peak

    kept = _recall(dest, 2)
    if kept is not None:  # else never made, or damaged: make it (again)
        return Prepared(path=dest, samples=int(kept[0]), peak=float(kept[1]), energies=kept[2:])
    x = np.frombuffer(load_pcm(wav), dtype="<i2").astype(np.float64) / 32768.0
    loud = sentence_loudness(x)
    y, peak = limit_with_peak(x, db_to_gain(loud + CREST_DB), SAMPLE_RATE) if loud > -math.inf else (x, 0.0)
    meter = LoudnessMeter(SAMPLE_RATE, FINE)
    meter.feed(y)
    meter.feed_silence(RING)
    found = Prepared(path=dest, samples=len(x), peak=peak, energies=meter.energies())
    _keep(dest, np.concatenate([[found.samples, found.peak], found.energies]), y)
    return found


def limited_at(path: Path, gain_db: float) -> tuple[Any, Any]:
    """The prepared sentence at ``path`` at ``gain_db``, limited at :data:`LIMIT_DBTP`, and its energy
    bins: made once per sentence and gain and kept beside it, for measuring and for rendering."""
    import numpy as np

    from ..loudness import RING, LoudnessMeter, limit

    dest = path.with_name(f"{path.stem}@{gain_db:+.1f}dB.npy")
    kept = _recall(dest, 1)
    audio = _audio(dest) if kept is not None else None
    if kept is not None and audio is not None:
        return audio, kept[1:]
    x = limit(read_audio(path) * db_to_gain(gain_db), db_to_gain(LIMIT_DBTP), SAMPLE_RATE)
    meter = LoudnessMeter(SAMPLE_RATE, FINE)
    meter.feed(x)
    meter.feed_silence(RING)
    energies = meter.energies()
    x = np.frombuffer(_to_pcm(x), dtype="<i2") / 32768.0  # as it is kept: first and later builds agree
    _keep(dest, np.concatenate([[len(x)], energies]), x)
    return x, energies

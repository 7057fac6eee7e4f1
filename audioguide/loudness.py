"""Chapter loudness: BS.1770 integrated loudness measured as audio streams past, and a true-peak limiter.

Chapters are normalised as a whole to :data:`TARGET_LUFS` (EBU R 128 for speech podcasts: -16 LUFS)
with true peaks at or below :data:`CEILING_DBTP`. Nothing here holds more than one sentence of audio.
numpy and scipy (a pyloudnorm dependency) are imported inside the functions that use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

TARGET_LUFS = -16.0
"""Integrated loudness of every chapter, measured on the MP3."""
CEILING_DBTP = -1.0
"""The highest true peak allowed in the MP3."""
LIMIT_DBTP = -2.0
"""Where the limiter holds true peaks in the PCM: 1 dB below the ceiling, room for MP3 overshoot."""
ABSOLUTE_GATE = -70.0
"""BS.1770 absolute gate, LUFS."""
RELATIVE_GATE = 10.0
"""BS.1770 relative gate, LU below the ungated loudness."""
LIMITER_WINDOW = 0.008
"""Seconds either side of a peak over which the limiter's gain dips and recovers (attack = release)."""
OVERSAMPLE = 4
"""True peaks are found on audio oversampled this many times."""


def db_to_gain(db: float) -> float:
    """A decibel change as a linear factor."""
    return float(10.0 ** (db / 20.0))


class LoudnessMeter:
    """Integrated loudness (ITU-R BS.1770-4, mono) of audio fed to it in pieces of any size.

    Keeps the K-weighting filter's state between pieces and one number per 100 ms, so memory is
    tiny however long the chapter.
    """

    def __init__(self, rate: int) -> None:
        import numpy as np
        from pyloudnorm import IIRfilter

        shelf = IIRfilter(4.0, 1 / math.sqrt(2), 1500.0, rate, "high_shelf")
        highpass = IIRfilter(0.0, 0.5, 38.0, rate, "high_pass")
        self._b = np.convolve(shelf.b, highpass.b) * shelf.passband_gain * highpass.passband_gain
        self._a = np.convolve(shelf.a, highpass.a)
        self._state = np.zeros(len(self._a) - 1)
        self._hop = round(rate * 0.1)
        self._partial = 0.0
        self._partial_n = 0
        self._energies: list[float] = []

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples (full scale = 1.0)."""
        import numpy as np
        from scipy.signal import lfilter

        if len(samples) == 0:
            return
        filtered, self._state = lfilter(self._b, self._a, samples, zi=self._state)
        squares = np.square(filtered)
        start = 0
        if self._partial_n:
            take = min(self._hop - self._partial_n, len(squares))
            self._partial += float(squares[:take].sum())
            self._partial_n += take
            start = take
            if self._partial_n == self._hop:
                self._energies.append(self._partial)
                self._partial, self._partial_n = 0.0, 0
        whole = (len(squares) - start) // self._hop
        if whole:
            end = start + whole * self._hop
            self._energies.extend(squares[start:end].reshape(whole, self._hop).sum(axis=1).tolist())
            start = end
        if start < len(squares):
            self._partial += float(squares[start:].sum())
            self._partial_n += len(squares) - start

    def feed_silence(self, count: int) -> None:
        """Add ``count`` samples of digital silence (the filter still rings down)."""
        import numpy as np

        step = self._hop * 50
        while count > 0:
            n = min(step, count)
            self.feed(np.zeros(n))
            count -= n

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS; ``-inf`` for silence or audio shorter than 400 ms."""
        import numpy as np

        energies = np.asarray(self._energies)
        if len(energies) < 4:
            return -math.inf
        # 400 ms blocks overlapping by 75%: the mean of four consecutive 100 ms sums.
        window = np.convolve(energies, np.ones(4), mode="valid") / (4 * self._hop)
        with np.errstate(divide="ignore"):
            block_loudness = -0.691 + 10.0 * np.log10(window)
        gated = window[block_loudness >= ABSOLUTE_GATE]
        if len(gated) == 0:
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(float(gated.mean())) - RELATIVE_GATE
        final = window[(block_loudness > relative) & (block_loudness >= ABSOLUTE_GATE)]
        if len(final) == 0:
            return -math.inf
        return -0.691 + 10.0 * math.log10(float(final.mean()))


@lru_cache(maxsize=1)
def _phases() -> tuple[Any, ...]:
    """The polyphase branches of a 4x interpolation filter (49-tap Kaiser-windowed sinc)."""
    from scipy.signal import firwin

    prototype = firwin(12 * OVERSAMPLE + 1, 1.0 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
    return tuple(prototype[p::OVERSAMPLE] for p in range(1, OVERSAMPLE))


def true_peaks(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """For each sample, the highest absolute level of the band-limited signal within one sample of it.

    The signal is oversampled :data:`OVERSAMPLE` times (polyphase FIR, zeros outside), as BS.1770's
    true-peak meter does. Where the samples nearby are too quiet for the true peak to reach
    ``floor``, the sample's own level is returned instead (the limiter asks only about loud peaks).
    """
    import numpy as np
    from scipy.ndimage import maximum_filter1d

    n = len(samples)
    if n == 0:
        return np.zeros(0)
    phases = _phases()
    taps = len(phases[0])
    delay = 6  # the prototype's 24-sample delay at the oversampled rate
    peaks = np.abs(samples)
    bound = max(float(np.abs(p).sum()) for p in phases)
    nearby = maximum_filter1d(peaks, size=2 * taps + 1, mode="constant")
    where = np.flatnonzero(nearby * bound >= floor) if floor > 0 else np.arange(n)
    if len(where):
        # u[4i + p] = sum_k phase_p[k] * x[i + delay - k]: gather each window and use one matrix product.
        padded = np.concatenate([np.zeros(taps), samples, np.zeros(taps)])
        offsets = np.arange(taps)
        windows = padded[(where + delay + taps)[:, None] - offsets[None, :]]
        between = np.abs(windows @ np.stack(phases, axis=1)).max(axis=1)
        peaks[where] = np.maximum(peaks[where], between)
    # Peaks between sample n and n+1 belong to both.
    out: np.ndarray = peaks.copy()
    np.maximum(out[1:], peaks[:-1], out=out[1:])
    np.maximum(out[:-1], peaks[1:], out=out[:-1])
    return out


def true_peak(samples: np.ndarray) -> float:
    """The true peak of ``samples`` (linear, full scale = 1.0)."""
    peaks = true_peaks(samples)
    return float(peaks.max()) if len(peaks) else 0.0


def limit(samples: np.ndarray, ceiling: float, rate: int, verify: bool = True,
          peaks: np.ndarray | None = None) -> np.ndarray:
    """``samples`` with true peaks held at or below ``ceiling`` (linear) by a look-ahead limiter.

    The gain is a smoothed minimum of the gain each sample needs, so it dips ahead of a peak and
    recovers after it over :data:`LIMITER_WINDOW`; quiet passages are untouched. ``samples`` must be
    surrounded by silence (a sentence between pauses), which is how chapters are put together.
    With ``verify`` the result's true peaks are measured again and pulled down if still over.
    ``peaks`` may give :func:`true_peaks` of ``samples`` already known (true peaks scale with gain).
    """
    import numpy as np
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    half = max(1, round(LIMITER_WINDOW * rate))
    size = 2 * half + 1
    pad = np.zeros(2 * size)
    out = np.concatenate([pad, samples, pad])
    aim = ceiling * 0.97  # a little under, so that one round is nearly always enough
    known = None if peaks is None else np.concatenate([pad, peaks, pad])
    for _ in range(4):
        found = true_peaks(out, aim) if known is None else known
        known = None
        if found.max() <= aim:
            break
        needed = np.minimum(1.0, aim / np.maximum(found, 1e-12))
        # The moving average of a centred minimum never rises above the gain a sample needs.
        held = minimum_filter1d(needed, size=size, mode="nearest")
        out = out * uniform_filter1d(held, size=size, mode="nearest")
        if not verify:
            break
    result: np.ndarray = out[len(pad):len(pad) + len(samples)]
    return result


@dataclass(frozen=True)
class LoudnessReport:
    """How a chapter's level was set."""

    measured: float
    """Integrated loudness of the speech as synthesised, LUFS."""
    gain_db: float
    """Linear gain applied to the whole chapter, dB."""
    limited: int
    """How many sentences the limiter touched."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"measured_lufs": self.measured, "gain_db": self.gain_db, "limited_sentences": self.limited}

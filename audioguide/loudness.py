"""Chapter loudness: BS.1770 integrated loudness and a true-peak limiter, in numpy alone.

Chapters are normalised as a whole to :data:`TARGET_LUFS` (EBU R 128 for speech podcasts: -16 LUFS)
with true peaks at or below :data:`CEILING_DBTP`. Speech arrives a sentence at a time with silence
around it, so everything here works on one burst of audio at a time: the K-weighting filter runs
on a burst by FFT (its ring-down, :data:`RING` samples, carried into what follows) and the meter
keeps one number per short bin, however long the chapter.

numpy is imported inside the functions that use it, so that importing this module is free.
"""

from __future__ import annotations

import math
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
RING = 8192
"""Samples of the K-weighting filter's ring-down kept after a burst (its response has fallen by far
more than 100 dB by then at any rate from 16 kHz up)."""


def db_to_gain(db: float) -> float:
    """A decibel change as a linear factor."""
    return float(10.0 ** (db / 20.0))


@lru_cache(maxsize=8)
def k_weighting(rate: int) -> tuple[Any, Any]:
    """BS.1770's K-weighting at ``rate``: a +4 dB high shelf at 1.5 kHz and a 38 Hz high-pass, as one
    4th-order filter ``(b, a)`` (the RBJ cookbook biquads pyloudnorm also uses)."""
    import numpy as np

    def biquad(kind: str, gain_db: float, q: float, fc: float) -> tuple[Any, Any]:
        big_a = 10 ** (gain_db / 40.0)
        w0 = 2.0 * math.pi * fc / rate
        alpha = math.sin(w0) / (2.0 * q)
        cos = math.cos(w0)
        if kind == "high_shelf":
            root = 2 * math.sqrt(big_a) * alpha
            b = [
                big_a * ((big_a + 1) + (big_a - 1) * cos + root),
                -2 * big_a * ((big_a - 1) + (big_a + 1) * cos),
                big_a * ((big_a + 1) + (big_a - 1) * cos - root),
            ]
            a = [
                (big_a + 1) - (big_a - 1) * cos + root,
                2 * ((big_a - 1) - (big_a + 1) * cos),
                (big_a + 1) - (big_a - 1) * cos - root,
            ]
        else:  # high-pass
            b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
            a = [1 + alpha, -2 * cos, 1 - alpha]
        return np.array(b) / a[0], np.array(a) / a[0]

    shelf_b, shelf_a = biquad("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0)
    pass_b, pass_a = biquad("high_pass", 0.0, 0.5, 38.0)
    return np.convolve(shelf_b, pass_b), np.convolve(shelf_a, pass_a)


@lru_cache(maxsize=32)
def _response(rate: int, size: int) -> Any:
    """The K-weighting filter's frequency response on an ``size``-point real FFT grid."""
    import numpy as np

    b, a = k_weighting(rate)
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))
    return np.polyval(b[::-1], z) / np.polyval(a[::-1], z)


@lru_cache(maxsize=1024)
def _fft_size(n: int) -> int:
    """The smallest length of at least ``n`` whose only prime factors are 2, 3 and 5 (fast FFTs)."""
    best = 1 << max(0, (n - 1).bit_length())
    five = 1
    while five < best:
        three = five
        while three < best:
            size = three << max(0, (-(-n // three) - 1).bit_length())
            best = min(best, size)
            three *= 3
        five *= 5
    return best


def k_filter(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` K-weighted, starting from rest, followed by :data:`RING` samples of ring-down."""
    import numpy as np

    n = len(samples) + RING
    size = _fft_size(n)
    spectrum = np.fft.rfft(samples, size) * _response(rate, size)
    out: np.ndarray = np.fft.irfft(spectrum, size)[:n]
    return out


class LoudnessMeter:
    """Integrated loudness (ITU-R BS.1770-4, mono) of audio fed to it in pieces of any size.

    Keeps the filter's ring-down between pieces and one energy per ``bin`` samples (100 ms unless
    told), so memory is tiny however long the audio. :meth:`energies` gives the bins, so that pieces
    measured apart can be put together (see :func:`place` and :func:`gated_loudness`).
    """

    def __init__(self, rate: int, bin_size: int | None = None) -> None:
        import numpy as np

        self.rate = rate
        self.bin = bin_size or round(rate * 0.1)
        self._carry = np.zeros(0)
        self._partial = 0.0
        self._partial_n = 0
        self._energies: list[float] = []

    def _add(self, squares: np.ndarray) -> None:
        start = 0
        if self._partial_n:
            take = min(self.bin - self._partial_n, len(squares))
            self._partial += float(squares[:take].sum())
            self._partial_n += take
            start = take
            if self._partial_n == self.bin:
                self._energies.append(self._partial)
                self._partial, self._partial_n = 0.0, 0
        whole = (len(squares) - start) // self.bin
        if whole:
            end = start + whole * self.bin
            self._energies.extend(squares[start:end].reshape(whole, self.bin).sum(axis=1).tolist())
            start = end
        if start < len(squares):
            self._partial += float(squares[start:].sum())
            self._partial_n += len(squares) - start

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples (full scale = 1.0) that follow on from the last ones."""
        import numpy as np

        if len(samples) == 0:
            return
        filtered = k_filter(np.asarray(samples, dtype=np.float64), self.rate)
        overlap = min(len(self._carry), len(filtered))
        filtered[:overlap] += self._carry[:overlap]
        if len(self._carry) > overlap:  # a piece shorter than the ring-down still owes the rest
            filtered = np.concatenate([filtered, np.zeros(len(self._carry) - overlap)])
            filtered[overlap : len(self._carry)] += self._carry[overlap:]
        self._add(np.square(filtered[: len(samples)]))
        self._carry = filtered[len(samples) :]

    def feed_silence(self, count: int) -> None:
        """Add ``count`` samples of digital silence (the filter still rings down)."""
        import numpy as np

        ring = min(count, len(self._carry))
        if ring:
            self._add(np.square(self._carry[:ring]))
            self._carry = self._carry[ring:]
        count -= ring
        if count <= 0:
            return
        if self._partial_n:
            take = min(self.bin - self._partial_n, count)
            self._add(np.zeros(take))
            count -= take
        self._energies.extend([0.0] * (count // self.bin))
        if count % self.bin:
            self._add(np.zeros(count % self.bin))

    def energies(self, flush: bool = True) -> np.ndarray:
        """Energy (sum of squared K-weighted samples) of each bin so far; with ``flush`` the ring-down
        still owed and the part-filled last bin are included."""
        import numpy as np

        found = list(self._energies)
        if flush:
            rest = self._partial + float(np.square(self._carry).sum())
            if self._partial_n or rest:
                found.append(rest)
        return np.asarray(found, dtype=np.float64)

    def integrated(self) -> float:
        """Gated integrated loudness in LUFS; ``-inf`` for silence or audio shorter than 400 ms."""
        return gated_loudness(self.energies(flush=False), self.bin)


def place(energies: np.ndarray, offset: int, bin_size: int, hop: int, out: np.ndarray) -> None:
    """Add ``energies`` (one per ``bin_size`` samples, starting at sample ``offset``) into ``out``
    (one per ``hop`` samples from sample 0), splitting a bin that straddles two hops by its overlap."""
    import numpy as np

    if len(energies) == 0:
        return
    starts = offset + np.arange(len(energies)) * bin_size
    first = starts // hop
    into_first = np.minimum((first + 1) * hop - starts, bin_size) / bin_size
    np.add.at(out, np.minimum(first, len(out) - 1), energies * into_first)
    spill = energies * (1.0 - into_first)
    np.add.at(out, np.minimum(first + 1, len(out) - 1), spill)


def gated_loudness(energies: np.ndarray, hop: int) -> float:
    """BS.1770 gated loudness from the energies of consecutive ``hop``-sample bins, ``hop`` being
    100 ms: 400 ms blocks overlapping by 75% are four consecutive bins."""
    import numpy as np

    energies = np.asarray(energies, dtype=np.float64)
    if len(energies) < 4:
        return -math.inf
    window = np.convolve(energies, np.ones(4), mode="valid") / (4 * hop)
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


# ---- true peaks and the limiter -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _phases() -> tuple[Any, ...]:
    """The polyphase branches of a 4x interpolation filter (49-tap Kaiser-windowed sinc, beta 5)."""
    import numpy as np

    taps = 12 * OVERSAMPLE + 1
    n = np.arange(taps) - (taps - 1) / 2
    prototype = np.sinc(n / OVERSAMPLE) * np.kaiser(taps, 5.0)
    prototype *= OVERSAMPLE / prototype.sum()
    return tuple(prototype[p::OVERSAMPLE] for p in range(1, OVERSAMPLE))


def _running(values: np.ndarray, size: int, largest: bool) -> np.ndarray:
    """The maximum (or minimum) of each centred window of ``size`` (odd) samples, edges padded with
    the end values; van Herk / Gil-Werman, linear in the length whatever the window."""
    import numpy as np

    half = size // 2
    n = len(values)
    blocks = -(-(n + 2 * half) // size)
    padded = np.empty(blocks * size + size)
    padded[:half] = values[0]
    padded[half : half + n] = values
    padded[half + n :] = values[-1]
    op = np.maximum if largest else np.minimum
    shaped = padded[: blocks * size].reshape(blocks, size)
    ahead = op.accumulate(shaped, axis=1).ravel()
    behind = op.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].ravel()
    # window [i, i + size) = behind[i] (to the end of i's block) with ahead[i + size - 1].
    result: np.ndarray = op(behind[:n], ahead[size - 1 : size - 1 + n])
    return result


def _moving_average(values: np.ndarray, size: int) -> np.ndarray:
    """The mean of each centred window of ``size`` (odd) samples, edges padded with the end values."""
    import numpy as np

    half = size // 2
    padded = np.concatenate([np.full(half + 1, values[0]), values, np.full(half, values[-1])])
    sums = np.cumsum(padded)
    result: np.ndarray = (sums[size:] - sums[:-size]) / size
    return result


def true_peaks(samples: np.ndarray) -> np.ndarray:
    """For each sample, the highest absolute level of the band-limited signal within one sample of it.

    The signal is oversampled :data:`OVERSAMPLE` times (polyphase FIR, zeros outside), as BS.1770's
    true-peak meter does.
    """
    import numpy as np

    n = len(samples)
    if n == 0:
        return np.zeros(0)
    delay = 6  # the prototype's 24-sample delay at the oversampled rate
    peaks = np.abs(samples)
    for phase in _phases():
        between = np.convolve(samples, phase)[delay : delay + n]
        np.maximum(peaks, np.abs(between), out=peaks)
    # Peaks between sample n and n+1 belong to both.
    out: np.ndarray = peaks.copy()
    np.maximum(out[1:], peaks[:-1], out=out[1:])
    np.maximum(out[:-1], peaks[1:], out=out[:-1])
    return out


def true_peak(samples: np.ndarray) -> float:
    """The true peak of ``samples`` (linear, full scale = 1.0)."""
    peaks = true_peaks(samples)
    return float(peaks.max()) if len(peaks) else 0.0


def limit(samples: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """``samples`` with true peaks held at or below ``ceiling`` (linear) by a look-ahead limiter.

    The gain is a smoothed minimum of the gain each sample needs, so it dips ahead of a peak and
    recovers after it over :data:`LIMITER_WINDOW`; quiet passages are untouched. ``samples`` must be
    surrounded by silence (a sentence between pauses), which is how chapters are put together.
    The result's true peaks are measured again and pulled down further if still over.
    """
    return limit_with_peak(samples, ceiling, rate)[0]


def limit_with_peak(samples: np.ndarray, ceiling: float, rate: int) -> tuple[np.ndarray, float]:
    """:func:`limit`, and the true peak of its result (measured on the way)."""
    import numpy as np

    if len(samples) == 0:
        return samples, 0.0
    if float(np.abs(samples).max()) * 2.0 <= ceiling:  # a true peak is never 6 dB above the sample peak
        return samples, true_peak(samples)
    half = max(1, round(LIMITER_WINDOW * rate))
    size = 2 * half + 1
    pad = np.zeros(2 * size)
    out = np.concatenate([pad, samples, pad])
    aim = ceiling * 0.97  # a little under, so that one round is nearly always enough
    for attempt in range(4):
        found = true_peaks(out)
        peak = float(found.max())
        if peak <= (aim if attempt == 0 else ceiling):
            break
        needed = np.minimum(1.0, aim / np.maximum(found, 1e-12))
        # The moving average of a centred minimum never rises above the gain a sample needs.
        out = out * _moving_average(_running(needed, size, largest=False), size)
    else:
        peak = true_peak(out)
    if attempt == 0:
        return samples, peak
    result: np.ndarray = out[len(pad) : len(pad) + len(samples)]
    return result, peak

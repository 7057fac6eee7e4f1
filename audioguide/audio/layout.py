"""A chapter laid out in MP3 segments, and the one gain that brings it to the loudness target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import mp3
from ..loudness import LIMIT_DBTP, db_to_gain
from ..model import Timing, Utterance
from ..pacing import Pacing
from ..wav import SAMPLE_RATE
from .prepared import FINE, GAIN_STEP, HOP, PCM_TARGET, Prepared, limited_at


@dataclass(frozen=True)
class Segment:
    """A run of a chapter's utterances encoded on its own: one sentence, unless the pause after it is
    too short to cut in."""

    items: tuple[tuple[int, int], ...]
    """``(utterance index in the chapter, sample where it starts in the segment)``."""
    samples: int
    """Length of the segment's PCM, a whole number of MP3 frames."""


@dataclass(frozen=True)
class ChapterLayout:
    """Where everything in a chapter goes, in samples of the decoded MP3."""

    segments: tuple[Segment, ...]
    """The chapter's segments, in order."""
    starts: tuple[int, ...]
    """Where each utterance starts."""
    lengths: tuple[int, ...]
    """Each utterance's length."""
    samples: int
    """Length of the whole chapter."""

    @property
    def timings(self) -> list[Timing]:
        """Start and end of each utterance, in seconds."""
        return [
            Timing(start=s / SAMPLE_RATE, end=(s + n) / SAMPLE_RATE)
            for s, n in zip(self.starts, self.lengths, strict=True)
        ]

    @property
    def duration(self) -> float:
        """Length of the chapter in seconds."""
        return self.samples / SAMPLE_RATE


def _frames_up(samples: int) -> int:
    return -(-samples // mp3.FRAME) * mp3.FRAME


def layout_chapter(lengths: Sequence[int], utterances: Sequence[Utterance], pacing: Pacing) -> ChapterLayout:
    """Lay a chapter out: the pacing's pauses between utterances, one MP3 segment per utterance.

    Each segment is padded with silence to a whole number of MP3 frames, so a pause may be up to one
    frame (26 ms) longer than asked: far less than a listener notices, and in return a segment's audio
    depends only on its own sentence and the pause before it, so an edit re-encodes only what changed.
    Utterances with a pause too short to hold the frames between two segments share a segment, and
    the pauses inside a segment are exact.
    """
    rate = SAMPLE_RATE
    count = len(lengths)
    gaps = [round(pacing.after(u.pause_after) * rate) for u in utterances]
    groups: list[list[int]] = [[]]
    for i in range(count):
        groups[-1].append(i)
        if i < count - 1 and gaps[i] >= 2 * mp3.FRAME:
            groups.append([])
    segments: list[Segment] = []
    starts: list[int] = []
    frame_start = 0  # where the current segment's first frame decodes
    lead = max(0, round(pacing.lead_in * rate) - mp3.DELAY)
    for g, group in enumerate(groups):
        offset = lead
        items = []
        for k, i in enumerate(group):
            items.append((i, offset))
            starts.append(frame_start + mp3.DELAY + offset)
            offset += lengths[i] + (gaps[i] if k < len(group) - 1 else 0)
        if g == len(groups) - 1:
            # The decoded chapter ends 2 frames minus the delay after the last segment's PCM.
            offset += max(0, round(pacing.tail * rate) - (2 * mp3.FRAME - mp3.DELAY))
        else:
            lead = gaps[group[-1]] - 2 * mp3.FRAME  # the frames between two segments are part of the pause
        samples = max(mp3.FRAME, _frames_up(offset))
        segments.append(Segment(items=tuple(items), samples=samples))
        frame_start += mp3.FRAME * mp3.frames_for(samples)
    return ChapterLayout(segments=tuple(segments), starts=tuple(starts), lengths=tuple(lengths), samples=frame_start)


def _loudness(layout: ChapterLayout, energies: Sequence[Any]) -> float:
    """Integrated loudness of a chapter from its sentences' energy bins, each where the layout puts it."""
    import numpy as np

    from ..loudness import gated_loudness, place

    bins = np.zeros(layout.samples // HOP + 1)
    for start, found in zip(layout.starts, energies, strict=True):
        place(found, start, FINE, HOP, bins)
    return gated_loudness(bins[: layout.samples // HOP], HOP)


def first_gain(layout: ChapterLayout, prepared: Sequence[Prepared]) -> float:
    """The gain :func:`chapter_gain` starts from, and nearly always settles on (dB): segments can be
    encoded at it while the few sentences that need limiting at it are measured."""
    measured = _loudness(layout, [p.energies for p in prepared])
    return 0.0 if measured == -math.inf else _on_step(PCM_TARGET - measured)


def over_limit(sentence: Prepared, gain_db: float) -> bool:
    """Whether ``sentence``'s peaks would pass :data:`LIMIT_DBTP` at ``gain_db``, so that it is
    limited again there (:func:`.prepared.limited_at`)."""
    return sentence.peak * db_to_gain(gain_db) > db_to_gain(LIMIT_DBTP)


def chapter_gain(layout: ChapterLayout, prepared: Sequence[Prepared]) -> float:
    """The chapter's one gain in dB: what brings its prepared sentences, where the layout puts them, to
    :data:`PCM_TARGET`, in whole :data:`GAIN_STEP` steps.

    A sentence :func:`over_limit` at that gain is limited when its segment is rendered, which takes a
    little loudness away: such sentences are limited here the same way and measured again, and the
    gain found again, until it stays put.
    """
    gain_db = first_gain(layout, prepared)
    tried: set[float] = {gain_db}
    for _ in range(4):
        if not any(over_limit(p, gain_db) for p in prepared):
            break
        energies = [
            limited_at(p.path, gain_db)[1] / db_to_gain(gain_db) ** 2 if over_limit(p, gain_db) else p.energies
            for p in prepared
        ]
        better = _on_step(PCM_TARGET - _loudness(layout, energies))
        if better in tried:  # settled, or going back and forth between neighbours: keep this one
            break
        tried.add(better)
        gain_db = better
    return gain_db


def _on_step(gain_db: float) -> float:
    return round(gain_db / GAIN_STEP) * GAIN_STEP

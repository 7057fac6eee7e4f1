"""Sentence audio into chapters: prepared sentences, chapter layout in MP3 segments, one gain per
chapter, encoding and tags."""

from __future__ import annotations

import math
import shutil
import subprocess
import warnings
import wave
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import mp3
from .errors import ToolError
from .loudness import LIMIT_DBTP, TARGET_LUFS, db_to_gain
from .model import Timing, Utterance

SAMPLE_RATE = 22050
"""Chapters are assembled and encoded as mono 16-bit PCM at this rate."""


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

    @classmethod
    def chosen(cls, given: str | Mapping[str, object], where: str = "--pauses") -> dict[str, float]:
        """The pauses named in ``sentence=0.6,tail=2`` (or a mapping, as in audioguide.toml's
        ``[pauses]``), checked: ``Pacing(**chosen)`` keeps the defaults for the rest.
        :class:`InputError` says what is wrong."""
        from .errors import InputError

        names = [f.name for f in fields(cls)]
        pairs: list[tuple[str, object]] = []
        if isinstance(given, str):
            for part in filter(None, (p.strip() for p in given.split(","))):
                label, sep, text = part.partition("=")
                if not sep:
                    raise InputError(f"{where}: write each pause as name=seconds, e.g. sentence=0.6 (got '{part}').")
                pairs.append((label.strip(), text.strip()))
        else:
            pairs = list(given.items())
        chosen: dict[str, float] = {}
        for name, value in pairs:
            key = name.replace("-", "_")
            if key not in names:
                raise InputError(f"{where}: there is no pause called '{name}'. Choose from: {', '.join(names)}.")
            number = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            try:
                seconds = float(value) if number else math.nan  # type: ignore[arg-type]
            except ValueError:
                seconds = math.nan
            if not 0 <= seconds <= 10:
                raise InputError(f"{where}: {name} should be a number of seconds from 0 to 10 (got '{value}').")
            chosen[key] = seconds
        return chosen


def require_tool(name: str) -> str:
    """The path of an external program, or :class:`ToolError` saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(
            f"{name} is not installed; audioguide needs it for this (whole-guide files, other engines' audio). "
            "On Debian or Ubuntu run: sudo apt-get install ffmpeg (macOS: brew install ffmpeg)."
        )
    return path


def _plain_wav(path: Path, read: bool = False) -> tuple[int, bytes] | None:
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
    plain = _plain_wav(path, read=True)
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
    plain = _plain_wav(path)
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
    if _plain_wav(path) is None:
        write_wav(path, load_pcm(path))


# ---- prepared sentences: limited and measured once, kept in the cache --------------------------------

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
the rest are limited again there (see :func:`chapter_gain`)."""
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


def _read_audio(measurements: Path) -> Any:
    import numpy as np

    return np.fromfile(audio_path(measurements), dtype="<i2").astype(np.float64) / 32768.0


def _to_pcm(samples: Any) -> bytes:
    import numpy as np

    return bytes(np.clip(np.round(np.asarray(samples) * 32768.0), -32768, 32767).astype("<i2").tobytes())


def _keep(measurements: Path, numbers: Any, audio: Any) -> None:
    """Keep ``audio`` and then ``numbers`` (so that the numbers' file says both are whole), atomically."""
    import numpy as np

    from .fsutil import atomic_path

    with atomic_path(audio_path(measurements)) as tmp:
        tmp.write_bytes(_to_pcm(audio))  # (numpy's tofile would not say why a write failed)
    with atomic_path(measurements) as tmp, open(tmp, "wb") as fh:
        np.save(fh, np.asarray(numbers, dtype=np.float64))


def _recall(measurements: Path, leading: int) -> Any:
    """The numbers kept by :func:`_keep` (at least ``leading`` of them, the first being the audio's
    length), or ``None`` if they or the audio are missing or damaged."""
    import numpy as np

    try:
        numbers = np.load(measurements)
        size = audio_path(measurements).stat().st_size
    except (OSError, ValueError, EOFError):
        return None
    if numbers.ndim != 1 or len(numbers) < leading or size != 2 * int(numbers[0]):
        return None
    return numbers


def sentence_loudness(samples: Any) -> float:
    """A sentence's loudness in LUFS: BS.1770 gated, or for one shorter than a 400 ms block, its mean
    K-weighted power."""
    import numpy as np

    from .loudness import LoudnessMeter, k_filter

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

    from .loudness import RING, LoudnessMeter, limit_with_peak

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


# ---- chapters: laid out in MP3 segments --------------------------------------------------------------


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

    from .loudness import gated_loudness, place

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
    limited again there (:func:`limited_at`)."""
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


def limited_at(path: Path, gain_db: float) -> tuple[Any, Any]:
    """The prepared sentence at ``path`` at ``gain_db``, limited at :data:`LIMIT_DBTP`, and its energy
    bins: made once per sentence and gain and kept beside it, for measuring and for rendering."""
    import numpy as np

    from .loudness import RING, LoudnessMeter, limit

    dest = path.with_name(f"{path.stem}@{gain_db:+.1f}dB.npy")
    kept = _recall(dest, 1)
    if kept is not None:
        return _read_audio(dest), kept[1:]
    x = limit(_read_audio(path) * db_to_gain(gain_db), db_to_gain(LIMIT_DBTP), SAMPLE_RATE)
    meter = LoudnessMeter(SAMPLE_RATE, FINE)
    meter.feed(x)
    meter.feed_silence(RING)
    energies = meter.energies()
    x = np.frombuffer(_to_pcm(x), dtype="<i2") / 32768.0  # as it is kept: first and later builds agree
    _keep(dest, np.concatenate([[len(x)], energies]), x)
    return x, energies


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
    :func:`over_limit` at the chapter's gain (a sentence louder than the chapter as a whole): those
    are limited at it, the rest simply take the gain. Memory holds one sentence.
    """
    from .fsutil import atomic_path

    def pcm() -> Iterator[bytes]:
        import numpy as np

        position = 0
        for path, at, limited in items:
            yield from _silence(at - position)
            x = limited_at(path, gain_db)[0] if limited else _read_audio(path) * db_to_gain(gain_db)
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
    with atomic_path(dest) as tmp:
        tmp.write_bytes(frames)
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


def id3_tag(tags: Tags) -> bytes:
    """An ID3v2.4 tag holding ``tags``, as the bytes that start an MP3 file."""
    import io

    from mutagen.id3 import ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(TCON(encoding=3, text=tags.genre))
    buffer = io.BytesIO()
    id3.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def probe_duration(path: Path) -> float:
    """The duration ffprobe reads from an audio file, in seconds."""
    ffprobe = require_tool("ffprobe")
    result = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return float(result.stdout.strip())
    except ValueError as exc:
        raise ToolError(f"ffprobe could not read {path.name}.") from exc

"""Assemble sentence audio into chapters with pauses, and encode them to tagged MP3."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import warnings
import wave
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ToolError
from .loudness import LIMIT_DBTP, TARGET_LUFS, LoudnessMeter, LoudnessReport, db_to_gain
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


def _layout(lengths: Sequence[int], utterances: Sequence[Utterance],
            pacing: Pacing) -> tuple[list[tuple[int, int]], list[Timing], int]:
    """Where everything goes: ``(sentence index or -1 for silence, samples)`` pieces, timings, total."""
    pieces: list[tuple[int, int]] = [(-1, round(pacing.lead_in * SAMPLE_RATE))]
    position = pieces[0][1]
    timings: list[Timing] = []
    for i, (length, utterance) in enumerate(zip(lengths, utterances, strict=True)):
        start = position
        pieces.append((i, length))
        position += length
        timings.append(Timing(start=start / SAMPLE_RATE, end=position / SAMPLE_RATE))
        gap = round((pacing.tail if i == len(utterances) - 1 else pacing.after(utterance.pause_after))
                    * SAMPLE_RATE)
        pieces.append((-1, gap))
        position += gap
    return pieces, timings, position


def wav_samples(path: Path) -> int:
    """How many samples the sentence audio at ``path`` has at :data:`SAMPLE_RATE`, mono."""
    try:
        with wave.open(str(path), "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE):
                return wav.getnframes()
    except (wave.Error, EOFError, OSError):
        pass
    return len(load_pcm(path)) // 2


def write_wav(path: Path, pcm: bytes) -> None:
    """Write mono 16-bit PCM at :data:`SAMPLE_RATE` as a WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)


def canonicalise_wav(path: Path) -> None:
    """Rewrite an engine's audio file in place as mono 16-bit WAV at :data:`SAMPLE_RATE`, if it isn't."""
    try:
        with wave.open(str(path), "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE):
                return
    except (wave.Error, EOFError, OSError):
        pass
    write_wav(path, load_pcm(path))


@dataclass(frozen=True)
class ChapterPlan:
    """A chapter laid out in time without its audio in memory: sentence files and silences."""

    paths: tuple[Path, ...]
    """Each utterance's audio file, in order."""
    pieces: tuple[tuple[int, int], ...]
    """``(index into paths, samples)`` for a sentence, ``(-1, samples)`` for a pause, in order."""
    timings: tuple[Timing, ...]
    """Where each utterance starts and ends, in seconds."""
    samples: int
    """Length of the chapter in samples at :data:`SAMPLE_RATE`."""

    @property
    def duration(self) -> float:
        """Length of the chapter in seconds."""
        return self.samples / SAMPLE_RATE


def plan_chapter(paths: Sequence[Path], utterances: Sequence[Utterance], pacing: Pacing) -> ChapterPlan:
    """Lay a chapter out from its sentence files (reading only their headers) and the pacing."""
    lengths = [wav_samples(p) for p in paths]
    pieces, timings, total = _layout(lengths, utterances, pacing)
    return ChapterPlan(paths=tuple(Path(p) for p in paths), pieces=tuple(pieces), timings=tuple(timings),
                       samples=total)


_SILENCE_CHUNK = SAMPLE_RATE * 10


def _stream(plan: ChapterPlan) -> Iterator[tuple[bool, object]]:
    """The chapter piece by piece: ``(True, float samples)`` for speech, ``(False, count)`` for silence."""
    import numpy as np

    for index, count in plan.pieces:
        if index < 0:
            yield False, count
            continue
        pcm = load_pcm(plan.paths[index])
        yield True, np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def _speech_out(samples: object, gain: float, ceiling: float, verify: bool = True,
                raw_peaks: object = None) -> tuple[object, bool]:
    """One sentence at the chapter's gain, limited if its true peak would pass ``ceiling``.

    ``raw_peaks`` (the sentence's true peaks at unity gain, if known) saves measuring them again.
    """
    import numpy as np

    from .loudness import limit

    x = np.asarray(samples) * gain
    # A true peak is never more than a few dB above the sample peak: skip the limiter when far below.
    if len(x) == 0 or float(np.abs(x).max()) * 2.0 <= ceiling:
        return x, False
    peaks = None if raw_peaks is None else np.asarray(raw_peaks) * gain
    return limit(x, ceiling, SAMPLE_RATE, verify, peaks), True


_PEAK_MEMO_SAMPLES = SAMPLE_RATE * 60 * 20
"""Chapters up to 20 minutes keep their loud sentences' true peaks between measuring passes (float32:
at most 106 MB even if every sentence needed limiting); longer ones measure them again."""


def measure_plan(plan: ChapterPlan, gain: float = 1.0, ceiling: float | None = None,
                 memo: dict[int, object] | None = None) -> tuple[float, int, float]:
    """Integrated loudness of the chapter at ``gain`` (limited at ``ceiling`` if given), how many
    sentences the limiter touched, and the highest sample level."""
    import numpy as np

    from .loudness import true_peaks

    meter = LoudnessMeter(SAMPLE_RATE)
    limited = 0
    peak = 0.0
    sentence = -1
    for speech, value in _stream(plan):
        if not speech:
            meter.feed_silence(int(value))  # type: ignore[call-overload]
            continue
        sentence += 1
        x: object = np.asarray(value) * gain
        if ceiling is not None:
            raw = np.asarray(value)
            raw_peaks = None
            if memo is not None and len(raw) and float(np.abs(raw).max()) * gain * 2.0 > ceiling:
                if sentence not in memo:
                    memo[sentence] = true_peaks(raw, ceiling / gain / 2.0).astype(np.float32)
                raw_peaks = memo[sentence]
            x, touched = _speech_out(value, gain, ceiling, verify=False, raw_peaks=raw_peaks)
            limited += touched
        array = np.asarray(x)
        if len(array):
            peak = max(peak, float(np.abs(array).max()))
        meter.feed(array)
    return meter.integrated(), limited, peak


MP3_ALLOWANCE_DB = 0.5
"""libmp3lame at 64 kbit/s CBR gives back speech about 0.4-0.6 LU quieter than it was given (measured
with pyloudnorm and ffmpeg's ebur128 on espeak-ng, piper and test-tone chapters): aim that much higher
so that the MP3, not the PCM, lands on the target."""


def loudness_gain(plan: ChapterPlan, target: float = TARGET_LUFS + MP3_ALLOWANCE_DB,
                  ceiling_dbtp: float = LIMIT_DBTP) -> LoudnessReport:
    """The single gain that brings the whole chapter to ``target`` LUFS once limited at ``ceiling_dbtp``.

    Measures the chapter as synthesised; only if the limiter will have work to do, measures it again
    at that gain, limited, and adds back the loudness the limiter took away, until it is within
    0.2 LU (a few passes over the sentence files, one sentence in memory at a time).
    """
    ceiling = db_to_gain(ceiling_dbtp)
    measured, _, peak = measure_plan(plan)
    if measured == float("-inf"):
        return LoudnessReport(measured=measured, gain_db=0.0, limited=0)
    gain_db = target - measured
    if peak * db_to_gain(gain_db) * 2.0 <= ceiling:
        return LoudnessReport(measured=measured, gain_db=gain_db, limited=0)  # the limiter has nothing to do
    touched = 0
    memo: dict[int, object] | None = {} if plan.samples <= _PEAK_MEMO_SAMPLES else None
    for _ in range(3):
        limited_loudness, touched, _ = measure_plan(plan, db_to_gain(gain_db), ceiling, memo)
        if not touched or limited_loudness == float("-inf") or abs(limited_loudness - target) < 0.2:
            break
        gain_db += target - limited_loudness
    return LoudnessReport(measured=measured, gain_db=gain_db, limited=touched)


def render_pcm(plan: ChapterPlan, gain_db: float = 0.0, ceiling_dbtp: float | None = LIMIT_DBTP) -> Iterator[bytes]:
    """The chapter as 16-bit PCM, a sentence or a pause at a time, at ``gain_db`` and limited."""
    import numpy as np

    gain = db_to_gain(gain_db)
    ceiling = db_to_gain(ceiling_dbtp) if ceiling_dbtp is not None else None
    for speech, value in _stream(plan):
        if not speech:
            count = int(value)  # type: ignore[call-overload]
            while count > 0:
                n = min(count, _SILENCE_CHUNK)
                yield b"\x00\x00" * n
                count -= n
            continue
        if ceiling is None:
            x = np.asarray(value) * gain
        else:
            x, _ = _speech_out(value, gain, ceiling)  # type: ignore[assignment]
        yield np.clip(np.round(np.asarray(x) * 32768.0), -32768, 32767).astype("<i2").tobytes()


CHAPTER_FORMAT = "chapter-mp3-1"
"""Changes whenever chapter rendering changes, so that cached chapters from older versions are not used."""


def chapter_key(plan: ChapterPlan, tags: Tags, normalise: bool = True) -> str:
    """What a chapter MP3 depends on: its sentence audio files, the layout, the tags and the settings."""
    import hashlib
    import json

    files = []
    for path in plan.paths:
        stat = Path(path).stat()
        files.append([str(path), stat.st_size, stat.st_mtime_ns])
    payload = json.dumps([CHAPTER_FORMAT, files, plan.pieces, vars(tags), normalise, TARGET_LUFS, LIMIT_DBTP,
                          MP3_OPTIONS, SAMPLE_RATE])
    return hashlib.sha256(payload.encode()).hexdigest()


def render_chapter(plan: ChapterPlan, dest: Path, tags: Tags, normalise: bool = True,
                   cache_dir: Path | None = None) -> LoudnessReport | None:
    """Encode a planned chapter to a tagged MP3 at ``dest``, at -16 LUFS with true peaks under -1 dBTP.

    One gain for the whole chapter (never sentence by sentence), a true-peak limiter for the few
    peaks that would pass the ceiling, and one streamed MP3 encode: memory holds one sentence.
    With ``cache_dir``, a chapter made before from the same sentence files and settings is copied
    from ``cache_dir/chapters`` instead (returns ``None`` then), and a new one is kept there.
    """
    if cache_dir is None:
        return _render(plan, dest, tags, normalise)
    from .fsutil import atomic_path

    cached = Path(cache_dir) / "chapters" / f"{chapter_key(plan, tags, normalise)}.mp3"
    if cached.is_file():
        shutil.copyfile(cached, dest)
        return None
    report = _render(plan, dest, tags, normalise)
    with atomic_path(cached) as tmp:
        shutil.copyfile(dest, tmp)
    return report


def _render(plan: ChapterPlan, dest: Path, tags: Tags, normalise: bool) -> LoudnessReport:
    if not normalise:
        encode_mp3_stream(render_pcm(plan, 0.0, None), dest, tags)
        return LoudnessReport(measured=float("nan"), gain_db=0.0, limited=0)
    report = loudness_gain(plan)
    encode_mp3_stream(render_pcm(plan, report.gain_db, LIMIT_DBTP), dest, tags)
    # The encoder's loss varies a little with the voice: check the MP3 itself, and in the rare case
    # that it is more than half a unit off, encode once more with the gain corrected.
    heard = mp3_loudness(dest)
    if report.measured > float("-inf") and abs(heard - TARGET_LUFS) > MP3_RETRY_LU:
        corrected = report.gain_db + (TARGET_LUFS - heard)
        encode_mp3_stream(render_pcm(plan, corrected, LIMIT_DBTP), dest, tags)
        report = LoudnessReport(measured=report.measured, gain_db=corrected, limited=report.limited)
    return report


MP3_RETRY_LU = 0.5
"""How far from the target a chapter MP3 may land before it is encoded again with the gain corrected."""


def mp3_loudness(path: Path) -> float:
    """Integrated loudness of an audio file as decoded by ffmpeg, in LUFS (streamed, little memory)."""
    import numpy as np

    ffmpeg = require_tool("ffmpeg")
    meter = LoudnessMeter(SAMPLE_RATE)
    process = subprocess.Popen(
        [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE),
         "pipe:1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    carry = b""
    with process.stdout:
        while True:
            block = process.stdout.read(1 << 20)
            if not block:
                break
            block = carry + block
            even = len(block) // 2 * 2
            carry = block[even:]
            meter.feed(np.frombuffer(block[:even], dtype="<i2").astype(np.float64) / 32768.0)
    if process.wait() != 0:
        raise ToolError(f"ffmpeg could not read {Path(path).name} back.")
    return meter.integrated()


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


MP3_OPTIONS = ("-codec:a", "libmp3lame", "-b:a", BITRATE)
"""The encoder settings of every chapter (scripts/bench uses them for its floor too)."""


def encode_mp3_stream(chunks: Iterable[bytes], dest: Path, tags: Tags) -> None:
    """Encode mono PCM, fed to ffmpeg piece by piece as it is made, to a tagged MP3 at ``dest``.

    Same input, same bytes, however the PCM is cut into pieces.
    """
    ffmpeg = require_tool("ffmpeg")
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE),
             "-ac", "1", "-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact",
             "-flags:a", "+bitexact", *MP3_OPTIONS, "-id3v2_version", "0",
             "-write_xing", "1", "-f", "mp3", "-y", str(dest)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
        )
        assert process.stdin is not None
        broken = False
        try:
            for chunk in chunks:
                process.stdin.write(chunk)
        except BrokenPipeError:
            broken = True
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                broken = True
        returncode = process.wait()
        if returncode != 0 or broken:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()[-300:] or f"exit status {returncode}"
            raise ToolError(f"ffmpeg could not encode {Path(dest).name}: {message}")
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

"""Loudness and pacing of built chapters, measured on the MP3s as a listener's player would get them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from audioguide import mp3
from audioguide.audio.layout import chapter_gain, layout_chapter, over_limit
from audioguide.audio.prepared import prepare
from audioguide.audio.render import Tags, assemble_chapter, render_segment
from audioguide.build import BuildOptions, build
from audioguide.engines.fake import fake_samples
from audioguide.loudness import CEILING_DBTP, TARGET_LUFS, LoudnessMeter, limit, true_peak
from audioguide.model import Utterance
from audioguide.pacing import Pacing
from audioguide.wav import SAMPLE_RATE


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, by ffmpeg's EBU R128 meter."""
    result = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def decode(path: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1", "-"], capture_output=True, check=True
    ).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


@pytest.fixture
def guide(tmp_path: Path, fixtures: Path) -> Path:
    target = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", target)
    return target


def assert_broadcast_level(mp3: Path) -> None:
    integrated, peak = ebur128(mp3)
    assert integrated == pytest.approx(TARGET_LUFS, abs=1.0), f"{mp3.name}: {integrated} LUFS"
    assert peak <= CEILING_DBTP, f"{mp3.name}: true peak {peak} dBTP"
    import pyloudnorm

    assert pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(decode(mp3)) == pytest.approx(TARGET_LUFS, abs=1.0)


def test_fake_engine_chapters_are_at_minus_16_lufs(guide: Path, tmp_path: Path) -> None:
    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="fake"))
    for chapter in result.chapters:
        assert_broadcast_level(tmp_path / "out" / chapter.audio)


def test_whole_guide_files_are_at_minus_16_lufs(guide: Path, tmp_path: Path) -> None:
    """The whole-guide MP3 (chapters joined by stream copy) and the M4B (encoded again) keep the level."""
    import json

    build(BuildOptions(source=guide, out=tmp_path / "out", engine="fake", formats=("mp3", "m4b")))
    outputs = json.loads((tmp_path / "out" / "manifest.json").read_text())["outputs"]
    files = [p for fmt in ("mp3", "m4b") for p in outputs[fmt] if p.endswith((".mp3", ".m4b"))]
    assert len(files) == 2, outputs
    for rel in files:
        assert_broadcast_level(tmp_path / "out" / rel)


@pytest.mark.slow
def test_espeak_chapters_are_at_minus_16_lufs_with_peaks_limited(
    guide: Path, tmp_path: Path, shared_cache: Path
) -> None:
    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="pyttsx3", cache_dir=shared_cache))
    for chapter in result.chapters:
        assert_broadcast_level(tmp_path / "out" / chapter.audio)


def test_one_gain_for_the_whole_chapter_not_per_sentence(tmp_path: Path) -> None:
    """A quiet sentence stays quieter than a loud one: levels are not evened out sentence by sentence."""
    import wave

    quiet, loud = tmp_path / "quiet.wav", tmp_path / "loud.wav"
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    for path, amplitude in ((quiet, 1000), (loud, 4000)):
        tone = (amplitude * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes()
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1), wav.setsampwidth(2), wav.setframerate(SAMPLE_RATE), wav.writeframes(tone)
    utterances = [Utterance("a", "a", pause_after="paragraph"), Utterance("b", "b")]
    prepared = [prepare(path, tmp_path / f"{path.stem}.npz") for path in (quiet, loud)]
    layout = layout_chapter([p.samples for p in prepared], utterances, Pacing())
    assert len(layout.segments) == 2  # cut at the paragraph pause
    gain = chapter_gain(layout, prepared)
    assert gain > 0
    parts = []
    for n, segment in enumerate(layout.segments):
        parts.append(tmp_path / f"part{n}.mp3")
        render_segment(
            [(prepared[i].path, at, over_limit(prepared[i], gain)) for i, at in segment.items],
            segment.samples,
            gain,
            parts[-1],
        )
    assemble_chapter(parts, tmp_path / "chapter.mp3", Tags("t", "a", "b", 1, 1))
    audio = decode(tmp_path / "chapter.mp3")
    first, second = (
        audio[round((s.start + 0.2) * SAMPLE_RATE) : round((s.end - 0.2) * SAMPLE_RATE)] for s in layout.timings
    )
    assert np.sqrt(np.mean(second**2)) / np.sqrt(np.mean(first**2)) == pytest.approx(4.0, rel=0.02)


def test_limiter_holds_true_peaks_and_leaves_quiet_audio_alone() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    quiet = 0.1 * np.sin(2 * np.pi * 300 * t)
    spiky = quiet.copy()
    spiky[rng.integers(0, len(t), 5)] = 0.95  # clicks like espeak-ng's glottal pulses
    ceiling = 10 ** (-2 / 20)
    limited = limit(spiky, ceiling, SAMPLE_RATE)
    assert true_peak(limited) <= ceiling + 1e-9
    assert true_peak(spiky) > ceiling
    np.testing.assert_array_equal(limit(quiet, ceiling, SAMPLE_RATE), quiet)
    # away from the clicks the audio is untouched
    assert np.mean(np.isclose(limited, spiky)) > 0.7


def test_streaming_meter_matches_pyloudnorm() -> None:
    import pyloudnorm

    rng = np.random.default_rng(3)
    x = np.concatenate(
        [0.2 * rng.standard_normal(SAMPLE_RATE * 3), np.zeros(SAMPLE_RATE), 0.05 * rng.standard_normal(SAMPLE_RATE * 2)]
    )
    meter = LoudnessMeter(SAMPLE_RATE)
    for i in range(0, len(x), 777):  # odd-sized pieces, as sentences are
        meter.feed(x[i : i + 777])
    assert meter.integrated() == pytest.approx(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x), abs=0.01)


def test_streamed_encode_is_byte_identical_however_cut() -> None:
    pcm = (3000 * np.sin(np.arange(SAMPLE_RATE * 2) / 7)).astype("<i2").tobytes()
    one = mp3.encode_segment([pcm], SAMPLE_RATE)
    many = mp3.encode_segment([pcm[i : i + 1001 * 2] for i in range(0, len(pcm), 1001 * 2)], SAMPLE_RATE)
    assert one == many
    assert mp3.count_frames(one) == mp3.frames_for(SAMPLE_RATE * 2 // mp3.FRAME * mp3.FRAME + mp3.FRAME)


def test_segment_frame_arithmetic_holds_for_the_encoder(tmp_path: Path) -> None:
    """Every segment is a whole number of frames and decodes with its first sample DELAY samples in:
    checked against ffmpeg's decoder with a click at known places."""
    for frames in (1, 2, 7, 40):
        samples = frames * mp3.FRAME
        for click in sorted({0, samples // 2, samples - 1}):
            x = np.zeros(samples)
            x[click] = 20000
            data = mp3.encode_segment([x.astype("<i2").tobytes()], SAMPLE_RATE)
            assert mp3.count_frames(data) == mp3.frames_for(samples)
            path = tmp_path / f"frames-{frames}-{click}.mp3"
            path.write_bytes(data)
            decoded = decode(path)
            assert len(decoded) == mp3.frames_for(samples) * mp3.FRAME
            assert int(np.argmax(np.abs(decoded))) == mp3.DELAY + click


@pytest.mark.parametrize(
    "pacing",
    [
        Pacing(),
        Pacing(sentence=0.7, paragraph=1.3, heading=2.0, lead_in=1.0, tail=2.5),
        Pacing(sentence=0.03, paragraph=0.04, heading=0.05, lead_in=0.02, tail=0.01),
    ],
)
def test_pause_lengths_are_exact_with_the_fake_engine(guide: Path, tmp_path: Path, pacing: Pacing) -> None:
    """Pauses are exact inside a segment; where a chapter is cut into segments (between sentences, where
    the pause has room) a pause may be up to one MP3 frame longer, as may the chapter's tail."""
    from audioguide import mp3

    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="fake", pacing=pacing))
    cuts = 0
    for chapter in result.chapters:
        utterances = chapter.script.utterances
        # (a lead-in shorter than the MP3 encoder's delay, 50 ms, becomes that long)
        assert chapter.timings[0].start == max(round(pacing.lead_in * SAMPLE_RATE), mp3.DELAY) / SAMPLE_RATE
        for i, u in enumerate(utterances[:-1]):
            gap = round((chapter.timings[i + 1].start - chapter.timings[i].end) * SAMPLE_RATE)
            wanted = round(pacing.after(u.pause_after) * SAMPLE_RATE)
            if wanted >= 2 * mp3.FRAME:  # room to cut the chapter into segments there
                assert wanted <= gap < wanted + mp3.FRAME, (i, u.pause_after)
                cuts += gap != wanted
            else:
                assert gap == wanted, (i, u.pause_after)
            spoken = round((chapter.timings[i].end - chapter.timings[i].start) * SAMPLE_RATE)
            assert spoken == fake_samples(u.speech)
        tail = round((chapter.duration - chapter.timings[-1].end) * SAMPLE_RATE)
        assert round(pacing.tail * SAMPLE_RATE) <= tail < round(pacing.tail * SAMPLE_RATE) + mp3.FRAME
        # And the audio really is where the timings say: silent in the pauses, sounding from each start.
        audio = decode(tmp_path / "out" / chapter.audio)
        assert len(audio) == round(chapter.duration * SAMPLE_RATE)
        for a, b in zip(chapter.timings, chapter.timings[1:], strict=False):
            middle = audio[int((a.end + 0.05) * SAMPLE_RATE) : int((b.start - 0.05) * SAMPLE_RATE)]
            if len(middle):
                assert np.abs(middle).max() < 0.01
        for t in chapter.timings:
            start = round(t.start * SAMPLE_RATE)
            assert np.abs(audio[start - 200 : start - 20]).max() < 0.01, t
            assert np.abs(audio[start + 20 : start + 400]).max() > 0.05, t
    assert cuts or pacing.heading < 0.1  # pauses were cut at segment boundaries, no more than a frame longer


def test_default_pacing_suits_tired_listeners() -> None:
    pacing = Pacing()
    assert 0.4 <= pacing.sentence < pacing.paragraph < pacing.heading <= 2.0
    assert pacing.tail >= 1.0

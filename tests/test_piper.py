"""The piper engine: a natural offline voice, end to end (scripts/setup --test installs the extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from helpers import ffprobe
from test_sound import assert_broadcast_level

from audioguide.build import BuildOptions, build
from audioguide.engines import get_engine
from audioguide.engines import piper as piper_engine
from audioguide.engines.piper import PiperEngine, default_voice_path
from audioguide.errors import EngineError


@pytest.mark.slow
def test_piper_builds_a_short_guide(tmp_path: Path, fixtures: Path) -> None:
    guide = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", guide)
    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="piper", jobs=2))
    assert len(result.chapters) == 4
    for chapter in result.chapters:
        mp3 = tmp_path / "out" / chapter.audio
        assert float(ffprobe(mp3)["format"]["duration"]) == pytest.approx(chapter.duration, abs=0.08)
        assert_broadcast_level(mp3)
        assert all(t.end > t.start for t in chapter.timings)


def test_piper_speaks_a_sentence_at_the_chosen_rate(tmp_path: Path) -> None:
    lengths = {}
    for rate in (130, 200):
        dest = tmp_path / f"{rate}.wav"
        get_engine("piper", rate=rate).synthesize("Inclusion body myositis weakens the thigh muscles.", dest)
        with wave.open(str(dest)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
            lengths[rate] = wav.getnframes() / wav.getframerate()
    assert 1.5 < lengths[200] < lengths[130] < 8


def test_default_voice_is_the_bundled_joe_voice_with_a_free_licence() -> None:
    path = default_voice_path()
    assert path is not None and path.name == "en_US-joe-medium.onnx"
    card = (path.parent / "MODEL_CARD").read_text()
    assert "License: CC0" in card
    engine = get_engine("piper")
    assert engine.identity().startswith("piper/")
    assert "en_US-joe-medium" in engine.identity()
    assert engine.identity() != get_engine("piper", rate=120).identity()
    assert [v.id for v in engine.voices()] == [str(path)]


def test_a_missing_voice_file_is_one_clear_sentence(tmp_path: Path) -> None:
    engine = get_engine("piper", voice=str(tmp_path / "nobody.onnx"))
    with pytest.raises(EngineError, match="There is no Piper voice file at"):
        engine.synthesize("Hello.", tmp_path / "x.wav")


def test_without_piper_installed_it_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = piper_engine.find_spec

    def no_piper(name: str, *args: object) -> object:
        return None if name == "piper" or name.startswith("piper.") else real_find_spec(name)

    monkeypatch.setattr(piper_engine, "find_spec", no_piper)
    reason = PiperEngine.unavailable_reason()
    assert reason is not None and "pip install 'audioguide[piper]'" in reason
    with pytest.raises(EngineError, match="piper engine can't be used"):
        get_engine("piper")


def test_choosing_piper_and_naming_its_sound_load_neither_piper_nor_onnxruntime() -> None:
    """The main process of a build with workers only names the engine (its identity is the cache key):
    the voice model and onnxruntime are loaded where the speaking is done."""
    code = (
        "import sys\n"
        "from audioguide.engines import get_engine\n"
        "engine = get_engine('auto', language='en')\n"
        "print(engine.name, engine.identity())\n"
        "print(sorted(m for m in ('piper', 'onnxruntime') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    name_line, loaded = done.stdout.splitlines()
    assert name_line.startswith("piper piper/")
    assert loaded == "[]"


def test_each_voice_runs_onnxruntime_on_one_thread_and_says_so_in_its_identity() -> None:
    """One thread per voice in every process (parallelism is the worker processes'): the count changes
    samples by a bit here and there, so it is fixed, and part of the cache key."""
    engine = PiperEngine()
    assert engine.threads == piper_engine.THREADS == 1
    options = engine._voice().session.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    assert engine.identity().endswith("/1-thread")
    free = PiperEngine()
    free.threads = None  # onnxruntime's own choice, as a plain piper call makes it
    assert free._voice() is not engine._voice()
    assert free._voice().session.get_session_options().intra_op_num_threads == 0
    assert free.identity() != engine.identity()


def test_the_same_sentence_gives_the_same_samples_whatever_came_before(tmp_path: Path) -> None:
    """The cache and byte-identical rebuilds rely on this: a sentence's audio depends only on its text."""
    engine = PiperEngine()
    first, between, again = tmp_path / "a.wav", tmp_path / "b.wav", tmp_path / "c.wav"
    engine.synthesize("Take two tablets a day with food.", first)
    engine.synthesize("Something else entirely, said in between, and rather longer.", between)
    engine.synthesize("Take two tablets a day with food.", again)
    assert first.read_bytes() == again.read_bytes()
    fresh = PiperEngine()  # another engine object (as in another worker) gives the same bytes too
    other = tmp_path / "d.wav"
    fresh.synthesize("Take two tablets a day with food.", other)
    assert other.read_bytes() == first.read_bytes()

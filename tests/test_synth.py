"""The sentence cache and parallel synthesis: what is re-made, resuming, workers, hung engines."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import snapshot
from typer.testing import CliRunner

from audioguide.build import BuildOptions, build, load_script
from audioguide.cli import app
from audioguide.engines import get_engine
from audioguide.engines.fake import FakeEngine
from audioguide.errors import EngineError
from audioguide.synth import SpeechCache, cache_key


@pytest.fixture
def guide(tmp_path: Path, fixtures: Path) -> Path:
    target = tmp_path / "guide.md"
    shutil.copy(fixtures / "guides" / "simple.md", target)
    return target


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the fake engine is asked to speak (in-process builds, jobs=1)."""
    said: list[str] = []
    real = FakeEngine.synthesize

    def counting(self: FakeEngine, text: str, dest: Path) -> None:
        said.append(text)
        real(self, text, dest)

    monkeypatch.setattr(FakeEngine, "synthesize", counting)
    return said


def fake(source: Path, out: Path, cache: Path, **kw: object):
    return build(BuildOptions(source=source, out=out, engine="fake", cache_dir=cache, jobs=1, **kw))  # type: ignore[arg-type]


def test_cache_key_covers_engine_voice_rate_and_text() -> None:
    keys = {
        cache_key(get_engine("fake").identity(), "Hello."),
        cache_key(get_engine("pyttsx3", voice="en-gb", rate=150).identity(), "Hello."),
        cache_key(get_engine("pyttsx3", rate=150).identity(), "Hello."),
        cache_key(get_engine("pyttsx3", rate=170).identity(), "Hello."),
        cache_key(get_engine("fake").identity(), "Hello!"),
    }
    assert len(keys) == 5


def test_a_lexicon_change_is_a_cache_miss(guide: Path, tmp_path: Path, spoken: list[str]) -> None:
    guide.write_text(guide.read_text() + "\n## Treatment\n\nZorblax is rare.\n")
    fake(guide, tmp_path / "out", tmp_path / "cache")
    spoken.clear()
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\nzorblax = "zor blacks"\n')
    fake(guide, tmp_path / "out", tmp_path / "cache", lexicon=lexicon)
    assert len(spoken) == 1 and "zor blacks" in spoken[0].lower()


def test_editing_one_paragraph_resynthesises_only_it(guide: Path, tmp_path: Path, spoken: list[str]) -> None:
    cache = tmp_path / "cache"
    fake(guide, tmp_path / "out", cache, contents=False, signposts=False)
    first = len(spoken)
    assert first == len(set(spoken)) > 5
    spoken.clear()
    fake(guide, tmp_path / "out", cache, contents=False, signposts=False)
    assert spoken == []  # everything came from the cache
    guide.write_text(guide.read_text().replace("The last chapter.", "The very last chapter."))
    fake(guide, tmp_path / "out", cache, contents=False, signposts=False)
    assert spoken == ["The very last chapter."]
    store = SpeechCache(cache)
    assert store.info().sentences == first + 1


def test_hits_and_misses_are_counted(tmp_path: Path) -> None:
    store = SpeechCache(tmp_path)
    engine = get_engine("fake")
    store.synthesize_all(engine, ["One.", "Two.", "One."])
    assert (store.stats.hits, store.stats.misses) == (0, 2)
    paths = store.synthesize_all(engine, ["Two.", "Three.", "One."])
    assert (store.stats.hits, store.stats.misses) == (2, 1)
    assert [p.name for p in paths] == [f"{cache_key(engine.identity(), s)}.wav" for s in ("Two.", "Three.", "One.")]


KILLER = """
import os, signal, sys
from pathlib import Path
from audioguide.build import BuildOptions, build
from audioguide.engines.fake import FakeEngine
real = FakeEngine.synthesize
calls = [0]
def dying(self, text, dest):
    calls[0] += 1
    if calls[0] > int(sys.argv[4]):
        os.kill(os.getpid(), signal.SIGKILL)  # as sudden as a power cut
    real(self, text, dest)
FakeEngine.synthesize = dying
build(BuildOptions(source=Path(sys.argv[1]), out=Path(sys.argv[2]), engine="fake", cache_dir=Path(sys.argv[3]), jobs=1))
"""


def test_a_killed_build_resumes_and_matches_an_uninterrupted_one(
    guide: Path, tmp_path: Path, spoken: list[str]
) -> None:
    reference = fake(guide, tmp_path / "reference", tmp_path / "reference-cache")
    total = len(spoken)
    spoken.clear()
    out, cache = tmp_path / "out", tmp_path / "cache"
    done_before_kill = 6
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(guide), str(out), str(cache), str(done_before_kill)],
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert SpeechCache(cache).info().sentences == done_before_kill
    assert not (out / "manifest.json").exists()
    fake(guide, out, cache)
    assert len(spoken) == total - done_before_kill  # finished sentences were not made again
    assert snapshot(out / "audio") == snapshot(tmp_path / "reference" / "audio")
    assert [c.sha256 for c in reference.chapters] == [
        c.sha256 for c in build(BuildOptions(source=guide, out=out, engine="fake", cache_dir=cache, jobs=1)).chapters
    ]


def test_two_jobs_give_the_same_build_as_one(guide: Path, tmp_path: Path) -> None:
    one = fake(guide, tmp_path / "one", tmp_path / "cache-one")
    two = build(
        BuildOptions(source=guide, out=tmp_path / "two", engine="fake", cache_dir=tmp_path / "cache-two", jobs=2)
    )
    assert snapshot(tmp_path / "one" / "audio") == snapshot(tmp_path / "two" / "audio")
    assert snapshot(tmp_path / "cache-one" / "speech") == snapshot(tmp_path / "cache-two" / "speech")
    assert [c.timings for c in one.chapters] == [c.timings for c in two.chapters]


def test_parallel_results_keep_their_order(tmp_path: Path) -> None:
    store = SpeechCache(tmp_path)
    texts = [f"Sentence number {i} {'long ' * (i % 5)}." for i in range(12)]
    engine = get_engine("fake")
    paths = store.synthesize_all(engine, texts, jobs=2, factory=FakeEngine)
    assert paths == [store.path(cache_key(engine.identity(), t)) for t in texts]
    assert all(p.exists() for p in paths)
    assert store.stats.misses == 12


class HangingEngine(FakeEngine):
    """A fake engine that never finishes one particular sentence."""

    name: ClassVar[str] = "hanging"

    def synthesize(self, text: str, dest: Path) -> None:
        if "hang" in text:
            time.sleep(60)
        super().synthesize(text, dest)


class HangsOnceEngine(FakeEngine):
    """A fake engine that hangs the first time it is asked for a sentence (it leaves a marker)."""

    name: ClassVar[str] = "hangs-once"
    marker: ClassVar[str] = ""

    def synthesize(self, text: str, dest: Path) -> None:
        marker = Path(self.marker)
        if "hang" in text and not marker.exists():
            marker.touch()
            time.sleep(60)
        super().synthesize(text, dest)


def test_a_hung_engine_is_killed_retried_once_then_reported(tmp_path: Path) -> None:
    store = SpeechCache(tmp_path)
    texts = ["Fine.", "Please hang here.", "Also fine.", "Still fine."]
    started = time.monotonic()
    with pytest.raises(EngineError, match="Please hang here") as caught:
        store.synthesize_all(HangingEngine(), texts, jobs=2, factory=HangingEngine, timeout=0.5)
    assert "twice" in str(caught.value)
    assert time.monotonic() - started < 30  # the 60-second sleeps were killed, not waited for
    assert not store.path(cache_key(HangingEngine().identity(), "Please hang here.")).exists()


def test_a_sentence_that_hangs_once_succeeds_on_retry(tmp_path: Path) -> None:
    HangsOnceEngine.marker = str(tmp_path / "hung-once")
    store = SpeechCache(tmp_path / "cache")
    texts = ["Fine.", "Please hang here.", "Also fine."]
    paths = store.synthesize_all(HangsOnceEngine(), texts, jobs=2, factory=HangsOnceEngine, timeout=0.5)
    assert all(p.exists() for p in paths)
    assert store.stats.retries == 1


def test_engine_errors_in_a_worker_reach_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: FakeEngine, text: str, dest: Path) -> None:
        raise EngineError("The fake engine broke.")

    monkeypatch.setattr(FakeEngine, "synthesize", broken)
    with pytest.raises(EngineError, match="The fake engine broke."):
        SpeechCache(tmp_path).synthesize_all(FakeEngine(), ["A.", "B.", "C."], jobs=2, factory=FakeEngine)


def test_cache_info_and_clear(guide: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    script = load_script(BuildOptions(source=guide, engine="fake"))
    fake(guide, tmp_path / "out", cache)
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert info.exit_code == 0, info.output
    unique = len({u.speech for c in script.chapters for u in c.utterances})
    assert f"Sentences: {unique}" in info.output
    assert str(cache) in info.output
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0 and f"Removed {unique}" in cleared.output
    assert SpeechCache(cache).info().sentences == 0
    bad = runner.invoke(app, ["cache", "shred", "--cache-dir", str(cache)])
    assert bad.exit_code == 1 and "Unknown cache action" in bad.output
    # Build, info and clear all kept to --cache-dir: the default cache (the autouse fixture's) is untouched.
    default = Path(os.environ["AUDIOGUIDE_CACHE"])
    assert default != cache and not (default.exists() and any(default.iterdir()))


def test_unchanged_chapters_are_not_encoded_again(guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import audioguide.audio.chapters as build_module

    rendered: list[tuple[str, ...]] = []
    real = build_module.render_segment

    def counting(items, samples, gain_db, dest):  # type: ignore[no-untyped-def]
        rendered.append(tuple(Path(item[0]).stem for item in items))
        return real(items, samples, gain_db, dest)

    monkeypatch.setattr(build_module, "render_segment", counting)
    cache = tmp_path / "cache"
    first = fake(guide, tmp_path / "out", cache, contents=False, signposts=False)
    assert len(rendered) == sum(len(c.script.utterances) for c in first.chapters)  # a segment per sentence
    rendered.clear()
    guide.write_text(guide.read_text().replace("The last chapter.", "The very last chapter."))
    second = fake(guide, tmp_path / "out", cache, contents=False, signposts=False)
    # The edited sentence, or (if the edit moved the short chapter's gain to the next step) that chapter.
    assert 1 <= len(rendered) <= len(second.chapters[2].script.utterances)
    assert [c.sha256 for c in first.chapters][:2] == [c.sha256 for c in second.chapters][:2]
    assert first.chapters[2].sha256 != second.chapters[2].sha256


def test_editing_one_sentence_re_encodes_only_its_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long chapter of many paragraphs: changing one sentence re-encodes that sentence alone, and the
    rest of the chapter's MP3 is the same frames as before."""
    import audioguide.audio.chapters as build_module

    paragraphs = [" ".join(f"Paragraph {p} sentence {s} says something useful." for s in range(4)) for p in range(8)]
    source = tmp_path / "long.md"
    source.write_text("# Long guide\n\n## The only chapter\n\n" + "\n\n".join(paragraphs) + "\n")
    rendered: list[int] = []
    real = build_module.render_segment

    def counting(items, samples, gain_db, dest):  # type: ignore[no-untyped-def]
        rendered.append(samples)
        return real(items, samples, gain_db, dest)

    monkeypatch.setattr(build_module, "render_segment", counting)
    cache = tmp_path / "cache"
    first = fake(source, tmp_path / "out", cache, contents=False, signposts=False)
    before = (tmp_path / "out" / first.chapters[0].audio).read_bytes()
    assert len(rendered) == len(first.chapters[0].script.utterances) >= 1 + 8 * 4  # every sentence
    rendered.clear()
    source.write_text(source.read_text().replace("Paragraph 3 sentence 2 says", "Paragraph 3 sentence 2 now says"))
    second = fake(source, tmp_path / "out", cache, contents=False, signposts=False)
    after = (tmp_path / "out" / second.chapters[0].audio).read_bytes()
    assert len(rendered) == 1
    assert after != before
    # The same frames before the edited paragraph (and the same tags), the same frames after it.
    n = len(before)
    assert before[: n * 3 // 10] == after[: n * 3 // 10]
    assert before[-n * 4 // 10 :] == after[-n * 4 // 10 :]


def test_speech_text_is_remembered_until_the_lexicon_changes(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild works out speech text only for new sentences; another lexicon means all of it again."""
    import audioguide.script as script_module

    worked: list[str] = []
    real = script_module.to_speech

    def counting(text, lexicon=None, engine="pyttsx3"):  # type: ignore[no-untyped-def]
        worked.append(text)
        return real(text, lexicon, engine)

    monkeypatch.setattr(script_module, "to_speech", counting)
    cache = tmp_path / "cache"
    first = fake(guide, tmp_path / "out", cache)
    assert len(worked) == sum(len(c.script.utterances) for c in first.chapters)
    worked.clear()
    guide.write_text(guide.read_text().replace("The last chapter.", "The very last chapter."))
    second = fake(guide, tmp_path / "out", cache)
    assert worked == ["The very last chapter."]
    worked.clear()
    lexicon = tmp_path / "words.toml"
    lexicon.write_text('[words]\nchapter = "chap-ter"\n')
    third = fake(guide, tmp_path / "out", cache, lexicon=lexicon)
    assert len(worked) == sum(len(c.script.utterances) for c in third.chapters)
    assert [u.speech for c in second.chapters for u in c.script.utterances] != [
        u.speech for c in third.chapters for u in c.script.utterances
    ]

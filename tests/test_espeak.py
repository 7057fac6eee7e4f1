"""The default Linux voice: espeak-ng from a fresh state for every sentence, so the same text always
gives the same samples (the espeak-ng program is the oracle), and nothing printed."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import manifest

from audioguide.engines import get_engine
from audioguide.engines.espeak_pyttsx3 import espeak_synthesize

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the espeak-ng driver is Linux's")

SENTENCES = [
    "Take a rest between tasks, before you get tired.",
    "Grip aids make jars, taps and keys easier to turn!",
    "Is it 3.5 mg, or 35?",
    "Café owners: ask for a straw.",
    "Short.",
    "Say [[h@l'oU]] to the physio.",
]


def cli_samples(text: str, voice: str = "gmw/en", rate: int = 165) -> bytes:
    """What the espeak-ng program says for ``text``: its WAV's samples (a fresh process every time)."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text], capture_output=True, check=True, timeout=60
    ).stdout
    assert wav[:4] == b"RIFF" and wav[36:40] == b"data"
    return wav[44:]


@pytest.mark.parametrize("text", SENTENCES)
def test_samples_equal_the_espeak_ng_programs(text: str) -> None:
    espeak_synthesize("Something else said first, to leave state behind.", "gmw/en", 165)
    pcm, rate = espeak_synthesize(text, "gmw/en", 165)
    assert rate == 22050
    assert pcm == cli_samples(text)


@pytest.mark.parametrize("voice", ["gmw/en-us", "gmw/en+klatt", "gmw/en+whisper"])
def test_other_voices_and_noisy_variants_match_too(voice: str) -> None:
    # Klatt and whisper draw noise from rand(): that too starts afresh.
    text = SENTENCES[0]
    first = espeak_synthesize(text, voice, 140)[0]
    espeak_synthesize(SENTENCES[1], voice, 140)
    assert espeak_synthesize(text, voice, 140)[0] == first == cli_samples(text, voice, 140)


def test_order_does_not_change_the_audio(tmp_path: Path) -> None:
    engine = get_engine("pyttsx3")

    def say_all(order: list[int], folder: Path) -> dict[int, bytes]:
        folder.mkdir()
        out = {}
        for i in order:
            engine.synthesize(SENTENCES[i], folder / f"{i}.wav")
            out[i] = (folder / f"{i}.wav").read_bytes()
        return out

    forward = say_all(list(range(len(SENTENCES))), tmp_path / "a")
    backward = say_all(list(reversed(range(len(SENTENCES)))), tmp_path / "b")
    repeated = say_all([2, 2, 0, 2, 5, 1, 3, 4], tmp_path / "c")
    assert forward == backward
    assert all(repeated[i] == forward[i] for i in repeated)


def test_another_process_says_the_same(tmp_path: Path) -> None:
    here = {i: espeak_synthesize(text, "gmw/en", 165)[0] for i, text in enumerate(SENTENCES)}
    script = (
        "import sys, json, hashlib\n"
        "from audioguide.engines.espeak_pyttsx3 import espeak_synthesize\n"
        "texts = json.loads(sys.argv[1])\n"
        "print(json.dumps([hashlib.sha256(espeak_synthesize(t, 'gmw/en', 165)[0]).hexdigest() for t in texts]))\n"
    )
    order = [4, 1, 5, 0, 3, 2]
    texts = [SENTENCES[i] for i in order]
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(texts)], capture_output=True, text=True, check=True, timeout=120
    )
    theirs = json.loads(result.stdout)
    assert theirs == [hashlib.sha256(here[i]).hexdigest() for i in order]


def test_phoneme_input_is_spoken_as_phonemes() -> None:
    phonemes = espeak_synthesize("[[h@'loU]]", "gmw/en", 165)[0]
    assert phonemes == cli_samples("[[h@'loU]]")
    # Spelled out, "h at l o U" is twice as long; as phonemes it is about as long as the word.
    spelled = espeak_synthesize("h at low u", "gmw/en", 165)[0]
    word = espeak_synthesize("hello", "gmw/en", 165)[0]
    assert len(phonemes) < 0.7 * len(spelled)
    assert abs(len(phonemes) - len(word)) < 0.25 * len(word)
    # The brackets themselves are never read out: the same phonemes in a sentence equal the word.
    assert espeak_synthesize("Say [[h@l'oU]] now.", "gmw/en", 165)[0] == cli_samples("Say [[h@l'oU]] now.")


def test_still_fresh_when_something_else_holds_the_library() -> None:
    held = ctypes.CDLL("libespeak-ng.so.1")  # as pyttsx3 or another library in the process would
    try:
        first = espeak_synthesize(SENTENCES[0], "gmw/en", 165)[0]
        espeak_synthesize(SENTENCES[1], "gmw/en", 165)
        assert espeak_synthesize(SENTENCES[0], "gmw/en", 165)[0] == first == cli_samples(SENTENCES[0])
    finally:
        del held


def test_nothing_printed(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    engine = get_engine("pyttsx3")
    for i, text in enumerate(SENTENCES):
        engine.synthesize(text, tmp_path / f"{i}.wav")
    engine.voices()
    engine.identity()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_unknown_voice_is_one_clear_error(tmp_path: Path) -> None:
    from audioguide.errors import EngineError

    with pytest.raises(EngineError, match="no voice called"):
        espeak_synthesize("Hi.", "no-such-voice", 165)


def on_a_terminal(command: list[str], env: dict[str, str], timeout: float = 900) -> tuple[int, str]:
    """Run ``command`` with a pseudo-terminal as its stdout and stderr (as a user at a terminal would):
    its exit status and everything it showed."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    else:
        process.kill()
    os.close(leader)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


@pytest.mark.slow
def test_fresh_cache_builds_are_byte_identical_whatever_the_jobs(tmp_path: Path, fixtures: Path) -> None:
    """Three builds, each with an empty cache of its own, one and two workers: the same chapters,
    and a real build prints nothing of the engine's (no "Audio saved to ...")."""
    source = fixtures / "guides" / "pasted.txt"
    hashes = []
    for n, jobs in enumerate(["1", "2", "2"]):
        env = {
            **os.environ,
            "AUDIOGUIDE_CACHE": str(tmp_path / f"cache{n}"),
            "PYTHONPATH": str(Path(__file__).parents[1]),
        }
        command = [
            sys.executable,
            "-m",
            "audioguide",
            "build",
            str(source),
            "--out",
            str(tmp_path / f"out{n}"),
            "-j",
            jobs,
        ]
        returncode, shown = on_a_terminal(command, env)
        assert returncode == 0, shown
        assert "Audio saved" not in shown and "speech/" not in shown, shown
        hashes.append([c["sha256"] for c in manifest(tmp_path / f"out{n}")["chapters"]])
    assert hashes[0] == hashes[1] == hashes[2]
    assert len(set(hashes[0])) == len(hashes[0]) > 1

"""Engines: the real offline voice, and the online voice with its network stubbed."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audioguide.cli import app
from audioguide.engines import get_engine
from audioguide.engines.google import OFFLINE_MESSAGE, GttsEngine
from audioguide.errors import EngineError

runner = CliRunner()


def test_pyttsx3_writes_a_complete_wav_every_time(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    engine = get_engine("pyttsx3")
    lengths = []
    for i, text in enumerate(["Hello.", "A somewhat longer sentence to say.", "Hello."]):
        dest = tmp_path / f"{i}.wav"
        engine.synthesize(text, dest)
        with wave.open(str(dest)) as wav:
            lengths.append(wav.getnframes() / wav.getframerate())
    # Same text, nearly the same length: pyttsx3's espeak driver can drop the last audio block
    # (up to about 0.2 s, mostly the closing pause) when the end-of-message event comes with it.
    assert lengths[0] == pytest.approx(lengths[2], abs=0.25)
    assert lengths[1] > lengths[0] * 2
    assert 0.2 < lengths[0] < 2.0
    assert "Audio saved" not in capfd.readouterr().out  # pyttsx3's own print is silenced


def test_pyttsx3_rejects_unknown_voice(tmp_path: Path) -> None:
    engine = get_engine("pyttsx3", voice="no-such-voice")
    with pytest.raises(EngineError, match="no voice called 'no-such-voice'"):
        engine.synthesize("Hi.", tmp_path / "x.wav")


def _tone_mp3() -> bytes:
    return subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:duration=0.5",
            "-ac",
            "1",
            "-f",
            "mp3",
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout


def test_gtts_offline_is_one_clear_sentence(tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import requests
    from gtts import gTTS

    def no_network(self: object, fp: object) -> None:
        raise requests.exceptions.ConnectionError("Failed to establish a new connection")

    monkeypatch.setattr(gTTS, "write_to_fp", no_network)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(fixtures / "guides" / "simple.md"), "--engine", "gtts", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {OFFLINE_MESSAGE}"
    assert not out.exists() or not any(out.rglob("*.mp3"))


def test_gtts_gtts_error_about_connection(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from gtts import gTTS, gTTSError

    def refused(self: object, fp: object) -> None:
        raise gTTSError("Failed to connect. Probable cause: timeout")

    monkeypatch.setattr(gTTS, "write_to_fp", refused)
    with pytest.raises(EngineError, match="can't be reached"):
        GttsEngine().synthesize("Hello.", tmp_path / "a.wav")
    assert not (tmp_path / "a.wav").exists()


def test_gtts_build_with_stubbed_service(tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gtts import gTTS

    mp3 = _tone_mp3()
    said: list[str] = []

    def fake_fetch(self: gTTS, fp: object) -> None:
        said.append(self.text)
        fp.write(mp3)  # type: ignore[attr-defined]

    monkeypatch.setattr(gTTS, "write_to_fp", fake_fetch)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(fixtures / "guides" / "simple.md"), "--engine", "gtts", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Chapter two of three." in said
    assert len(list((out / "audio").glob("*.mp3"))) == 4


class _Response:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.reason = "busy"


@pytest.mark.parametrize(("statuses", "ok"), [([429, 503], True), ([500, 502, 503, 504], False)])
def test_gtts_retries_busy_and_server_errors(
    statuses: list[int], ok: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gtts import gTTS, gTTSError

    answers = list(statuses)
    mp3 = _tone_mp3()
    waits: list[float] = []

    def flaky(self: gTTS, fp: object) -> None:
        if answers:
            raise gTTSError(tts=self, response=_Response(answers.pop(0)))
        fp.write(mp3)  # type: ignore[attr-defined]

    monkeypatch.setattr(gTTS, "write_to_fp", flaky)
    engine = GttsEngine(sleep=waits.append)
    if ok:
        engine.synthesize("Hello.", tmp_path / "a.wav")
        assert (tmp_path / "a.wav").stat().st_size > 1000
        assert waits == [1.0, 2.0]
    else:
        with pytest.raises(EngineError, match="busy or failing"):
            engine.synthesize("Hello.", tmp_path / "a.wav")
        assert waits == [1.0, 2.0, 4.0]
        assert not (tmp_path / "a.wav").exists()


def test_fallback_engine_when_offline(tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import requests
    from gtts import gTTS

    def no_network(self: object, fp: object) -> None:
        raise requests.exceptions.ConnectionError("Failed to establish a new connection")

    monkeypatch.setattr(gTTS, "write_to_fp", no_network)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "build",
            str(fixtures / "guides" / "simple.md"),
            "--engine",
            "gtts",
            "--fallback-engine",
            "fake",
            "--out",
            str(out),
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Built with the fake engine instead" in result.output
    assert '"engine": "fake"' in (out / "manifest.json").read_text()

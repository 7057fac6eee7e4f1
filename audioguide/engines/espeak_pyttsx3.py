"""The default engine: pyttsx3, offline, using espeak-ng on Linux and the system voices elsewhere."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from ..errors import EngineError
from . import Voice, register

DEFAULT_RATE = 165
"""Words per minute: a little slower than espeak-ng's 175-200, for listeners who tire easily."""

_LOCK = threading.Lock()


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """pyttsx3's espeak driver prints "Audio saved to ..." on file descriptor 1; silence it."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def _wav_complete(path: Path) -> bool:
    """True once ``path`` holds a whole WAV file (its RIFF size matches the file's size)."""
    try:
        data_size = path.stat().st_size
        if data_size < 44:
            return False
        with open(path, "rb") as fh:
            head = fh.read(12)
        if head[:4] != b"RIFF":
            return data_size > 0 and head[:4] in (b"FORM",)  # AIFF from macOS voices
        # While espeak-ng writes, the RIFF size field holds a placeholder; it is set at the end.
        riff = int.from_bytes(head[4:8], "little")
        return riff + 8 == data_size
    except OSError:
        return False


class _NoNap:
    """Stands in for the ``time`` module inside pyttsx3's espeak-ng driver, whose loop polls for the end
    of each utterance every 10 ms: most of that is idle time (it was a third of a whole build). It
    polls every 0.2 ms instead (a bare yield would spin and take CPU from espeak-ng's own thread);
    the rest is ``time``'s."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.0002))


def _skip_driver_naps() -> None:
    try:
        from pyttsx3.drivers import espeak as driver
    except Exception:  # another platform's driver, or a pyttsx3 laid out differently: leave it be
        return
    if getattr(driver, "time", None) is time:
        driver.time = _NoNap()


@register
class Pyttsx3Engine:
    """pyttsx3: espeak-ng on Linux, NSSpeechSynthesizer on macOS, SAPI5 on Windows."""

    name: ClassVar[str] = "pyttsx3"
    summary: ClassVar[str] = "Offline voice through pyttsx3 (espeak-ng on Linux, system voices on macOS/Windows)."
    offline: ClassVar[bool] = True
    rank: ClassVar[int] = 0

    _engine: ClassVar[Any] = None

    def __init__(self, voice: str | None = None, rate: int | None = None, language: str = "en") -> None:
        self.voice = voice
        self.rate = rate or DEFAULT_RATE
        self.language = language

    @classmethod
    def unavailable_reason(cls) -> str | None:
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return "the pyttsx3 package is not installed. Run: pip install pyttsx3"
        if sys.platform.startswith("linux") and cls._engine is None:
            # Load the library (as pyttsx3 will) without starting espeak-ng, so that this process
            # can still fork synthesis workers safely (see fresh_process).
            import ctypes

            for name in ("libespeak-ng.so.1", "/usr/local/lib/libespeak-ng.so.1", "libespeak.so.1"):
                try:
                    ctypes.CDLL(name)
                except OSError:
                    continue
                return None
            return "espeak-ng is not installed. Run: sudo apt-get install espeak-ng"
        try:
            cls._driver()
        except Exception as exc:  # pyttsx3 raises many kinds when no speech back end exists
            if sys.platform.startswith("linux"):
                return f"espeak-ng is not installed. Run: sudo apt-get install espeak-ng (pyttsx3 said: {exc})"
            return f"pyttsx3 could not start a system voice ({exc})."
        return None

    def fresh_process(self) -> bool:
        """Whether synthesis workers must start afresh: once espeak-ng runs in this process, a forked
        copy of it can deadlock; before that, forking is safe and much quicker."""
        return type(self)._engine is not None

    @classmethod
    def _driver(cls) -> Any:
        if cls._engine is None:
            import pyttsx3

            try:
                with _quiet_stdout():
                    engine = pyttsx3.init()
            except Exception as exc:  # pyttsx3 raises many kinds when no speech back end exists
                raise EngineError(
                    f"pyttsx3 could not start a voice ({exc}). On Debian or Ubuntu run: sudo apt-get install espeak-ng"
                ) from exc
            engine.connect("finished-utterance", cls._on_finished)
            if sys.platform.startswith("linux"):
                _skip_driver_naps()
            cls._engine = engine
        return cls._engine

    _finished: ClassVar[list[int]] = [0]
    """How many finished-utterance events pyttsx3 has sent (its espeak driver sends no names)."""

    @classmethod
    def _on_finished(cls, name: str | None = None, completed: bool = True) -> None:
        cls._finished[0] += 1

    def voices(self) -> list[Voice]:
        engine = self._driver()
        out: list[Voice] = []
        for v in engine.getProperty("voices") or []:
            langs = tuple(
                lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
                for lang in (getattr(v, "languages", None) or [])
            )
            out.append(Voice(id=str(v.id), name=str(getattr(v, "name", v.id)), languages=langs))
        return out

    def _voice_id(self) -> str | None:
        if self.voice:
            known = {v.id: v for v in self.voices()}
            by_name = {v.name.lower(): v for v in self.voices()}
            if self.voice in known:
                return self.voice
            if self.voice.lower() in by_name:
                return by_name[self.voice.lower()].id
            raise EngineError(f"pyttsx3 has no voice called '{self.voice}'. See the list with: audioguide voices")
        return None

    def identity(self) -> str:
        import pyttsx3

        version = getattr(pyttsx3, "__version__", "?")
        return f"pyttsx3/2/{version}/{sys.platform}/{self.voice or 'default'}/{self.rate}"

    _warmed: ClassVar[list[bool]] = [False]
    """Whether this process has spoken once: espeak-ng says its first sentence at its own default
    rate, whatever rate was set, so a throwaway sentence goes first."""

    def synthesize(self, text: str, dest: Path) -> None:
        dest = Path(dest)
        with _LOCK:
            engine = self._driver()
            voice_id = self._voice_id()
            if voice_id:
                engine.setProperty("voice", voice_id)
            engine.setProperty("rate", self.rate)
            if not self._warmed[0]:
                with tempfile.TemporaryDirectory(prefix="audioguide-warm-") as tmp:
                    self._speak(engine, "Ready.", Path(tmp) / "warm.wav")
                self._warmed[0] = True
            from ..wav import wav_samples  # here, so listing engines stays light

            # pyttsx3's espeak driver writes the file when espeak says the message ended, and that
            # callback can race the audio of the message: now and then the file has no audio at all.
            for _ in range(3):
                self._speak(engine, text, dest)
                if wav_samples(dest) > 0:
                    return
            raise EngineError(f"pyttsx3 made an empty recording three times for: {text[:60]}")

    def _speak(self, engine: Any, text: str, dest: Path) -> None:
        dest.unlink(missing_ok=True)
        before = self._finished[0]
        with _quiet_stdout():
            engine.save_to_file(text, str(dest))
            engine.runAndWait()
            # The first runAndWait() can return before the file is written: wait for the
            # finished-utterance event and a complete file (the driver prints as it finishes).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if self._finished[0] > before and _wav_complete(dest):
                    break
                time.sleep(0.005)
            else:
                if not _wav_complete(dest):
                    raise EngineError("pyttsx3 did not finish writing its audio within 30 seconds.")

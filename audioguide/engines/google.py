"""The online engine: Google's voice through gTTS. Needs the internet."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from ..errors import EngineError
from . import Voice, register

OFFLINE_MESSAGE = (
    "The gtts engine needs the internet and Google's speech service can't be reached; "
    "build offline with --engine pyttsx3 instead."
)


@register
class GttsEngine:
    """gTTS: Google Translate's voice, online only."""

    name: ClassVar[str] = "gtts"
    summary: ClassVar[str] = "Google's online voice through gTTS (needs the internet)."
    offline: ClassVar[bool] = False
    rank: ClassVar[int] = 10

    attempts: ClassVar[int] = 4
    """Tries per sentence when Google answers busy (429) or with a server error (5xx)."""
    first_retry_delay: ClassVar[float] = 1.0
    """Seconds before the first retry; doubled each time."""
    timeout: ClassVar[float] = 15.0
    """Seconds to wait for Google's answer."""

    def __init__(
        self,
        voice: str | None = None,
        rate: int | None = None,
        language: str = "en",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from ..i18n.voices import voices_for

        row = voices_for(language or "en")
        self.language = row.gtts if row is not None and row.gtts else (language or "en").split("-")[0]
        # voice picks Google's regional accent: a top-level domain such as "co.uk" or "com".
        self.tld = voice or "co.uk"
        self.slow = bool(rate and rate < 120)
        self.sleep = sleep

    @classmethod
    def unavailable_reason(cls) -> str | None:
        try:
            import gtts  # noqa: F401
        except ImportError:
            return "the gTTS package is not installed. Run: pip install gTTS"
        return None

    def fresh_process(self) -> bool:
        return False  # online: never run in parallel workers

    def voices(self) -> list[Voice]:
        accents = {
            "co.uk": "British English",
            "com": "American English",
            "com.au": "Australian English",
            "ca": "Canadian English",
            "co.in": "Indian English",
            "ie": "Irish English",
            "co.za": "South African English",
        }
        return [Voice(tld, name, ("en",)) for tld, name in accents.items()]

    def identity(self) -> str:
        return f"gtts/{self.language}/{self.tld}/{'slow' if self.slow else 'normal'}"

    def fetch_mp3(self, text: str) -> bytes:
        """Ask Google for ``text`` as MP3 bytes, or raise :class:`EngineError` in plain words.

        Busy answers (429) and server errors (5xx) are tried again after a growing pause; no
        answer at all means the internet or Google can't be reached.
        """
        from gtts import gTTS, gTTSError

        delay = self.first_retry_delay
        for attempt in range(1, self.attempts + 1):
            try:
                tts = gTTS(text=text, lang=self.language, tld=self.tld, slow=self.slow, timeout=self.timeout)
                buffer = io.BytesIO()
                tts.write_to_fp(buffer)
            except gTTSError as exc:
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                message = str(exc).lower()
                retryable = status == 429 or (status is not None and 500 <= status < 600) or "429" in message
                if retryable and attempt < self.attempts:
                    self.sleep(delay)
                    delay *= 2
                    continue
                if retryable:
                    raise EngineError(
                        f"Google's speech service is busy or failing (after {self.attempts} tries); "
                        "try again later, or build offline with --engine pyttsx3."
                    ) from exc
                if status is None and any(w in message for w in ("connect", "timeout", "timed out", "resolve")):
                    raise EngineError(OFFLINE_MESSAGE) from exc
                raise EngineError(f"Google's speech service refused the request ({exc}).") from exc
            except (OSError, ValueError) as exc:
                raise EngineError(OFFLINE_MESSAGE) from exc
            except Exception as exc:  # requests' ConnectionError, Timeout and friends
                if type(exc).__module__.startswith(("requests", "urllib3")):
                    raise EngineError(OFFLINE_MESSAGE) from exc
                raise
            data = buffer.getvalue()
            if not data:
                raise EngineError("Google's speech service sent back no audio.")
            return data
        raise EngineError(OFFLINE_MESSAGE)  # pragma: no cover - the loop always returns or raises

    def synthesize(self, text: str, dest: Path) -> None:
        mp3 = self.fetch_mp3(text)
        result = subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-f",
                "mp3",
                "-i",
                "pipe:0",
                "-ac",
                "1",
                "-ar",
                "24000",
                "-f",
                "wav",
                "-y",
                str(dest),
            ],
            input=mp3,
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            Path(dest).unlink(missing_ok=True)
            raise EngineError("The audio Google sent could not be decoded.")

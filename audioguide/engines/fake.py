"""A deterministic engine for tests: a quiet tone whose length follows the text exactly."""

from __future__ import annotations

import math
import struct
import time
import wave
from pathlib import Path
from typing import ClassVar

from . import Voice, register

SAMPLE_RATE = 22050
"""Samples per second of the fake engine's audio."""
SECONDS_PER_CHARACTER = 0.01
"""Each character of speech text lasts exactly this long (10 ms)."""
MIN_SECONDS = 0.1
"""The shortest utterance the fake engine makes."""


def fake_samples(text: str) -> int:
    """Exactly how many samples the fake engine makes for ``text``."""
    return round(max(MIN_SECONDS, len(text) * SECONDS_PER_CHARACTER) * SAMPLE_RATE)


@register
class FakeEngine:
    """A 220 Hz tone, 10 ms per character: exact arithmetic for tests, no speech."""

    name: ClassVar[str] = "fake"
    summary: ClassVar[str] = "Test tone, 10 ms per character (for tests, not for listening)."
    offline: ClassVar[bool] = True
    rank: ClassVar[int] = 90

    def __init__(self, voice: str | None = None, rate: int | None = None, language: str = "en") -> None:
        self.voice = voice or "tone"
        self.rate = rate

    @classmethod
    def unavailable_reason(cls) -> str | None:
        return None

    def fresh_process(self) -> bool:
        return False

    def voices(self) -> list[Voice]:
        return [
            Voice("tone", "A 220 Hz test tone", ("en",)),
            Voice("slow-tone", "The same tone, taking 0.2 s of real time per sentence", ("en",)),
        ]

    def identity(self) -> str:
        return "fake/1/tone"  # both voices make the same sound

    def synthesize(self, text: str, dest: Path) -> None:
        if self.voice == "slow-tone":
            time.sleep(0.2)  # lets tests interrupt a build part-way
        n = fake_samples(text)
        amplitude = 8000
        frames = b"".join(
            struct.pack("<h", int(amplitude * math.sin(2 * math.pi * 220 * i / SAMPLE_RATE))) for i in range(n)
        )
        with wave.open(str(dest), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            wav.writeframes(frames)

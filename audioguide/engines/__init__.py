"""Speech engines: a small protocol and a registry of name -> engine class.

Heavy or optional packages are imported inside each engine, never here, so that ``--help`` is
instant and works without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from ..errors import EngineError


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    """What to pass as ``--voice``."""
    name: str
    """A human name for the voice."""
    languages: tuple[str, ...] = ()
    """Language tags the voice speaks."""


class Engine(Protocol):
    """What the pipeline needs from a speech engine."""

    name: ClassVar[str]
    """Registry name, as given to ``--engine``."""
    summary: ClassVar[str]
    """One line for ``audioguide engines``."""
    offline: ClassVar[bool]
    """True when the engine needs no network."""

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """``None`` when the engine can be used here, otherwise why not and what to do."""
        ...

    def voices(self) -> list[Voice]:
        """The voices this engine offers on this machine."""
        ...

    def identity(self) -> str:
        """Everything that changes the sound (engine, voice, rate, version): part of the cache key."""
        ...

    def synthesize(self, text: str, dest: Path) -> None:
        """Speak ``text`` into a WAV file at ``dest`` (mono or stereo, 16-bit PCM, any rate)."""
        ...


ENGINES: dict[str, type[Engine]] = {}


def register(cls: type[Engine]) -> type[Engine]:
    """Class decorator adding an engine to the registry."""
    ENGINES[cls.name] = cls
    return cls


def engine_names() -> list[str]:
    """Names of all registered engines, the default first."""
    _load_builtin()
    preferred = ["pyttsx3", "gtts", "piper", "fake"]
    return sorted(ENGINES, key=lambda n: (preferred.index(n) if n in preferred else len(preferred), n))


def get_engine(name: str, voice: str | None = None, rate: int | None = None, language: str = "en") -> Engine:
    """An engine instance ready to speak, or :class:`EngineError` saying why it can't."""
    _load_builtin()
    cls = ENGINES.get(name)
    if cls is None:
        raise EngineError(f"There is no speech engine called '{name}'. Choose one of: {', '.join(engine_names())}.")
    reason = cls.unavailable_reason()
    if reason:
        raise EngineError(f"The {name} engine can't be used: {reason}")
    return cls(voice=voice, rate=rate, language=language)  # type: ignore[call-arg]


def _load_builtin() -> None:
    # Importing the modules registers their engines; the default comes first.
    from . import espeak_pyttsx3, google, piper, fake  # noqa: F401, I001

"""Speech engines: a small protocol and a registry of name -> engine class.

An engine is a class in a module of this package, decorated with :func:`register`. The registry is
found by importing every module of the package, so adding an engine is one new module here and
nothing else. Heavy or optional packages are imported inside each engine, never at module level, so
that ``--help`` is instant and works without them; a module that fails to import is an error.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

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
    """True when the engine needs no network (online engines speak one sentence at a time)."""
    rank: ClassVar[int]
    """Where the engine comes in listings, lowest first: the default engine has the lowest."""

    def __init__(self, voice: str | None = None, rate: int | None = None, language: str = "en") -> None:
        """An engine that speaks ``language`` with ``voice`` (its own default when ``None``) at ``rate``
        words per minute (its own default when ``None``). Each synthesis worker makes its own."""
        ...

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

    def fresh_process(self) -> bool:
        """Whether synthesis workers must start in a fresh interpreter rather than as forked copies of
        this process (a native library that deadlocks after fork), as things stand now."""
        ...


ENGINES: dict[str, type[Engine]] = {}


E = TypeVar("E", bound=Engine)


def register(cls: type[E]) -> type[E]:
    """Class decorator adding an engine to the registry."""
    ENGINES[cls.name] = cls
    return cls


def engine_names() -> list[str]:
    """Names of all registered engines, the default first."""
    return [cls.name for cls in sorted(_registry().values(), key=lambda cls: (cls.rank, cls.name))]


def get_engine(name: str, voice: str | None = None, rate: int | None = None, language: str = "en") -> Engine:
    """An engine instance ready to speak, or :class:`EngineError` saying why it can't."""
    cls = _registry().get(name)
    if cls is None:
        raise EngineError(f"There is no speech engine called '{name}'. Choose one of: {', '.join(engine_names())}.")
    reason = cls.unavailable_reason()
    if reason:
        raise EngineError(f"The {name} engine can't be used: {reason}")
    return cls(voice=voice, rate=rate, language=language)


def _registry() -> dict[str, type[Engine]]:
    """Every engine, from importing each module of this package (which registers its engines)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return ENGINES

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
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from ..errors import EngineError

if TYPE_CHECKING:
    from ..i18n.voices import EngineChoice, Installed

AUTO = "auto"
"""The default engine name: Piper with a voice of the guide's language when one is installed, else
espeak-ng through pyttsx3 with a voice of that language (see :func:`choose_auto`)."""


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


def choose_auto(language: str, voice: str | None = None, installed: Installed | None = None) -> EngineChoice:
    """What engine "auto" speaks ``language`` with here, with which voice, and why (or what to install).

    ``voice`` is the user's ``--voice``: a Piper ``.onnx`` file is taken as an installed Piper voice of
    the language its ``.onnx.json`` names (or of the guide's language when it names none), and is used
    whatever its language; any other voice is kept for the engine chosen."""
    from ..i18n.tags import base_language, language_name
    from ..i18n.voices import EngineChoice, choose_engine, installed_here, piper_voice_language, voices_for

    found = installed if installed is not None else installed_here()
    if voice and voice.lower().endswith(".onnx"):
        spoken = piper_voice_language(voice) or language
        if not found.piper:
            return EngineChoice(
                None, None, "A Piper voice was given, but piper-tts is not installed: pip install piper-tts."
            )
        accent = "" if base_language(spoken) == base_language(language) else f" (it speaks {language_name(spoken)})"
        return EngineChoice("piper", voice, f"the Piper voice {Path(voice).name} was given with --voice{accent}.")
    choice = choose_engine(language, found)
    if choice.engine is None:
        return choice
    if voice:
        return choice._replace(voice=voice)
    if choice.engine == "pyttsx3" and voices_for(language) == voices_for("en"):
        return choice._replace(voice=None)  # British English is espeak-ng's own default voice
    return choice


def engine_voice(name: str, voice: str | None, language: str) -> str | None:
    """The voice an explicitly chosen engine uses for ``language`` when ``--voice`` is not given:
    pyttsx3 takes the language's espeak-ng voice (English keeps espeak-ng's default)."""
    if voice or name != "pyttsx3":
        return voice
    from ..i18n.voices import voices_for

    row = voices_for(language)
    if row is None or row == voices_for("en"):
        return None
    return row.pyttsx3_id


def resolve_engine(name: str, voice: str | None, language: str) -> tuple[str, str | None, str]:
    """``(engine, voice, why)`` for a build: "auto" made concrete (:func:`choose_auto`), an explicit
    engine kept, with the language's voice when none is given. :class:`EngineError` when "auto" finds
    nothing that speaks the language here, naming what to install."""
    if name != AUTO:
        return name, engine_voice(name, voice, language), f"--engine {name} was chosen."
    choice = choose_auto(language, voice)
    if choice.engine is None:
        raise EngineError(choice.reason)
    return choice.engine, choice.voice, choice.reason


def get_engine(name: str, voice: str | None = None, rate: int | None = None, language: str = "en") -> Engine:
    """An engine instance ready to speak, or :class:`EngineError` saying why it can't. ``"auto"``
    picks one for ``language`` (:func:`resolve_engine`)."""
    if name == AUTO:
        name, voice, _ = resolve_engine(name, voice, language)
    cls = _registry().get(name)
    if cls is None:
        choices = ", ".join([AUTO, *engine_names()])
        raise EngineError(f"There is no speech engine called '{name}'. Choose one of: {choices}.")
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

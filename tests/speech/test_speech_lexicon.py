"""Pronunciation lexicon: built-in words, user TOML files, merging, applying, fingerprints."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from audioguide.errors import InputError
from audioguide.speech import LexEntry, Lexicon
from audioguide.speech.lexicon import phoneme_style

REQUIRED_WORDS = [
    "myositis",
    "dysphagia",
    "immunoglobulin",
    "immunosuppressant",
    "immunosuppressants",
    "corticosteroid",
    "corticosteroids",
    "prednisolone",
    "pyridostigmine",
    "riluzole",
    "methotrexate",
    "azathioprine",
    "physiotherapist",
    "inflammatory",
    "biopsy",
    "biopsies",
    "creatine kinase",
    "sialorrhoea",
]


@pytest.mark.parametrize("word", REQUIRED_WORDS)
def test_builtin_has_medical_word(word: str) -> None:
    entry = Lexicon.builtin().entries[word]
    assert entry.respell and entry.respell.lower() != word
    assert entry.espeak is not None and entry.espeak.startswith("[[") and entry.espeak.endswith("]]")


def test_builtin_respellings_contain_no_keys_or_capitals() -> None:
    lexicon = Lexicon.builtin()
    for entry in lexicon.entries.values():
        assert entry.respell == entry.respell.lower()
        assert lexicon.apply(entry.respell, "pyttsx3") == entry.respell


APPLY = [
    # engines without phoneme input get respellings (one word where a reader stresses it right)
    ("Inclusion body myositis.", "gtts", "Inclusion body myosightiss."),
    ("MYOSITIS and Myositis", "gtts", "myosightiss and myosightiss"),
    ("Two biopsies and a biopsy.", "gtts", "Two by opsies and a by opsy."),
    ("Some immunosuppressants help.", "gtts", "Some immunoh suppressants help."),
    ("Creatine  kinase is high.", "gtts", "kreeateen kynaze is high."),
    ("Polymyositis differs.", "gtts", "polly myosightiss differs."),
    ("myositis-related weakness", "gtts", "myosightiss-related weakness"),
    ("nonmyositis", "gtts", "nonmyositis"),
    ("myositis", "fake", "myosightiss"),
    # pyttsx3 drives espeak-ng on Linux: espeak-ng's own phoneme notation
    ("myositis", "pyttsx3", "[[maI@s'aItIs]]"),
    ("Corticosteroids help.", "pyttsx3", "[[k,O:tIkoUst'I@rOIdz]] help."),
    ("Dermatomyositises", "pyttsx3", "[[d,3:m@toUmaI@s'aItIsIz]]"),
    ("[[maI@s'aItIs]] stays", "pyttsx3", "[[maI@s'aItIs]] stays"),
    # piper: IPA inside [[ ]], which its phonemiser hands straight to the voice
    ("Inclusion body myositis.", "piper", "Inclusion body [[ maɪəsˈaɪtɪs ]]."),
    ("Riluzole's dose", "piper", "[[ ɹˈɪljʊzˌəʊlz ]] dose"),
    ("Two dysphagias", "piper", "Two [[ dɪsfˈeɪdʒəz ]]"),
    ("[[ maɪəsˈaɪtɪs ]] stays", "piper", "[[ maɪəsˈaɪtɪs ]] stays"),
]


@pytest.mark.parametrize(("text", "engine", "expected"), APPLY)
def test_apply(text: str, engine: str, expected: str) -> None:
    if engine == "pyttsx3" and not sys.platform.startswith("linux"):
        pytest.skip("pyttsx3 drives espeak-ng on Linux only")
    assert Lexicon.builtin().apply(text, engine) == expected


def test_phoneme_style_names_only_registered_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    from audioguide.engines import engine_names

    styles = {name: phoneme_style(name) for name in engine_names()}
    assert styles["piper"] == "ipa"
    assert styles["gtts"] is None
    monkeypatch.setattr(sys, "platform", "darwin")
    assert phoneme_style("pyttsx3") is None
    monkeypatch.setattr(sys, "platform", "linux")
    assert phoneme_style("pyttsx3") == "espeak"


def test_plural_without_own_entry_uses_respelling_and_phonemes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    lexicon = Lexicon(
        entries={
            "riluzole": LexEntry("rillyuzole", "[[r'IljUz,oUl]]", "ɹˈɪljʊzˌəʊl"),
            "cap": LexEntry("kap", "[[kap]]", "kap"),
        }
    )
    assert lexicon.apply("riluzoles", "gtts") == "rillyuzoles"
    assert lexicon.apply("riluzoles", "pyttsx3") == "[[r'IljUz,oUlz]]"
    assert lexicon.apply("caps", "pyttsx3") == "[[kaps]]"
    assert lexicon.apply("caps", "piper") == "[[ kaps ]]"
    assert lexicon.apply("riluzole's", "gtts") == "rillyuzole's"


def test_entry_without_ipa_falls_back_to_respelling_for_piper() -> None:
    lexicon = Lexicon(entries={"riluzole": LexEntry("rillyuzole", "[[r'IljUz,oUl]]")})
    assert lexicon.apply("riluzole", "piper") == "rillyuzole"


def test_apply_is_idempotent_on_its_output() -> None:
    lexicon = Lexicon.builtin()
    for engine in ("pyttsx3", "piper", "gtts"):
        once = lexicon.apply("Myositis, dysphagia and biopsies.", engine)
        assert lexicon.apply(once, engine) == once


def test_load_simple_and_table_entries(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[words]\nmyositis = "my-oh-SY-tis"\n'
        'Riluzole = { respell = "RIL-yoo-zole", espeak = "[[r\'IljUz,oUl]]" }\n'
        '"creatine kinase" = { respell = "kree-a-teen kye-naze" }\n',
        encoding="utf-8",
    )
    lexicon = Lexicon.load(path)
    assert lexicon.entries["myositis"] == LexEntry("my-oh-SY-tis")
    assert lexicon.entries["riluzole"] == LexEntry("RIL-yoo-zole", "[[r'IljUz,oUl]]")
    assert lexicon.entries["creatine kinase"].espeak is None


def test_load_accepts_phonemes_without_brackets(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[words]\nriluzole = { respell = "ril-yoo-zole", espeak = "r\'IljUz,oUl" }\n',
        encoding="utf-8",
    )
    assert Lexicon.load(path).entries["riluzole"].espeak == "[[r'IljUz,oUl]]"


BAD_FILES = [
    ("[words\nmyositis = 1", "not valid TOML"),
    ('myositis = "x"', "needs a [words] table"),
    ("[words]\nmyositis = 5", "must be a string or a table"),
    ('[words]\nmyositis = ""', "empty respelling"),
    ('[words]\nmyositis = "<b>"', "characters an engine cannot say"),
    ('[words]\nmyositis = { espeak = "[[x]]" }', "needs a respell string"),
    ('[words]\nmyositis = { respell = "x", sound = "y" }', "unknown field 'sound'"),
    ('[words]\nmyositis = { respell = "x", espeak = 3 }', "espeak value that is not a string"),
    (
        '[words]\nmyositis = { respell = "x", espeak = "[[]]" }',
        "espeak phonemes that are not valid",
    ),
    ('[words]\n"my ositis!" = "x"', "is not a word"),
    ('[words]\n"5mg" = "x"', "is not a word"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_load_rejects_bad_files_with_one_line_message(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Lexicon.load(path)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert str(path) in text
    assert text.endswith(".")


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        Lexicon.load(tmp_path / "missing.toml")


def test_load_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[words]\nmyositis = "caf\xe9"\n')
    with pytest.raises(InputError, match="not UTF-8"):
        Lexicon.load(path)


def test_merged_other_wins() -> None:
    mine = Lexicon(entries={"myositis": LexEntry("mine"), "riluzole": LexEntry("ril")})
    theirs = Lexicon(entries={"myositis": LexEntry("theirs")})
    merged = mine.merged(theirs)
    assert merged.entries["myositis"].respell == "theirs"
    assert merged.entries["riluzole"].respell == "ril"
    assert mine.entries["myositis"].respell == "mine"


def test_fingerprint_is_stable_and_sensitive() -> None:
    first = Lexicon(entries={"a": LexEntry("ay"), "b": LexEntry("bee", "[[bi:]]")})
    same = Lexicon(entries={"b": LexEntry("bee", "[[bi:]]"), "a": LexEntry("ay")})
    assert first.fingerprint() == same.fingerprint()
    assert len(first.fingerprint()) == 64
    assert first.fingerprint() != Lexicon(entries={"a": LexEntry("ay")}).fingerprint()
    assert first.fingerprint() != Lexicon(entries={"a": LexEntry("ay"), "b": LexEntry("bee")}).fingerprint()
    assert Lexicon.builtin().fingerprint() == Lexicon.builtin().fingerprint()


def test_empty_lexicon_changes_nothing() -> None:
    assert Lexicon(entries={}).apply("myositis", "espeak") == "myositis"

"""Pronunciation lexicon: phonemes (espeak-ng notation and IPA) and respellings for hard medical words."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from audioguide.errors import InputError
from audioguide.fsutil import read_limited

MAX_LEXICON_BYTES = 1_000_000
"""Largest lexicon file read."""
MAX_RESPELL = 200
"""Longest respelling, in characters."""

PhonemeStyle = Literal["espeak", "ipa"]


def phoneme_style(engine: str) -> PhonemeStyle | None:
    """How ``engine`` takes phoneme input, or None when it only takes text (respellings then).

    piper reads IPA between ``[[ ]]`` (its phonemiser passes such a block straight to the voice);
    pyttsx3 on Linux drives espeak-ng, which reads its own phoneme notation between ``[[ ]]``.
    pyttsx3 elsewhere (macOS, Windows voices), gtts and the test engine take plain text.
    """
    name = engine.lower()
    if name == "piper":
        return "ipa"
    if name == "pyttsx3" and sys.platform.startswith("linux"):
        return "espeak"
    return None


_KEY = re.compile(r"^[^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*)*$")
_PHONEME_TEXT = re.compile(r"^[^\[\]<>\n]{1,200}$")
_PHONEME_SPAN = re.compile(r"\[\[[^\[\]]*\]\]")


@dataclass(frozen=True)
class LexEntry:
    """How to say one word."""

    respell: str
    """A spelling that engines without phoneme input read correctly, e.g. "myosightiss"."""
    espeak: str | None = None
    """espeak-ng phoneme input including the brackets, e.g. "[[maI@s'aItIs]]"."""
    ipa: str | None = None
    """The same pronunciation in IPA as espeak-ng writes it (piper's phonemes), e.g. "maɪəsˈaɪtɪs"."""


def _entry(respell: str, espeak: str, ipa: str) -> LexEntry:
    return LexEntry(respell, f"[[{espeak}]]", ipa)


_BUILTIN: dict[str, LexEntry] = {
    "myositis": _entry("myosightiss", "maI@s'aItIs", "maɪəsˈaɪtɪs"),
    "polymyositis": _entry("polly myosightiss", "p,0limaI@s'aItIs", "pˌɒlimaɪəsˈaɪtɪs"),
    "dermatomyositis": _entry("dermatoe myosightiss", "d,3:m@toUmaI@s'aItIs", "dˌɜːmətəʊmaɪəsˈaɪtɪs"),
    "dysphagia": _entry("disfayja", "dIsf'eIdZ@", "dɪsfˈeɪdʒə"),
    "dysarthria": _entry("dissarthria", "dIs'A:Tri@", "dɪsˈɑːθɹiə"),
    "immunoglobulin": _entry("immunoh globulin", ",ImjUnoUgl'0bjUlIn", "ˌɪmjʊnəʊɡlˈɒbjʊlɪn"),
    "immunoglobulins": _entry("immunoh globulins", ",ImjUnoUgl'0bjUlInz", "ˌɪmjʊnəʊɡlˈɒbjʊlɪnz"),
    "immunosuppressant": _entry("immunoh suppressant", ",ImjUnoUs@pr'Es@nt", "ˌɪmjʊnəʊsəpɹˈɛsənt"),
    "immunosuppressants": _entry("immunoh suppressants", ",ImjUnoUs@pr'Es@nts", "ˌɪmjʊnəʊsəpɹˈɛsənts"),
    "corticosteroid": _entry("corticoh steeroid", "k,O:tIkoUst'I@rOId", "kˌɔːtɪkəʊstˈɪəɹɔɪd"),
    "corticosteroids": _entry("corticoh steeroids", "k,O:tIkoUst'I@rOIdz", "kˌɔːtɪkəʊstˈɪəɹɔɪdz"),
    "prednisolone": _entry("pred nissolone", "prEdn'Is@l,oUn", "pɹɛdnˈɪsəlˌəʊn"),
    "pyridostigmine": _entry("pirridoh stigmeen", "p,IrIdoUst'Igmi:n", "pˌɪɹɪdəʊstˈɪɡmiːn"),
    "riluzole": _entry("rillyuzole", "r'IljUz,oUl", "ɹˈɪljʊzˌəʊl"),
    "methotrexate": _entry("methoh trexate", "m,EToUtr'EkseIt", "mˌɛθəʊtɹˈɛkseɪt"),
    "azathioprine": _entry("azza thighopreen", ",az@T'aIoUpri:n", "ˌazəθˈaɪəʊpɹiːn"),
    "physiotherapist": _entry("fizzio therapist", "f,IzI2oUT'Er@pIst", "fˌɪzɪəʊθˈɛɹəpɪst"),
    "physiotherapists": _entry("fizzio therapists", "f,IzI2oUT'Er@pIsts", "fˌɪzɪəʊθˈɛɹəpɪsts"),
    "physiotherapy": _entry("fizzio therapy", "f,IzI2oUT'Er@pi", "fˌɪzɪəʊθˈɛɹəpi"),
    "inflammatory": _entry("inflammuttery", "Infl'am@t@ri", "ɪnflˈamətəɹi"),
    "biopsy": _entry("by opsy", "b'aI0psi", "bˈaɪɒpsi"),
    "biopsies": _entry("by opsies", "b'aI0psiz", "bˈaɪɒpsiz"),
    "creatine kinase": _entry("kreeateen kynaze", "kr'i:@ti:n k'aIneIz", "kɹˈiːətiːn kˈaɪneɪz"),
    "sialorrhoea": _entry("sighalla reea", "s,aI@l@r'i:@", "sˌaɪələɹˈiːə"),
    "sialorrhea": _entry("sighalla reea", "s,aI@l@r'i:@", "sˌaɪələɹˈiːə"),
}
"""Each entry's IPA is the target: tests/speech/test_lexicon_phonemes.py checks that espeak-ng says
the espeak notation as that IPA, that piper's phonemiser receives it, and that espeak-ng reads the
respelling close to it."""


@dataclass(frozen=True)
class Lexicon:
    """Words (lower case) and how to say them; applied as the last step of speech text."""

    entries: Mapping[str, LexEntry] = field(default_factory=dict)
    """Lower-case word or phrase -> its entry."""

    @classmethod
    def builtin(cls) -> Lexicon:
        """The medical words this project ships with."""
        return _builtin()

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Read a user lexicon ([words] table of a TOML file); InputError if it is unusable."""
        try:
            data = tomllib.loads(read_limited(path, MAX_LEXICON_BYTES, "lexicon file").decode("utf-8"))
        except FileNotFoundError:
            raise InputError(f"The lexicon file {path} does not exist.") from None
        except OSError as error:
            raise InputError(f"The lexicon file {path} cannot be read: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise InputError(f"The lexicon file {path} is not UTF-8 text.") from None
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"The lexicon file {path} is not valid TOML: {_one_line(str(error))}.") from None
        return cls(entries=_parse_words(data, path))

    def merged(self, other: Lexicon) -> Lexicon:
        """A lexicon with both sets of entries; other's entries win."""
        return Lexicon(entries={**self.entries, **other.entries})

    def apply(self, text: str, engine: str) -> str:
        """Replace known words (whole words, any case, plurals too) with their respellings."""
        respellings = tuple(sorted({entry.respell for entry in self.entries.values()}))
        pattern = _matcher(tuple(sorted(self.entries)), respellings)
        if pattern is None:
            return text
        style = phoneme_style(engine)

        def replace(match: re.Match[str]) -> str:
            if match.group(1) is not None:
                return match.group(1)
            word, suffix = match.group(2), match.group(3) or ""
            entry = self.entries.get(" ".join(word.lower().split()))
            if entry is None:
                return match.group(0)
            plural = bool(suffix)  # a possessive sounds like the plural
            if style == "espeak" and entry.espeak:
                return _plural_phonemes(entry.espeak) if plural else entry.espeak
            if style == "ipa" and entry.ipa:
                return f"[[ {_plural_ipa(entry.ipa) if plural else entry.ipa} ]]"
            return entry.respell + suffix

        return pattern.sub(replace, text)

    def protection_pattern(self) -> re.Pattern[str] | None:
        """A pattern matching this lexicon's respellings, so other rules leave them alone."""
        return _protector(tuple(sorted({entry.respell for entry in self.entries.values()})))

    def fingerprint(self) -> str:
        """A stable sha256 of the entries, for cache keys."""
        rows = sorted([word, entry.respell, entry.espeak, entry.ipa] for word, entry in self.entries.items())
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _builtin() -> Lexicon:
    return Lexicon(entries=MappingProxyType(dict(_BUILTIN)))


def _one_line(message: str) -> str:
    return " ".join(message.split()).rstrip(".")


def _parse_words(data: dict[str, object], path: Path) -> dict[str, LexEntry]:
    words = data.get("words")
    if not isinstance(words, dict):
        raise InputError(f'The lexicon file {path} needs a [words] table, e.g. myositis = "myo-sightiss".')
    entries: dict[str, LexEntry] = {}
    for raw_key, value in words.items():
        key = " ".join(str(raw_key).lower().split())
        if not _KEY.match(key):
            raise InputError(f'The lexicon file {path} has an entry "{raw_key}" that is not a word.')
        entries[key] = _parse_entry(raw_key, value, path)
    return entries


def _parse_entry(key: str, value: object, path: Path) -> LexEntry:
    where = f'The lexicon entry "{key}" in {path}'
    if isinstance(value, str):
        return LexEntry(respell=_check_respell(value, where))
    if not isinstance(value, dict):
        raise InputError(f'{where} must be a string or a table such as {{ respell = "..." }}.')
    unknown = sorted(set(value) - {"respell", "espeak", "ipa"})
    if unknown:
        raise InputError(f"{where} has unknown field {unknown[0]!r}; use respell, espeak and ipa.")
    respell = value.get("respell")
    espeak = value.get("espeak")
    ipa = value.get("ipa")
    if not isinstance(respell, str):
        raise InputError(f"{where} needs a respell string.")
    if espeak is not None and not isinstance(espeak, str):
        raise InputError(f"{where} has an espeak value that is not a string.")
    if ipa is not None and not isinstance(ipa, str):
        raise InputError(f"{where} has an ipa value that is not a string.")
    return LexEntry(
        respell=_check_respell(respell, where), espeak=_check_phonemes(espeak, where), ipa=_check_ipa(ipa, where)
    )


def _check_ipa(ipa: str | None, where: str) -> str | None:
    if ipa is None:
        return None
    inner = ipa.strip().removeprefix("[[").removesuffix("]]").strip().strip("/").strip()
    if not inner or not _PHONEME_TEXT.match(inner) or not inner.isprintable() or any(ch.isdigit() for ch in inner):
        raise InputError(f'{where} has IPA that is not valid; write it like "maɪəsˈaɪtɪs".')
    return inner


def _check_respell(respell: str, where: str) -> str:
    if len(respell) > MAX_RESPELL:
        raise InputError(
            f"{where} has a respelling of {len(respell):,} characters; the longest allowed is {MAX_RESPELL}."
        )
    cleaned = " ".join(respell.split())
    if not cleaned or not any(ch.isalpha() for ch in cleaned):
        raise InputError(f"{where} has an empty respelling.")
    if any(ch in "<>[]{}\\" for ch in cleaned) or not cleaned.isprintable():
        raise InputError(f"{where} has a respelling with characters an engine cannot say.")
    return cleaned


def _check_phonemes(espeak: str | None, where: str) -> str | None:
    if espeak is None:
        return None
    inner = espeak.strip()
    if inner.startswith("[[") and inner.endswith("]]"):
        inner = inner[2:-2]
    inner = inner.strip()
    if not inner or not _PHONEME_TEXT.match(inner) or not inner.isprintable():
        raise InputError(f'{where} has espeak phonemes that are not valid; write them like "[[maI@s\'aItIs]]".')
    return f"[[{inner}]]"


def _plural_phonemes(espeak: str) -> str:
    inner = espeak[2:-2].rstrip()
    last = inner.rstrip(",'")[-1:]
    if last in {"s", "z", "S", "Z"}:
        suffix = "Iz"
    elif last in {"p", "t", "k", "f", "T"}:
        suffix = "s"
    else:
        suffix = "z"
    return f"[[{inner}{suffix}]]"


def _plural_ipa(ipa: str) -> str:
    last = ipa.rstrip("ˈˌː")[-1:]
    if last in {"s", "z", "ʃ", "ʒ"}:
        return ipa + "ɪz"
    if last in {"p", "t", "k", "f", "θ"}:
        return ipa + "s"
    return ipa + "z"


def _alternatives(texts: tuple[str, ...]) -> str:
    ordered = sorted(texts, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in text.split()) for text in ordered)


@lru_cache(maxsize=32)
def _matcher(keys: tuple[str, ...], respellings: tuple[str, ...]) -> re.Pattern[str] | None:
    """Match a key (group 2, plural in group 3), or something to leave alone (group 1)."""
    if not keys:
        return None
    skip = r"\[\[[^\[\]]*\]\]"
    if respellings:
        skip += rf"|(?<![\w'’])(?:{_alternatives(respellings)})(?![\w'’])"
    return re.compile(rf"({skip})|(?<![\w'’])({_alternatives(keys)})(s|es|'s|’s)?(?![\w'’])", re.IGNORECASE)


@lru_cache(maxsize=32)
def _protector(respellings: tuple[str, ...]) -> re.Pattern[str] | None:
    worth = [text for text in respellings if text != text.lower() or not re.fullmatch(r"[a-z' -]+", text)]
    if not worth:
        return None
    ordered = sorted(worth, key=len, reverse=True)
    return re.compile(r"(?<![\w'’])(?:" + "|".join(re.escape(text) for text in ordered) + r")(?![\w'’])")

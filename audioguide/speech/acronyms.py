"""How people say capitalised abbreviations: letter by letter ("N H S") or as a word ("nice")."""

from __future__ import annotations

import re

LETTERS = frozenset(
    (
        # health services, professions and bodies
        "NHS GP GPS OT PT SLT MDT MDUK NINDS NIH NIHR MHRA MRC CQC DWP DVLA PALS ICB CCG "
        "CDC FDA EMA GMC BMA RCP RCN NMC HCPC BBC ITV UN EU UK US USA UAE NI "
        # conditions and tests
        "IBM SIBM IVIG IG IV IM SC MRI CT PET EMG ECG EKG EEG CK CPK CRP ESR FBC LFT TFT INR DNA RNA "
        "HIV MND ALS MS MD FSHD DM OPMD COPD PTSD ADHD OCD UTI GI BP BMI ICU ITU HDU "
        "ENT ED OPD ADL ADLS NG NGT RIG AAC NIV PPE PCR RSV HPV TB IBS IBD IQ "
        # everyday
        "TV PC ID PDF FAQ FAQS URL SMS GPS DIY HR PA VAT DOB AKA RSVP ASAP CV BSL"
    ).split()
)
"""Abbreviations said letter by letter."""

WORDS: dict[str, str] = {
    "SALT": "salt",
    "NICE": "nice",
    "AIDS": "aids",
    "COVID": "covid",
    "NASA": "nasa",
    "NATO": "nato",
    "UNICEF": "unicef",
    "PEG": "peg",
    "PIP": "pip",
    "SIGN": "sign",
    "MIND": "mind",
    "SCOPE": "scope",
    "SARS": "sars",
    "MERS": "mers",
    "CPAP": "see-pap",
    "BIPAP": "bye-pap",
    "JPEG": "jay-peg",
    "GIF": "gif",
    "PIN": "pin",
    "SIM": "sim",
    "LASER": "laser",
    "OFSTED": "ofsted",
    "OFCOM": "ofcom",
    "ACAS": "acas",
    "CAMHS": "cams",
    "BAME": "bame",
    "ISA": "eye-sa",
    "OK": "okay",
}
"""Abbreviations said as a word, with the spelling the engines read well."""

MIXED: dict[str, str] = {
    "PhD": "P H D",
    "mRNA": "M R N A",
    "BiPAP": "bye-pap",
    "HbA1c": "H B A one C",
    "Hb": "H B",
    "A&E": "A-and-E",
    "GPs": "G P's",
    "IDs": "I D's",
    "TVs": "T V's",
}
"""Mixed-case forms with a fixed reading."""

COMMON_CAPS = frozenset(
    (
        "A I AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OH ON OR SO TO UP WE AND THE FOR ARE BUT NOT "
        "YOU ALL CAN HER WAS ONE OUR OUT HAS HIS HOW WHY WHO AM PM US IT ID"
    ).split()
)
"""Ordinary words that may appear in capitals; never spelt out unless listed in LETTERS."""

_VOWELS = re.compile(r"[AEIOUY]")


def say_letters(letters: str) -> str:
    """Spell out capital letters: "IBM" -> "I B M"."""
    return " ".join(letters)


def speak_acronym(token: str, suffix: str, shouting: bool) -> str | None:
    """The spoken form of an all-capitals token plus its suffix ("s", "'s"), or None to leave it.

    In a shouted sentence (mostly capitals) unknown and everyday words are lower-cased instead.
    """
    plural = suffix in {"s", "es"}
    if token in WORDS:
        return WORDS[token] + ("s" if plural else suffix)
    if shouting and (token in COMMON_CAPS or token not in LETTERS):
        return (token + suffix).lower()
    spell_by_rule = len(token) <= 5 and (not _VOWELS.search(token) or len(token) == 2)
    if token in LETTERS or (spell_by_rule and token not in COMMON_CAPS):
        return say_letters(token) + ("'s" if plural else suffix)
    return None

"""Sentence splitting that survives abbreviations, decimals, initials and quotes."""

from __future__ import annotations

import pytest

from audioguide.speech import split_sentences

CASES = [
    ("Rest. Then walk.", ["Rest.", "Then walk."]),
    ("Is it safe? Yes! Ask your GP.", ["Is it safe?", "Yes!", "Ask your GP."]),
    ("Use aids, e.g. sticks. Then rest.", ["Use aids, e.g. sticks.", "Then rest."]),
    ("Use aids, e.g. Zimmer frames.", ["Use aids, e.g. Zimmer frames."]),
    ("That is, i.e. The main point.", ["That is, i.e. The main point."]),
    (
        "Aids (sticks, etc.). Physiotherapists help.",
        ["Aids (sticks, etc.).", "Physiotherapists help."],
    ),
    ("Sticks, frames, etc. are useful.", ["Sticks, frames, etc. are useful."]),
    ("Dr. Smith saw him. He was fine.", ["Dr. Smith saw him.", "He was fine."]),
    ("Mr. Jones and Mrs. Patel came.", ["Mr. Jones and Mrs. Patel came."]),
    ("Prof. Hanna leads the trial.", ["Prof. Hanna leads the trial."]),
    ("Steroids vs. Placebo was tested.", ["Steroids vs. Placebo was tested."]),
    ("It takes approx. 20 minutes.", ["It takes approx. 20 minutes."]),
    ("Room No. 5 is open. Go in.", ["Room No. 5 is open.", "Go in."]),
    ("Take max. 8 tablets a day. Rest.", ["Take max. 8 tablets a day.", "Rest."]),
    ("Ask for ext. 2150. We call back.", ["Ask for ext. 2150.", "We call back."]),
    ("Open Mon. 9am to Fri. 5pm.", ["Open Mon. 9am to Fri. 5pm."]),
    ("It is the max. Then stop.", ["It is the max.", "Then stop."]),
    ("Take 2.5 mg daily. Then stop.", ["Take 2.5 mg daily.", "Then stop."]),
    ("Costs rose by 3.5%. Prices fell.", ["Costs rose by 3.5%.", "Prices fell."]),
    ("It is common in the U.K. and the U.S. too.", ["It is common in the U.K. and the U.S. too."]),
    ("Most live in the U.K. The rest abroad.", ["Most live in the U.K.", "The rest abroad."]),
    ("J. R. Smith wrote it. Read it.", ["J. R. Smith wrote it.", "Read it."]),
    ("Written by Dr J. Smith in 2020.", ["Written by Dr J. Smith in 2020."]),
    ("Take vitamin D. It helps.", ["Take vitamin D.", "It helps."]),
    ("Wait... then go.", ["Wait... then go."]),
    ("Wait... Then go.", ["Wait...", "Then go."]),
    ("Wait… then go.", ["Wait… then go."]),
    ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
    ("He said ‘stop.’ Then he left.", ["He said ‘stop.’", "Then he left."]),
    ("(Rest often.) Walk daily.", ["(Rest often.)", "Walk daily."]),
    ("Take it. (It helps.)", ["Take it.", "(It helps.)"]),
    ("It was 2010. 5 people came.", ["It was 2010.", "5 people came."]),
    ("1. First do this. Then that.", ["1. First do this.", "Then that."]),
    ("Open 9 a.m. to 5 p.m. daily.", ["Open 9 a.m. to 5 p.m. daily."]),
    ("See Fig. 3 for more.", ["See Fig. 3 for more."]),
    ("no punctuation here", ["no punctuation here"]),
    ("Ends without a stop. Then this", ["Ends without a stop.", "Then this"]),
    ("lower case after. full stop stays", ["lower case after. full stop stays"]),
    ("A sentence.  Another\n sentence.", ["A sentence.", "Another sentence."]),
    ("Hello. . World.", ["Hello. .", "World."]),
    ("", []),
    ("   ", []),
    ("...", ["..."]),
]


@pytest.mark.parametrize(("paragraph", "expected"), CASES)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_seed_paragraph_splits_into_its_sentences() -> None:
    paragraph = (
        "Researchers have also studied intravenous infusions of human immunoglobulin (IVIG) in IBM. "
        "Again, the trials on its benefit are inconclusive and, given its costs and side-effects, it is "
        "not a routine treatment for IBM. An exception to this is that NHS England Commissioning policy "
        "and National Immunoglobulin Guidelines allow the use of IVIG specifically for severe "
        "swallowing problems seen in some cases of IBM."
    )
    sentences = split_sentences(paragraph)
    assert len(sentences) == 3
    assert sentences[0].endswith("(IVIG) in IBM.")
    assert sentences[2].startswith("An exception")

"""No rule may drop a number: a property over generated guidance sentences, and a rule made to fail."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide.model import Document, Section
from audioguide.script import ScriptOptions, make_script
from audioguide.speech import Lexicon, normalise, to_speech

NO_LEXICON = Lexicon(entries={})

_NUMBER_WORDS = set(
    (
        "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
        "thousand million billion trillion point first second third fourth fifth sixth seventh eighth ninth "
        "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth hundredth thousandth "
        "half halves quarter quarters thirds fifths sixths sevenths eighths ninths tenths midday midnight "
        "nineties eighties seventies sixties fifties forties thirties twenties teens fives sixes sevens "
        "eights nines tens elevens twelves sixteens eighteens twenty-ones sixty-fives"
    ).split()
)


def _is_number_word(word: str) -> bool:
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and word[:-1].split("-")[-1] in _NUMBER_WORDS:
        word = word[:-1]
    parts = [part for part in word.split("-") if part]
    return bool(parts) and all(part in _NUMBER_WORDS for part in parts)


def written_numbers(text: str) -> int:
    """Numbers as written: digit runs, with 7.5, 1,250, 9:30 and 140/90 each counted once."""
    return len(re.findall(r"\d+(?:[.,:/]\d+)*", text))


def spoken_numbers(text: str) -> int:
    """Runs of number words (a comma or any other word ends a run)."""
    count, inside, previous = 0, False, ""
    for token in re.findall(r"[a-z-]+|[^\sa-z-]", text.lower()):
        if _is_number_word(token):
            count += 0 if inside else 1
            inside = True
        elif not (token == "and" and previous in {"hundred", "thousand", "million", "billion"}):
            inside = False
        previous = token
    return count


NUMBER_TOKENS = st.one_of(
    st.integers(0, 3000).map(str),
    st.integers(10000, 999999).map(str),
    st.sampled_from(["111", "999", "112", "911", "116 123", "85258", "18001", "0300 123 4567", "+44 20 7946 0958"]),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.tuples(st.integers(1, 9), st.sampled_from(["mg", "ml", "mcg", "g", "kg", "mmol/L", "mg/day", "%", " tsp"])).map(
        lambda t: f"{t[0]}{t[1]}"
    ),
    st.tuples(st.integers(1, 12), st.sampled_from(["am", "pm", ":30", ".15am"])).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.integers(1, 9), st.integers(10, 20)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.tuples(st.integers(90, 200), st.integers(50, 89)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.tuples(st.integers(0, 500), st.integers(0, 99)).map(lambda t: f"£{t[0]}.{t[1]:02d}"),
    st.integers(1, 900).map(lambda n: f"${n}"),
    st.integers(1, 31).map(lambda n: f"{n} May"),
    st.integers(1990, 2030).map(lambda y: f"{y}/{(y + 1) % 100:02d}"),
    st.integers(1, 99).map(lambda n: f"over-{n}s"),
    st.integers(1, 9).map(lambda n: f"{n} x 500mg"),
    st.integers(1, 300).map(lambda n: f"p.{n}"),
    st.integers(1, 9999).map(lambda n: f"ext. {n}"),
    st.integers(1, 12).map(lambda n: f"{n} times/day"),
    st.integers(1, 20).map(lambda n: f"{n} st 4 lb"),
)
WORDS = st.sampled_from(
    "take call text the dose is about up to your GP said open from and or every week tablets people "
    "blood pressure below a glass of water walk for minutes Monday".split()
)


@st.composite
def guidance_sentences(draw: st.DrawFn) -> str:
    parts: list[str] = [draw(WORDS)]
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(NUMBER_TOKENS))
        parts.extend(draw(st.lists(WORDS, min_size=1, max_size=3)))
    return " ".join(parts).capitalize() + "."


@settings(max_examples=300, deadline=None)
@given(guidance_sentences())
def test_a_sentence_never_comes_out_with_fewer_spoken_numbers(sentence: str) -> None:
    spoken = to_speech(sentence, NO_LEXICON, "gtts")
    assert not re.search(r"\d", spoken), spoken
    assert spoken_numbers(spoken) >= written_numbers(sentence), (sentence, spoken)


def test_the_counters_count_what_they_say() -> None:
    assert written_numbers("Take 7.5mg at 9:30, 140/90, 1,250 people and 2 more.") == 5
    assert spoken_numbers("one hundred and forty over ninety, nine thirty AM") == 3
    assert spoken_numbers("oh three oh oh, one two three") == 2


def _failing(rule: str) -> Callable[[Callable[[str], str], str], str]:
    def wrapped(step: Callable[[str], str], text: str) -> str:
        raise RuntimeError(f"{rule} broke")

    return wrapped


SENTENCES = [
    "Take 2 tablets at 9am, up to 4 times a day.",
    "Call 111 or 0300 123 4567 and ask for ext. 2.",
    "Below 140/90mmHg, in the 2025/26 tax year, costs £77.05.",
]


@pytest.mark.parametrize("rule", [name for name, _ in normalise.RULES])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_failing_rule_reads_the_sentence_as_written_and_says_so(
    monkeypatch: pytest.MonkeyPatch, rule: str, sentence: str
) -> None:
    monkeypatch.setattr(
        normalise, "RULES", [(name, _failing(name) if name == rule else None) for name, _ in normalise.RULES]
    )
    warnings: list[str] = []
    spoken = to_speech(sentence, NO_LEXICON, "gtts", warnings)
    assert re.findall(r"\d", spoken) == re.findall(r"\d", sentence)
    assert spoken == sentence
    assert len(warnings) == 1 and rule in warnings[0] and sentence[:40] in warnings[0]


def test_a_bug_inside_a_number_rule_is_caught_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(match: object) -> str:
        raise ValueError("bad fraction")

    monkeypatch.setattr(normalise, "_fraction", broken)
    warnings: list[str] = []
    spoken = to_speech("Take 1/2 a tablet, 3 times a day.", NO_LEXICON, "gtts", warnings)
    assert spoken == "Take 1/2 a tablet, 3 times a day."
    assert warnings and "numbers" in warnings[0]
    assert to_speech("Take 1/2 a tablet.", NO_LEXICON, "gtts") == "Take 1/2 a tablet."


def test_the_guide_script_carries_the_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalise, "RULES", [(n, _failing(n) if n == "numbers" else None) for n, _ in normalise.RULES])
    document = Document(title="Guide", sections=(Section("Doses", 1, ("Take 2 tablets at 9am.",)),))
    script = make_script(document, ScriptOptions(contents=False, signposts=False, lexicon=NO_LEXICON))
    spoken = [u.speech for u in script.chapters[0].utterances]
    assert "Take 2 tablets at 9am." in spoken
    assert any("Take 2 tablets at 9am." in w for w in script.warnings)

"""What the engine is asked to say: acronyms, abbreviations, numbers, symbols, brackets."""

from __future__ import annotations

import sys

import pytest

from audioguide.speech import LexEntry, Lexicon, to_speech

NO_LEXICON = Lexicon(entries={})

ACRONYMS = [
    ("People with IBM may tire.", "People with I B M may tire."),
    ("Inclusion body myositis (IBM)", "Inclusion body myositis, I B M"),
    ("Human immunoglobulin (IVIG) in IBM.", "Human immunoglobulin, I V I G, in I B M."),
    ("Ask your GP.", "Ask your G P."),
    (
        "Hospital doctors and GPs can make referrals to OTs.",
        "Hospital doctors and G P's can make referrals to O T's.",
    ),
    (
        "Speech and language therapists (SALTs) help.",
        "Speech and language therapists, salts, help.",
    ),
    ("A SALT can help.", "A salt can help."),
    ("NHS England", "N H S England"),
    ("NINDS funds research.", "N I N D S funds research."),
    ("An MRI or CT scan.", "An M R I or C T scan."),
    ("NICE guidance.", "nice guidance."),
    ("AIDS and COVID.", "aids and covid."),
    ("COVID-19 vaccines.", "covid nineteen vaccines."),
    ("NASA studied muscles.", "nasa studied muscles."),
    ("The DWP pays PIP.", "The D W P pays pip."),
    ("Contact MDUK.", "Contact M D U K."),
    ("IBM's effects.", "I B M's effects."),
    ("The UK and the EU.", "The U K and the E U."),
    ("A CPAP machine.", "A see-pap machine."),
    ("Go to A&E.", "Go to A-and-E."),
    ("Your HbA1c level.", "Your H B A one C level."),
    (
        "IMPORTANT: DO NOT STOP TAKING YOUR MEDICINE.",
        "important: do not stop taking your medicine.",
    ),
    ("CALL THE NHS TODAY.", "call the N H S today."),
    ("It is OK.", "It is okay."),
    ("Vitamin B12.", "Vitamin B twelve."),
    ("Phase III trials.", "Phase three trials."),
    ("An IV drip.", "An I V drip."),
]

ABBREVIATIONS = [
    ("Aids, e.g. sticks.", "Aids, for example sticks."),
    ("Aids, e.g., sticks.", "Aids, for example, sticks."),
    ("Aids, eg sticks.", "Aids, for example sticks."),
    ("The drug, i.e. IVIG.", "The drug, that is I V I G."),
    ("Sticks, frames, etc.", "Sticks, frames, and so on."),
    ("Walking aids (sticks, etc.).", "Walking aids, sticks, and so on."),
    ("Frames and etc.", "Frames and so on."),
    ("Dr Smith", "Doctor Smith"),
    ("Dr. Smith", "Doctor Smith"),
    ("Prof. Hanna", "Professor Hanna"),
    ("Mr Jones and Mrs Patel", "Mister Jones and Missus Patel"),
    ("It takes approx. 20 minutes.", "It takes approximately twenty minutes."),
    ("Steroids vs placebo.", "Steroids versus placebo."),
    ("Steroids vs. placebo.", "Steroids versus placebo."),
    ("No. 5", "number five"),
    ("See Fig. 3.", "See figure three."),
    ("Tel: 020 7803 4800", "telephone oh two oh, seven eight oh three, four eight oh oh"),
    ("Fish & chips", "Fish and chips"),
    ("Rest incl. naps.", "Rest including naps."),
]

NUMBERS = [
    ("1,250 people", "one thousand two hundred and fifty people"),
    ("101 steps", "one hundred and one steps"),
    ("10,000 steps", "ten thousand steps"),
    ("1,000,000", "one million"),
    ("3rd", "third"),
    ("the 21st century", "the twenty-first century"),
    ("his 100th birthday", "his one hundredth birthday"),
    ("5-10", "five to ten"),
    ("5–10 days", "five to ten days"),
    ("5 - 10 mins", "five to ten minutes"),
    ("Ages 18–65.", "Ages eighteen to sixty-five."),
    ("50%", "fifty percent"),
    ("5-10%", "five to ten percent"),
    ("2.5% of people", "two point five percent of people"),
    ("5 per cent", "five percent"),
    ("2.5", "two point five"),
    ("0.5", "zero point five"),
    ("In 1998.", "In nineteen ninety-eight."),
    ("In 2024.", "In twenty twenty-four."),
    ("In 2005.", "In two thousand and five."),
    ("Since 1900.", "Since nineteen hundred."),
    ("1905", "nineteen oh five"),
    ("Over 2000 people.", "Over two thousand people."),
    ("2000 patients", "two thousand patients"),
    ("From 2019-2020.", "From twenty nineteen to twenty twenty."),
    ("The 1990s.", "The nineteen nineties."),
    ("In the 80s.", "In the eighties."),
    ("On 12 March 2024.", "On the twelfth of March twenty twenty-four."),
    ("On the 12th March.", "On the twelfth of March."),
    ("12/03/2024", "the twelfth of March twenty twenty-four"),
    ("2024-03-12", "the twelfth of March twenty twenty-four"),
    ("March 12, 2024", "March the twelfth, twenty twenty-four"),
    ("12-14 March 2024", "the twelfth to the fourteenth of March twenty twenty-four"),
    ("In March 2024.", "In March twenty twenty-four."),
    ("At 9am.", "At nine AM."),
    ("At 9:30pm.", "At nine thirty PM."),
    ("At 9.30 a.m.", "At nine thirty AM."),
    ("At 14:00.", "At two PM."),
    ("At 09:05.", "At nine oh five AM."),
    ("At 00:00.", "At midnight."),
    ("At 9:00.", "At nine o'clock."),
    ("Open 8am-6pm.", "Open eight AM to six PM."),
    ("£20", "twenty pounds"),
    ("£1", "one pound"),
    ("$5.50", "five dollars and fifty cents"),
    ("£0.50", "fifty pence"),
    ("50p", "fifty pence"),
    ("€3", "three euros"),
    ("£2.5m", "two point five million pounds"),
    ("£5-£10", "five to ten pounds"),
    ("Call 111.", "Call one one one."),
    ("Call NHS 111.", "Call N H S one one one."),
    ("Call 999 now.", "Call nine nine nine now."),
    ("0300 123 4567", "oh three oh oh, one two three, four five six seven"),
    ("Call 0800 652 3236.", "Call oh eight oh oh, six five two, three two three six."),
    ("+44 (0)20 7803 4800", "plus four four, two oh, seven eight oh three, four eight oh oh"),
    ("Text 85258.", "Text eight five two five eight."),
    ("1 mg", "one milligram"),
    ("2.5 mg", "two point five milligrams"),
    ("10mg", "ten milligrams"),
    ("1-2 mg", "one to two milligrams"),
    ("500 ml", "five hundred millilitres"),
    ("70 kg", "seventy kilograms"),
    ("1 g", "one gram"),
    ("5 km", "five kilometres"),
    ("20 mg/kg/day", "twenty milligrams per kilogram per day"),
    ("-5°C", "minus five degrees Celsius"),
    ("1/2 a tablet", "half a tablet"),
    ("3/4 of people", "three quarters of people"),
    ("Pain 7/10.", "Pain seven out of ten."),
    ("Help 24/7.", "Help twenty-four seven."),
    ("1½ tablets", "one and a half tablets"),
    ("A 5-year-old", "A five-year-old"),
    ("CK above 200 or >200.", "C K above two hundred or more than two hundred."),
    ("Under <5.", "Under less than five."),
    (
        "1234567890123456789",
        "one two three four five six seven eight nine zero one two three four five six seven eight nine",
    ),
]

EMAILS_AND_LINKS = [
    ("Email info@example.org today.", "Email info at example dot org today."),
    ("Write to research.team@mdu.org.uk.", "Write to research dot team at mdu dot org dot U K."),
    ("Visit nhs.uk now.", "Visit N H S dot U K now."),
    ("See https://www.nhs.uk/ibm for more.", "See N H S dot U K slash ibm for more."),
    ("Go to www.example.org.", "Go to example dot org."),
]

PUNCTUATION = [
    ("Walking aids (sticks) help.", "Walking aids, sticks, help."),
    ("Walking aids [sticks] help.", "Walking aids, sticks, help."),
    ("(This is optional.)", "This is optional."),
    ("Wait… then go.", "Wait, then go."),
    ("Rest — then walk.", "Rest, then walk."),
    ('He said "stop".', "He said stop."),
    ("Use <b>rails</b>.", "Use rails."),
    ("Rest and/or walk.", "Rest and or walk."),
    ("2 + 2 = 4", "two plus two equals four"),
    ("Is it safe?", "Is it safe?"),
    ("Yes!", "Yes!"),
    ("No final stop", "No final stop"),
    ("Emoji 💪 here.", "Emoji here."),
]


LABORATORY = [
    (
        "Platelets above 150 x 10^9/L.",
        "Platelets above one hundred and fifty times ten to the power of nine per litre.",
    ),
    ("Red cells 4.5 × 10¹²/L.", "Red cells four point five times ten to the power of twelve per litre."),
    ("White cells 4-11 x 10^9/l.", "White cells four to eleven times ten to the power of nine per litre."),
    ("Dilute it 1:1000 in water.", "Dilute it one to one thousand in water."),
    ("Mix 3:1 with squash.", "Mix three to one with squash."),
    ("Come at 10:30.", "Come at ten thirty."),
    ("Your Hb and HbA1c.", "Your H B and H B A one C."),
]
FRACTIONS = [
    ("Take 1 1/2 tablets.", "Take one and a half tablets."),  # never "one half"
    ("Take 1½ tablets.", "Take one and a half tablets."),
    ("In 2 1/4 hours.", "In two and a quarter hours."),
    ("Take 1/2 tablet.", "Take half a tablet."),
    ("Rest for ½ hour.", "Rest for half an hour."),
    ("Take a half tablet.", "Take a half tablet."),
    ("About 1/3 of people.", "About a third of people."),
    ("Fill 2/3 of the glass.", "Fill two thirds of the glass."),
]


@pytest.mark.parametrize(
    ("before", "after"), ACRONYMS + ABBREVIATIONS + NUMBERS + EMAILS_AND_LINKS + PUNCTUATION + LABORATORY + FRACTIONS
)
def test_to_speech(before: str, after: str) -> None:
    assert to_speech(before, NO_LEXICON) == after


def test_seed_sticks_etc_sentence() -> None:
    sentence = "When walking is affected, physiotherapists can advise on walking aids (sticks, etc.)."
    assert to_speech(sentence, NO_LEXICON) == (
        "When walking is affected, physiotherapists can advise on walking aids, sticks, and so on."
    )


def test_seed_ots_gps_sentence() -> None:
    sentence = (
        "Hospital doctors and GPs can make referrals to OTs, or people can refer themselves, through Social Services."
    )
    spoken = to_speech(sentence, NO_LEXICON)
    assert "G P's" in spoken and "O T's" in spoken
    assert "GPs" not in spoken and "OTs" not in spoken


def test_seed_salts_and_ivig_sentence() -> None:
    sentence = "SALTs can advise on strategies to help swallowing, such as IVIG or permanent tube-feeding."
    assert to_speech(sentence, NO_LEXICON) == (
        "salts can advise on strategies to help swallowing, such as I V I G or permanent tube-feeding."
    )


def test_builtin_lexicon_is_used_by_default() -> None:
    assert to_speech("Inclusion body myositis.", engine="gtts") == "Inclusion body myosightiss."
    assert to_speech("Inclusion body myositis.", NO_LEXICON) == "Inclusion body myositis."


def test_each_engine_gets_the_pronunciation_it_can_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert to_speech("Myositis.", engine="pyttsx3") == "[[maI@s'aItIs]]."
    assert to_speech("Myositis.", engine="piper") == "[[ maɪəsˈaɪtɪs ]]."
    assert to_speech("Myositis.", engine="gtts") == "myosightiss."
    monkeypatch.setattr(sys, "platform", "darwin")
    assert to_speech("Myositis.", engine="pyttsx3") == "myosightiss."


def test_lexicon_runs_after_acronyms_and_numbers() -> None:
    lexicon = Lexicon(entries={"salt": LexEntry("sawlt"), "five": LexEntry("fyve")})
    assert to_speech("SALTs give 5 mg.", lexicon) == "sawlts give fyve milligrams."


@pytest.mark.parametrize("value", [None, 5, b"bytes", ["list"]])
def test_never_raises_on_wrong_types(value: object) -> None:
    assert isinstance(to_speech(value), str)  # type: ignore[arg-type]

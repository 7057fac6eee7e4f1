"""Numbers, ranges, addresses and furniture read in context: a before/after table per rule.

The first rows of each table are the rows of issue 13's "Why" table; the rest are guidance
sentences of the same kinds (UK and US usage) that the rules were not written from.
"""

from __future__ import annotations

import pytest

from audioguide.speech import Lexicon, clean_paragraph, to_speech

NO_LEXICON = Lexicon(entries={})


def say(text: str) -> str:
    return to_speech(text, NO_LEXICON, "gtts")


SERVICE_NUMBERS = [
    ("You can get help from 111 online.", "You can get help from one one one online."),
    ("Call Samaritans free on 116 123.", "Call Samaritans free on one one six, one two three."),
    ("Text SHOUT to 85258.", "Text SHOUT to eight five two five eight."),
    ("Relay UK: 18001", "Relay U K: one eight zero zero one"),
    ("If it's urgent, call 999 or go to A&E.", "If it's urgent, call nine nine nine or go to A-and-E."),
    ("In the US, dial 911 in an emergency.", "In the U S, dial nine one one in an emergency."),
    ("From a mobile anywhere in Europe, 112 works.", "From a mobile anywhere in Europe, one one two works."),
    ("The crisis line in the US is 988.", "The crisis line in the U S is nine eight eight."),
    ("NHS 111 can help.", "N H S one one one can help."),
    ("Text 85258 any time.", "Text eight five two five eight any time."),
    ("Call 116117 for a doctor out of hours.", "Call one one six, one one seven for a doctor out of hours."),
    ("Call the office, extension 4521, weekdays.", "Call the office, extension four five two one, weekdays."),
    (
        "Call the helpline on 0300 123 4567, ext. 2.",
        "Call the helpline on oh three oh oh, one two three, four five six seven, extension two.",
    ),
    ("Childline is free on 0800 1111.", "Childline is free on oh eight oh oh, one one one one."),
    ("Call +44 20 7946 0958.", "Call plus four four, two oh, seven nine four six, oh nine five eight."),
    ("Call 1-800-273-8255 any time.", "Call one, eight oh oh, two seven three, eight two five five any time."),
    ("Call (555) 123-4567.", "Call five five five, one two three, four five six seven."),
    ("Text HOME to 741741.", "Text HOME to seven four one seven four one."),
    ("Write to PO Box 1234, London.", "Write to P O Box one two three four, London."),
    ("For non-urgent police matters, call 101.", "For non-urgent police matters, call one oh one."),
    # quantities stay quantities
    ("Our volunteers raised 25000 last year.", "Our volunteers raised twenty-five thousand last year."),
    ("Over 10000 people have IBM.", "Over ten thousand people have I B M."),
    ("Support groups for 12000 members.", "Support groups for twelve thousand members."),
    ("The study followed 111 patients.", "The study followed one hundred and eleven patients."),
    ("About 101 cases were reported.", "About one hundred and one cases were reported."),
]

DOSES_AND_UNITS = [
    ("Up to 3 times/day.", "Up to three times a day."),
    ("Take 2 x 500mg tablets.", "Take two tablets of five hundred milligrams."),
    ("below 140/90mmHg", "below one hundred and forty over ninety millimetres of mercury"),
    (
        "Take 2 x 500mg tablets four times a day.",
        "Take two tablets of five hundred milligrams four times a day.",
    ),
    ("Take 1 x 250mg capsule.", "Take one capsule of two hundred and fifty milligrams."),
    ("Take 2 x 500mg every 6 hours.", "Take two times five hundred milligrams every six hours."),
    ("Take one 5mg tablet twice daily.", "Take one five milligram tablet twice daily."),
    ("Use 1-2 puffs when needed.", "Use one to two puffs when needed."),
    ("Use it 2x daily.", "Use it two times daily."),
    ("Apply the cream 2 times/day.", "Apply the cream two times a day."),
    ("Dose: 20 mg/kg/day.", "Dose: twenty milligrams per kilogram per day."),
    (
        "Take 1 tablet every 4-6 hours, max 4 doses/24 hours.",
        "Take one tablet every four to six hours, maximum four doses per twenty-four hours.",
    ),
    ("Up to 14 units/week.", "Up to fourteen units a week."),
    ("Take 400 IU of vitamin D.", "Take four hundred international units of vitamin D."),
    (
        "A temperature above 38°C / 100.4°F is a fever.",
        "A temperature above thirty-eight degrees Celsius or one hundred point four degrees Fahrenheit is a fever.",
    ),
    (
        "Your blood pressure should be below 140/90mmHg.",
        "Your blood pressure should be below one hundred and forty over ninety millimetres of mercury.",
    ),
    (
        "A reading of 135/85 is high-normal.",
        "A reading of one hundred and thirty-five over eighty-five is high-normal.",
    ),
    ("Your BP was 150/95 today.", "Your B P was one hundred and fifty over ninety-five today."),
    ("He scored 18/20 on the test.", "He scored eighteen out of twenty on the test."),
    (
        "HbA1c of 48 mmol/mol or over means diabetes.",
        "H B A one C of forty-eight millimoles per mole or over means diabetes.",
    ),
    ("Keep cholesterol under 5 mmol/L.", "Keep cholesterol under five millimoles per litre."),
    (
        "A 175ml glass of wine is about 2 units.",
        "A one hundred and seventy-five millilitre glass of wine is about two units.",
    ),
    ("Drink a 250ml glass of water.", "Drink a two hundred and fifty millilitre glass of water."),
    ("Pour 250ml of water.", "Pour two hundred and fifty millilitres of water."),
    ("Take a 5mg folic acid tablet weekly.", "Take a five milligram folic acid tablet weekly."),
    ("Take 500mg of paracetamol tablets.", "Take five hundred milligrams of paracetamol tablets."),
    ("She weighs 10 st 4 lb.", "She weighs ten stone four pounds."),
    ("He lost 2 st.", "He lost two stone."),
    ("He is 5 ft 10 in tall.", "He is five feet ten inches tall."),
    ("Add 1 tsp of salt and 2 tbsp of oil.", "Add one teaspoon of salt and two tablespoons of oil."),
    ("About 1 in 10 people are affected.", "About one in ten people are affected."),
    ("Increase from 5mg → 10mg.", "Increase from five milligrams to ten milligrams."),
    ("Take 2 tablets at 9am, up to 4 times a day.", "Take two tablets at nine AM, up to four times a day."),
]

MONEY_YEARS_AGES_PAGES = [
    ("the 2025/26 tax year", "the twenty twenty-five to twenty-six tax year"),
    ("Figures for 2024-25 are out.", "Figures for twenty twenty-four to twenty-five are out."),
    ("The 1999/2000 season.", "The nineteen ninety-nine to two thousand season."),
    ("Prescriptions cost £9.90 per item.", "Prescriptions cost nine pounds and ninety pence per item."),
    ("It costs £77.05 a year.", "It costs seventy-seven pounds and five pence a year."),
    ("Make a $100 donation.", "Make a one hundred dollar donation."),
    ("A $5 fee applies.", "A five dollar fee applies."),
    ("It costs $12.50 a month.", "It costs twelve dollars and fifty cents a month."),
    ("It costs 50p.", "It costs fifty pence."),
    ("Over-65s can get a free flu jab.", "Over sixty-fives can get a free flu jab."),
    ("Free for under-16s and people aged 60+.", "Free for under sixteens and people aged sixty and over."),
    ("(p.12)", "page twelve"),
    ("See p.12 and pp. 20-24.", "See page twelve and pages twenty to twenty-four."),
    ("See pages 4-6.", "See pages four to six."),
]

WORDS_AND_RANGES = [
    (
        "10 st 4 lb, Rd, Tue, ext. 51234, max.",
        "ten stone four pounds, Rd, Tuesday, extension five one two three four, maximum.",
    ),
    ("Open 9am–5pm, Monday–Friday.", "Open nine AM to five PM, Monday to Friday."),
    ("Open Mon–Fri 9am–5pm.", "Open Monday to Friday nine AM to five PM."),
    ("Open Monday to Friday, 9:00-17:00.", "Open Monday to Friday, nine AM to five PM."),
    ("Open 8.30am–6pm Mon–Thurs.", "Open eight thirty AM to six PM Monday to Thursday."),
    ("Open Mon - Fri, 8:30am - 6:30pm.", "Open Monday to Friday, eight thirty AM to six thirty PM."),
    ("Lines are open 8am to 8pm, Mon to Thu.", "Lines are open eight AM to eight PM, Monday to Thursday."),
    ("Clinics 9-11am.", "Clinics nine to eleven AM."),
    ("Closed Sat and Sun.", "Closed Saturday and Sunday."),
    ("Open Mon, Wed and Fri.", "Open Monday, Wednesday and Friday."),
    ("Clinics run Tue and Thu mornings.", "Clinics run Tuesday and Thursday mornings."),
    (
        "The course runs from 3 May – 5 June 2025.",
        "The course runs from the third of May to the fifth of June twenty twenty-five.",
    ),
    ("Apply January–March.", "Apply January to March."),
    ("The 12:00-14:00 slot.", "The midday to two PM slot."),
    ("Our office is at 12 High St, London.", "Our office is at twelve High Street, London."),
    ("Write to St Mary's Hospital, Praed St.", "Write to Saint Mary's Hospital, Praed Street."),
    ("Lives on Mill Rd.", "Lives on Mill Road."),
    ("Take max. 8 tablets in 24 hours.", "Take maximum eight tablets in twenty-four hours."),
    ("Use max 4 doses a day.", "Use maximum four doses a day."),
    # things the range rules must leave alone
    ("The Sun is bright.", "The Sun is bright."),
    ("We met Sat in the garden.", "We met Sat in the garden."),
]

ADDRESSES = [
    (
        "Apply at www.gov.uk/apply-blue-badge.",
        "Apply at gov dot U K slash apply blue badge.",
    ),
    (
        "Visit www.nhs.uk/conditions/inclusion-body-myositis.",
        "Visit N H S dot U K slash conditions slash inclusion body myositis.",
    ),
    ("Email info@myositis.org.uk for a pack.", "Email info at myositis dot org dot U K for a pack."),
    (
        "Email us at patient-support@nhs-trust.nhs.uk.",
        "Email us at patient dash support at nhs dash trust dot N H S dot U K.",
    ),
    (
        "Read https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123456/ for the study.",
        "Read the ncbi dot N L M dot nih dot gov website for the study.",
    ),
    (
        "The study is on the https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123456/ site.",
        "The study is on the ncbi dot N L M dot nih dot gov site.",
    ),
    ("Go to gov.uk/pip to apply.", "Go to gov dot U K slash pip to apply."),
    ("Visit myositis.org.uk.", "Visit myositis dot org dot U K."),
    ("See nhs.uk for more.", "See N H S dot U K for more."),
    ("Call NHS 111 or visit 111.nhs.uk.", "Call N H S one one one or visit one one one dot N H S dot U K."),
    ("See https://www.cdc.gov/arthritis/ (US).", "See C D C dot gov slash arthritis, U S."),
    ("Find help at https://example.org/help?ref=home.", "Find help at the example dot org website."),
]

CITATIONS_AND_STEPS = [
    ("It works.[2][3] Really.", "It works. Really."),
    ("Steroids may help [1, 2].", "Steroids may help."),
    ("Exercise helps[4-6], but rest too.", "Exercise helps, but rest too."),
    ("Sit → stand → walk.", "Sit, then stand, then walk."),
    ("Warm up -> stretch -> rest.", "Warm up, then stretch, then rest."),
    (
        "Go to Settings > Accessibility > Spoken content.",
        "Go to Settings, then Accessibility, then Spoken content.",
    ),
    ("If your age is > 65, ask.", "If your age is more than sixty-five, ask."),
]


@pytest.mark.parametrize(
    ("before", "after"),
    SERVICE_NUMBERS + DOSES_AND_UNITS + MONEY_YEARS_AGES_PAGES + WORDS_AND_RANGES + ADDRESSES + CITATIONS_AND_STEPS,
)
def test_read_in_context(before: str, after: str) -> None:
    assert say(before) == after


PARAGRAPHS = [
    # the address survives the paragraph clean-up, shown as written, and is then spoken
    (
        "Apply at www.gov.uk/apply-blue-badge or click here for our guide.",
        "Apply at www.gov.uk/apply-blue-badge or see our guide.",
        "Apply at gov dot U K slash apply blue badge or see our guide.",
    ),
    (
        "Read our guide: [click here](https://www.myositis.org.uk/guide).",
        "Read our guide: visit www.myositis.org.uk/guide.",
        "Read our guide: visit myositis dot org dot U K slash guide.",
    ),
    (
        "Find out more [here](https://www.nhs.uk/ibm).",
        "Find out more at www.nhs.uk/ibm.",
        "Find out more at N H S dot U K slash ibm.",
    ),
    (
        "Read the [NHS page on IBM](https://www.nhs.uk/ibm).",
        "Read the NHS page on IBM.",
        "Read the N H S page on I B M.",
    ),
    ("It works.[2][3] Really.", "It works. Really.", "It works. Really."),
]


@pytest.mark.parametrize(("raw", "display", "spoken"), PARAGRAPHS)
def test_paragraph_display_and_speech(raw: str, display: str, spoken: str) -> None:
    assert clean_paragraph(raw) == display
    assert say(display) == spoken

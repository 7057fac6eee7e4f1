"""Paragraph cleanup: links, markup, footnotes and dangling link text."""

from __future__ import annotations

import pytest

from audioguide.speech import clean_paragraph, dedupe_paragraphs

SEED_RESEARCH = (
    "Research into IBM is ongoing in the UK and internationally, and you may wish to get involved in "
    "the testing of new potential treatments and therapies in clinical trials. If you are interested, "
    "mention this to your physician. You can also find out more about ongoing research and clinical "
    "trials on the Muscular Dystrophy UK website at or contact our research team at"
)

CASES = [
    # web addresses are kept as written (the speech script reads them out); file paths go
    ("Visit https://www.nhs.uk/conditions/ibm/ for more.", "Visit https://www.nhs.uk/conditions/ibm/ for more."),
    (
        "For more information, visit www.musculardystrophyuk.org.",
        "For more information, visit www.musculardystrophyuk.org.",
    ),
    (
        "See the guide (https://example.org/guide) for details.",
        "See the guide (https://example.org/guide) for details.",
    ),
    (
        "Details are at nhs.uk/conditions/inclusion-body-myositis today.",
        "Details are at nhs.uk/conditions/inclusion-body-myositis today.",
    ),
    ("Print the form from C:\\Users\\me\\form.docx first.", "Print the form from first."),
    ("The file /var/www/leaflet.pdf has the details.", "The file has the details."),
    ("Open alert-card.pdf on your phone.", "Open on your phone."),
    ("Download the leaflet (PDF, 250KB) to read later.", "Download the leaflet to read later."),
    # footnotes and asides
    ("Steroids may help some people [1].", "Steroids may help some people."),
    ("Trials were too small [12] and too short [3, 4].", "Trials were too small and too short."),
    ("Other studies [citation needed] disagree.", "Other studies disagree."),
    (
        "This may include IVIG (see above) or tube-feeding.",
        "This may include IVIG or tube-feeding.",
    ),
    ("Exercise helps (see below).", "Exercise helps."),
    ("Read the box (see page 4) first.", "Read the box first."),
    # click here
    ("For details, click here.", "For details."),
    ("Click here to download the leaflet.", "Download the leaflet."),
    ("More information (click here) is available.", "More information is available."),
    # markup
    ("<p>Keep <strong>active</strong> every day.</p>", "Keep active every day."),
    ("Use a <a href='x.html'>walking stick</a> outdoors.", "Use a walking stick outdoors."),
    (
        "**Important:** take your [medicine](http://x.org) daily",
        "Important: take your medicine daily.",
    ),
    ("![a photo](pic.png) Rest when tired.", "Rest when tired."),
    ("## Keeping well", "Keeping well."),
    ("- Stay warm in winter.", "Stay warm in winter."),
    ("Use `aids` and _rails_ at home.", "Use aids and rails at home."),
    ("Fish &amp; chips &nbsp;are fine.", "Fish & chips are fine."),
    ("Swallowing&#39;s harder <!-- note --> later.", "Swallowing's harder later."),
    # whitespace
    ("Too   many\tspaces\n here.", "Too many spaces here."),
    ("Soft\u00adhyphen and zero\u200bwidth.", "Softhyphen and zerowidth."),
    # dangling link text
    (
        "You can also find out more about ongoing research and clinical trials on the Muscular "
        "Dystrophy UK website at or contact our research team at",
        "You can also find out more about ongoing research and clinical trials on the Muscular "
        "Dystrophy UK website, or contact their research team.",
    ),
    ("Call the helpline on or email us at", "Call the helpline, or email us."),
    ("Details are on our website at.", "Details are on our website."),
    ("Download the leaflet here: ", "Download the leaflet."),
    ("Find us on Facebook at, or on Twitter at.", "Find us on Facebook, or on Twitter."),
    ("You can apply online via", "You can apply online."),
    ("For more information, please visit", "For more information."),
    ("Email the team at or call them on", "Email the team, or call them."),
    # sentences that must not be changed
    ("Keep your levels at or below 5 mg.", "Keep your levels at or below 5 mg."),
    ("Appointments are on or after 12 March.", "Appointments are on or after 12 March."),
    (
        "Physiotherapists can advise on walking aids (sticks, etc.).",
        "Physiotherapists can advise on walking aids (sticks, etc.).",
    ),
    ("Carry on.", "Carry on."),
    ("Turn the light on.", "Turn the light on."),
    ("Rest, stretch, and so on.", "Rest, stretch, and so on."),
    ("What are you looking at?", "What are you looking at?"),
    ("You will need:", "You will need:"),
    # final full stop
    ("Rest when tired", "Rest when tired."),
    ("Rest when tired,", "Rest when tired."),
    ("Is it safe?", "Is it safe?"),
    # nothing speakable
    ("", ""),
    ("   ", ""),
    ("[1]", ""),
    ("https://example.org/page", "https://example.org/page."),
    ("<br/>", ""),
    ("(see above)", ""),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_clean_paragraph(before: str, after: str) -> None:
    assert clean_paragraph(before) == after


def test_seed_research_paragraph_reads_naturally() -> None:
    cleaned = clean_paragraph(SEED_RESEARCH)
    assert cleaned.startswith("Research into IBM is ongoing")
    assert cleaned.endswith("on the Muscular Dystrophy UK website, or contact their research team.")
    assert " at or " not in cleaned
    assert not cleaned.endswith(" at.")


def test_seed_see_above_is_removed() -> None:
    text = (
        "SALTs can advise on strategies to help swallowing, which may include other techniques, "
        "such as IVIG (see above) or permanent tube-feeding to ensure adequate nutrition."
    )
    assert clean_paragraph(text) == text.replace(" (see above)", "")


def test_seed_etc_in_brackets_is_kept_for_display() -> None:
    text = "When walking is affected, physiotherapists can advise on walking aids (sticks, etc.)."
    assert clean_paragraph(text) == text


def test_curly_quotes_and_apostrophes_are_kept() -> None:
    text = "Thus, decisions on treatment are left to the expert’s discretion."
    assert clean_paragraph(text) == text


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["One.", "Two.", "One."], ["One.", "Two."]),
        (["One.", "one.", "ONE. "], ["One."]),
        (["Rest  when\ttired.", "Rest when tired."], ["Rest  when\ttired."]),
        (["A.", "", "  ", "B."], ["A.", "B."]),
        (["Rest.", "Rest!"], ["Rest.", "Rest!"]),
        ([], []),
    ],
)
def test_dedupe_paragraphs(paragraphs: list[str], expected: list[str]) -> None:
    assert dedupe_paragraphs(paragraphs) == expected


def test_dedupe_keeps_order_and_does_not_mutate_input() -> None:
    source = ["B.", "A.", "B.", "C.", "A."]
    assert dedupe_paragraphs(source) == ["B.", "A.", "C."]
    assert source == ["B.", "A.", "B.", "C.", "A."]

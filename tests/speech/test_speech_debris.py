"""Page furniture is recognised; real headings and prose are kept."""

from __future__ import annotations

import pytest

from audioguide.speech import is_debris_line

DEBRIS = [
    "a lightbulb icon",
    "an information icon",
    "phone icon",
    "A warning icon",
    "Listen to this page",
    "Listen",
    "Skip to main content",
    "Share this page",
    "Share on Facebook",
    "Print",
    "Print this page",
    "Back to top",
    "Back to top ↑",
    "Cookie settings",
    "Accept all cookies",
    "Was this page helpful? Yes No",
    "Was this page helpful?",
    "Is this page useful?",
    "Yes No",
    "Home > Conditions > IBM",
    "Home › Health A to Z › Inclusion body myositis",
    "Home / Health A to Z / Inclusion body myositis",
    "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
    "A | B | C | D | E | F",
    "A-Z",
    "Page last reviewed: 12 March 2024",
    "Next review due: 12 March 2027",
    "Last updated 4 June 2023",
    "Published: 1 May 2022",
    "© 2024 Muscular Dystrophy UK",
    "Copyright Muscular Dystrophy UK 2024",
    "Download your alert card",
    "Download the leaflet",
    "Download",
    "Donate now",
    "Sign up",
    "Sign up to our newsletter",
    "Read more",
    "Read more >",
    "Find out more",
    "Learn more about IBM",
    "Click here",
    "Subscribe",
    "Register now",
    "Watch the video",
    "Read more on the NHS website",
    "Read more on the NHS website.",
    "Find out more on the Muscular Dystrophy UK website",
    "Opens in a new window",
    "On this page",
    "",
    "   ",
    "---",
    "•",
]

KEPT = [
    "Treatment",
    "Clinical trials",
    "What other support is available for people with IBM?",
    "What can I do to maintain health and wellbeing?",
    "Physiotherapy",
    "Occupational therapy",
    "Speech therapy",
    "Keeping well",
    "Downloading and using the app",
    "Inclusion body myositis (IBM)",
    "Treatment Inclusion body myositis (IBM)",
    "Published research",
    "Register with a GP",
    "Listen to your body",
    "Contact us",
    "Getting around",
    "Share your care plan with your family so they know what to do.",
    "Print out your alert card and keep it in your wallet.",
    "Read the label on your medicine carefully.",
    "Finding out more about your condition",
    "Iconography of the muscles",
    "Home adaptations",
    "Home care and support",
    "Diet and nutrition / swallowing",
    "Downloads and resources for health professionals and carers",
    "Alert cards are conveniently shaped to fit inside a wallet.",
    "Sign language interpreters can be booked by your GP surgery.",
    "Yesterday was a good day",
    "ABC of muscle disease",
    # arrow sequences are steps unless they stand at the top of the page (the script decides that)
    "Sit → stand → walk",
    "Conditions > Muscle conditions > IBM",
    "Warm up > stretch > rest",
]


@pytest.mark.parametrize("line", DEBRIS)
def test_debris_is_recognised(line: str) -> None:
    assert is_debris_line(line)


@pytest.mark.parametrize("line", KEPT)
def test_real_headings_and_prose_are_kept(line: str) -> None:
    assert not is_debris_line(line)


def test_case_and_spacing_do_not_matter() -> None:
    assert is_debris_line("  SKIP TO   MAIN CONTENT ")
    assert is_debris_line("back to TOP")


def test_call_to_action_with_closing_sentence_punctuation_is_prose() -> None:
    assert not is_debris_line("Download your alert card and show it to staff in A&E.")
    assert not is_debris_line("Donate now?")

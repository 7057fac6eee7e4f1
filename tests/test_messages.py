"""Message catalogues: complete, consistent, in their own language, with English as the fallback."""

from __future__ import annotations

import re
from typing import Any

import pytest

from audioguide.i18n import catalogue as catalogues
from audioguide.i18n.catalogue import PLACEHOLDER, PLURAL_FORMS, Messages, load_catalogue, messages, placeholders
from audioguide.i18n.plural import FORMS_USED, plural_category
from audioguide.i18n.tags import direction, language_name

SHIPPED = ["en", "ar", "cy", "de", "es", "fr", "pl"]
OTHERS = [tag for tag in SHIPPED if tag != "en"]
ENGLISH = load_catalogue("en")
ENGLISH_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|"
    r"Chapter|chapter|chapters|milligrams?|pounds?|percent|End|then)\b"
)
"""English words the narrator said before catalogues (case-sensitive: Polish "Ten" means "this")."""


def test_the_shipped_languages_are_the_seven() -> None:
    assert catalogues.shipped_languages() == SHIPPED


@pytest.mark.parametrize("language", OTHERS)
def test_every_catalogue_has_every_key(language: str) -> None:
    own = load_catalogue(language)
    fixed = {k for k in ENGLISH if k not in catalogues.TABLES}
    assert sorted(fixed - set(own)) == []
    assert sorted(set(own) - set(ENGLISH) - catalogues.TABLES) == []


@pytest.mark.parametrize("language", OTHERS)
def test_every_message_has_the_same_placeholders(language: str) -> None:
    own = load_catalogue(language)
    for key, english in ENGLISH.items():
        if isinstance(english, (str, dict)) and key not in catalogues.TABLES:
            assert placeholders(own[key]) == placeholders(english), key


@pytest.mark.parametrize("language", SHIPPED)
def test_braces_are_only_placeholders(language: str) -> None:
    for key, value in load_catalogue(language).items():
        forms = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        for form in forms:
            left = PLACEHOLDER.sub("", str(form))
            assert "{" not in left and "}" not in left, (key, form)


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_tables_use_the_languages_own_categories(language: str) -> None:
    for key, value in load_catalogue(language).items():
        if isinstance(value, dict) and key not in catalogues.TABLES:
            assert "other" in value, key
            assert set(value) <= set(FORMS_USED[language]), (key, sorted(value))


def test_polish_plurals_give_one_few_and_many() -> None:
    for key, value in load_catalogue("pl").items():
        if isinstance(value, dict) and key not in catalogues.TABLES:
            assert {"one", "few", "many"} <= set(value), key


@pytest.mark.parametrize("language", SHIPPED)
def test_the_language_table_names_itself(language: str) -> None:
    own = load_catalogue(language)
    assert own["language.tag"] == language
    assert own["language.name"] == language_name(language)
    assert own["language.native_name"] == language_name(language, native=True)
    assert len(own["numbers.months"]) == 12


@pytest.mark.parametrize("language", OTHERS)
def test_spoken_phrases_are_not_english(language: str) -> None:
    m = messages(language)
    spoken = [
        m.say("script.contents_count", count=5),
        m.say("script.contents_item", n=3, title="X"),
        m.say("script.contents_end"),
        m.say("script.chapter_announce", n=2, total=7),
        m.say("script.end_next", n=2, title="X"),
        m.say("script.end_last", n=7),
        m.say("script.step", n=4, text="X"),
        m.say("script.page_reference", n=12),
        m.say("script.steps_then"),
        m.say("page.announce_end"),
    ]
    for phrase in spoken:
        assert not ENGLISH_NUMBER_WORDS.search(phrase), phrase
        assert not re.search(r"\d", phrase), phrase


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Chapter two of five."),
        ("es", "Capítulo dos de cinco."),
        ("fr", "Chapitre deux sur cinq."),
        ("de", "Kapitel zwei von fünf."),
        ("pl", "Rozdział dwa. Wszystkich rozdziałów: pięć."),
        ("cy", "Pennod dau. Nifer y penodau: pump."),
        ("ar", "الفصل اثنان من خمسة."),
    ],
)
def test_chapter_announcement_spoken(language: str, expected: str) -> None:
    assert messages(language).say("script.chapter_announce", n=2, total=5) == expected


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("es", 21, "Esta guía tiene veintiún capítulos."),
        ("es", 1, "Esta guía tiene un capítulo."),
        ("fr", 21, "Ce guide compte vingt et un chapitres."),
        ("fr", 1, "Ce guide compte un chapitre."),
        ("de", 3, "Dieser Ratgeber hat drei Kapitel."),
        ("pl", 3, "Ten poradnik ma trzy rozdziały."),
        ("pl", 5, "Ten poradnik ma pięć rozdziałów."),
        ("pl", 22, "Ten poradnik ma dwadzieścia dwa rozdziały."),
        ("pl", 12, "Ten poradnik ma dwanaście rozdziałów."),
        ("cy", 1, "Mae un bennod yn y canllaw hwn."),
        ("cy", 4, "Mae pedwar o benodau yn y canllaw hwn."),
        ("ar", 2, "يضم هذا الدليل فصلين."),
        ("ar", 5, "يضم هذا الدليل خمسة فصول."),
        ("ar", 11, "يضم هذا الدليل أحد عشر فصلًا."),
    ],
)
def test_counts_agree_with_their_noun(language: str, count: int, expected: str) -> None:
    assert messages(language).say("script.contents_count", count=count) == expected


def test_text_keeps_digits_for_the_page() -> None:
    assert messages("pl").text("page.minutes", count=12) == "12 minut"
    assert messages("pl").text("page.minutes", count=3) == "3 minuty"
    assert messages("es").text("page.chapter_name", n=2, total=5, title="Dieta") == "Capítulo 2 de 5: Dieta"
    assert messages("ar").text("page.volume", percent=80) == "مستوى الصوت: 80٪"


def test_a_language_without_a_catalogue_speaks_english() -> None:
    m = messages("tlh")
    assert m.is_fallback and m.base == "en"
    assert m.say("script.chapter_announce", n=1, total=2) == "Chapter one of two."
    assert messages("es-MX").say("script.steps_then") == "después"  # the base language's catalogue


def test_a_missing_key_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    real = catalogues.load_catalogue

    def partial(language: str) -> dict[str, Any]:
        if language.startswith("zz"):
            return {"language.tag": "zz", "script.steps_then": "zzthen"}
        return real(language)

    monkeypatch.setattr(catalogues, "load_catalogue", partial)
    m = Messages("zz")
    assert not m.is_fallback
    assert m.say("script.steps_then") == "zzthen"
    assert m.language_of("script.end_last") == "en"
    assert m.say("script.end_last", n=3) == "End of chapter three. This is the end of the guide."
    with pytest.raises(KeyError):
        m.raw("no.such.key")


def test_hostile_language_values_never_reach_the_file_system() -> None:
    assert load_catalogue("../../etc/passwd") == {}
    assert messages("../en").is_fallback


def test_arabic_is_right_to_left_and_the_rest_are_not() -> None:
    assert [tag for tag in SHIPPED if direction(tag) == "rtl"] == ["ar"]


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_category_covers_every_form_the_language_uses(language: str) -> None:
    seen = {plural_category(language, n) for n in range(0, 200)} | {plural_category(language, "1.5")}
    assert seen <= set(PLURAL_FORMS)
    assert seen == set(FORMS_USED[language])


@pytest.mark.parametrize(
    ("language", "value", "category"),
    [
        ("pl", 1, "one"),
        ("pl", 4, "few"),
        ("pl", 5, "many"),
        ("pl", 14, "many"),
        ("pl", 24, "few"),
        ("pl", 112, "many"),
        ("pl", "1.5", "other"),
        ("fr", 0, "one"),
        ("fr", "1.5", "one"),
        ("fr", 2, "other"),
        ("en", 0, "other"),
        ("en", "1.0", "other"),
        ("cy", 3, "few"),
        ("cy", 6, "many"),
        ("cy", 7, "other"),
        ("ar", 103, "few"),
        ("ar", 111, "many"),
        ("ar", 100, "other"),
    ],
)
def test_plural_rules(language: str, value: object, category: str) -> None:
    assert plural_category(language, value) == category


def test_the_page_strings_as_one_mapping() -> None:
    english = messages("en").section("page")
    for language in SHIPPED:
        page = messages(language).section("page")
        assert set(page) == set(english)
    assert messages("es").section("page")["play"] == "Reproducir"
    assert messages("tlh").section("page")["play"] == "Play"
    assert messages("cy").section("voice_commands")["next"] == ["nesaf"]


def test_html_attributes() -> None:
    from audioguide.i18n.tags import html_attributes

    assert html_attributes("ar") == 'lang="ar" dir="rtl"'
    assert html_attributes("UR-pk") == 'lang="ur-PK" dir="rtl"'
    assert html_attributes("cy") == 'lang="cy"'
    assert html_attributes('en" onload="x') == 'lang="und"'

"""Language tags, detection and the order in which a guide's language is decided."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audioguide.errors import InputError
from audioguide.i18n import detect
from audioguide.i18n.detect import detect_language, detectable_languages, resolve_language
from audioguide.i18n.tags import base_language, direction, language_name, normalise_tag, parse_tag, region_of, script_of


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-gb", "en-GB"),
        ("en_GB", "en-GB"),
        (" cy ", "cy"),
        ("zh-hans", "zh-Hans"),
        ("ZH-HANT-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("sr-Latn-RS", "sr-Latn-RS"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-GB-oxendict", "en-GB-oxendict"),
        ("en-US-u-ca-gregory", "en-US-u-ca-gregory"),
        ("en-x-private", "en-x-private"),
        ("cym", "cy"),
        ("wel", "cy"),
        ("iw", "he"),
        ("ara-EG", "ar-EG"),
        ("yue-HK", "yue-HK"),
    ],
)
def test_tags_are_normalised(written: str, normal: str) -> None:
    assert normalise_tag(written) == normal
    assert parse_tag(written) == normal


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "   ",
        'en" onload="x',
        "en<script>",
        "en;rm -rf",
        "en-",
        "-en",
        "en--GB",
        "e",
        "english language",
        "en-GB-oxendict-oxendict",
        "en-a-bbb-a-ccc",
        "123",
        "en-GB\n",
        "ar\u200f",
        "ελ",
        "a" * 200,
        "en-x",
        "x-private",
        "en-GB-",
        "en.GB",
        "en/GB",
    ],
)
def test_hostile_or_malformed_tags_are_refused(hostile: str) -> None:
    if hostile == "en-GB\n":
        # A trailing newline is whitespace around a good tag, as a settings file may leave it.
        assert normalise_tag(hostile) == "en-GB"
        return
    assert normalise_tag(hostile) is None
    with pytest.raises(InputError) as caught:
        parse_tag(hostile, "the --language option")
    message = str(caught.value)
    assert message.startswith("The --language option")
    assert "\n" not in message


def test_non_strings_are_refused_without_a_traceback() -> None:
    assert normalise_tag(None) is None  # type: ignore[arg-type]
    with pytest.raises(InputError):
        parse_tag(42)  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_normalising_never_raises_and_is_idempotent(text: str) -> None:
    tag = normalise_tag(text)
    if tag is not None:
        assert normalise_tag(tag) == tag
        assert tag.isascii() and " " not in tag and '"' not in tag and "<" not in tag


@pytest.mark.parametrize(
    ("tag", "base", "script", "region"),
    [
        ("en-GB", "en", None, "GB"),
        ("zh-Hans-CN", "zh", "Hans", "CN"),
        ("es-419", "es", None, "419"),
        ("cy", "cy", None, None),
        ("en-x-gb", "en", None, None),
        ("not a tag", "und", None, None),
    ],
)
def test_parts_of_a_tag(tag: str, base: str, script: str | None, region: str | None) -> None:
    assert base_language(tag) == base
    assert script_of(tag) == script
    assert region_of(tag) == region


@pytest.mark.parametrize(
    "tag", ["ar", "ar-EG", "ur", "he", "fa", "ps", "yi", "dv", "ckb", "sd", "ug", "az-Arab", "pa-Arab"]
)
def test_right_to_left(tag: str) -> None:
    assert direction(tag) == "rtl"


@pytest.mark.parametrize(
    "tag", ["en", "cy", "es", "pl", "zh-Hans", "ur-Latn", "ku", "tr", "he-Latn", "xx", "bogus tag"]
)
def test_left_to_right(tag: str) -> None:
    assert direction(tag) == "ltr"


def test_human_names() -> None:
    assert language_name("cy") == "Welsh"
    assert language_name("cy", native=True) == "Cymraeg"
    assert language_name("en-GB") == "English (United Kingdom)"
    assert language_name("zh-Hant-TW") == "Chinese (Traditional, Taiwan)"
    assert language_name("es-419") == "Spanish (Latin America)"
    assert language_name("ar", native=True) == "العربية"
    assert language_name("tlh") == "tlh"  # unknown: the tag itself


# --- detection ------------------------------------------------------------------------------------

# Short health-guide passages written for these tests.
PASSAGES = {
    "en": "Sit down to get dressed, and keep the things you use most within easy reach. Ask your physiotherapist "
    "which stretches help your grip without tiring your hands.",
    "es": "Siéntese para vestirse y tenga a mano las cosas que más usa. Pregunte a su fisioterapeuta qué "
    "estiramientos le ayudan a agarrar sin cansar las manos.",
    "fr": "Asseyez-vous pour vous habiller et gardez à portée de main ce dont vous vous servez le plus. Demandez "
    "à votre kinésithérapeute quels étirements aident votre prise sans fatiguer vos mains.",
    "de": "Setzen Sie sich zum Anziehen hin und legen Sie die Dinge, die Sie am meisten brauchen, griffbereit. "
    "Fragen Sie Ihre Physiotherapeutin, welche Dehnungen Ihrem Griff helfen, ohne die Hände zu ermüden.",
    "pl": "Ubieraj się na siedząco i trzymaj najczęściej używane rzeczy w zasięgu ręki. Zapytaj fizjoterapeutę, "
    "które ćwiczenia rozciągające pomogą ci chwytać, nie męcząc dłoni.",
    "cy": "Eisteddwch i wisgo, a chadwch y pethau rydych chi'n eu defnyddio fwyaf o fewn cyrraedd. Gofynnwch "
    "i'ch ffisiotherapydd pa ymarferion ymestyn sy'n helpu'ch gafael heb flino'ch dwylo.",
    "ar": "اجلس عند ارتداء ملابسك، واحتفظ بالأشياء التي تستخدمها كثيرًا في متناول يدك. اسأل أخصائي العلاج "
    "الطبيعي عن تمارين الإطالة التي تساعد قبضتك دون إرهاق يديك.",
}


@pytest.mark.parametrize("language", sorted(PASSAGES))
def test_each_shipped_language_is_detected_with_confidence(language: str) -> None:
    tag, confidence = detect_language(PASSAGES[language])
    assert tag == language
    assert confidence >= 0.9


@pytest.mark.parametrize("language", sorted(PASSAGES))
def test_detection_survives_numbers_links_and_english_drug_names(language: str) -> None:
    text = PASSAGES[language] + " 20 mg prednisolone, methotrexate, IBM. https://www.example.org/help 0300 123 4567"
    assert detect_language(text)[0] == language


def test_detection_of_neighbouring_languages_is_not_forced_into_ours() -> None:
    assert detect_language("Beba água com frequência e descanse entre as tarefas do dia.")[0] == "pt"
    assert detect_language("Drink vaak water en rust tussen de taken door.")[0] == "nl"
    assert detect_language("اکثر پانی پئیں اور کاموں کے درمیان آرام کریں۔")[0] == "ur"


def test_no_letters_is_undetermined() -> None:
    assert detect_language("") == ("und", 0.0)
    assert detect_language("12 34 — 56%") == ("und", 0.0)
    assert detect_language(None) == ("und", 0.0)  # type: ignore[arg-type]


def test_detection_is_deterministic_and_quick() -> None:
    import time

    detect_language("warm up")
    start = time.perf_counter()
    first = [detect_language(text) for text in PASSAGES.values()]
    elapsed = time.perf_counter() - start
    assert first == [detect_language(text) for text in PASSAGES.values()]
    assert elapsed < 1.0  # seven passages; measured at well under 10 ms here


def test_detector_leaves_out_classical_and_constructed_languages() -> None:
    known = detectable_languages()
    assert {"en", "es", "fr", "de", "pl", "cy", "ar", "ur", "zh"} <= set(known)
    assert not set(known) & detect.NEVER_DETECTED
    assert "ary" not in known and "arz" not in known  # folded into ar


# --- the order of sources ---------------------------------------------------------------------------


def test_explicit_option_wins_over_everything() -> None:
    choice = resolve_language(option="cy", settings="es", front_matter="fr", html_lang="de", text=PASSAGES["pl"])
    assert (choice.tag, choice.source) == ("cy", "option")
    assert choice.describe() == "cy (Welsh), from --language"


def test_each_source_in_turn() -> None:
    assert resolve_language(settings="es-MX", front_matter="fr", html_lang="de").source == "settings"
    assert resolve_language(settings="es-MX").tag == "es-MX"
    assert resolve_language(front_matter="FR-be", html_lang="de").tag == "fr-BE"
    assert resolve_language(front_matter="fr", html_lang="de").source == "front matter"
    assert resolve_language(html_lang="de-AT", text="Bitte langsam essen.").source == "html"
    assert resolve_language(properties="pl", text=PASSAGES["pl"]).source == "properties"
    detected = resolve_language(text=PASSAGES["pl"])
    assert (detected.tag, detected.source) == ("pl", "detected")
    assert detected.confidence is not None and detected.confidence > 0.9
    assert "detected from the text" in detected.describe()
    assert resolve_language() == detect.LanguageChoice("en", "default")


@pytest.mark.parametrize(("declared", "written"), [("en-US", "fr"), ("en", "cy"), ("de-AT", "pl"), ("en-GB", "ar")])
@pytest.mark.parametrize("where", ["html_lang", "properties"])
def test_a_documents_own_tag_gives_way_to_text_clearly_in_another_language(
    declared: str, written: str, where: str
) -> None:
    """A Word file written in French on an "en-US" template, a translated page still saying lang="en"."""
    text = " ".join([PASSAGES[written]] * 2)
    choice = resolve_language(**{where: declared}, text=text)  # type: ignore[arg-type]
    assert (choice.tag, choice.source) == (written, "detected")
    assert len(choice.notes) == 1 and declared in choice.notes[0] and f"--language {declared}" in choice.notes[0]
    # What the user says still wins.
    assert resolve_language(option=declared, **{where: declared}, text=text).tag == declared  # type: ignore[arg-type]


def test_a_documents_own_tag_stands_on_short_text_and_close_languages() -> None:
    assert resolve_language(html_lang="en", text="Prenez vos comprimés.").tag == "en"  # too little to be sure
    catalan = (
        "Preneu les pastilles cada matí amb un got d'aigua, i parleu amb el vostre metge abans de canviar la "
        "dosi. Si us costa empassar, demaneu ajuda a l'equip de logopèdia de l'hospital."
    )
    assert detect.detect_language(catalan)[0] == "ca"
    assert resolve_language(html_lang="es", text=catalan).tag == "es"  # neighbours the detector can confuse


def test_blank_values_are_skipped() -> None:
    assert resolve_language(option="", settings="  ", front_matter=None, html_lang="cy").source == "html"


@pytest.mark.parametrize(
    ("where", "source"), [("option", "--language"), ("settings", "audioguide.toml"), ("front_matter", "front matter")]
)
def test_a_bad_tag_from_the_user_is_an_error_naming_where(where: str, source: str) -> None:
    with pytest.raises(InputError, match=source.replace(".", r"\.")):
        resolve_language(**{where: 'en" onload="x'})  # type: ignore[arg-type]


def test_a_bad_html_lang_is_skipped_with_a_note() -> None:
    choice = resolve_language(html_lang="english", text=PASSAGES["es"])
    assert (choice.tag, choice.source) == ("es", "detected")
    assert any("english" in note for note in choice.notes)
    assert resolve_language(html_lang="und", text=PASSAGES["de"]).tag == "de"


def test_an_unsure_detection_falls_back_to_english_and_says_so() -> None:
    choice = resolve_language(text="Drink water often.")
    assert (choice.tag, choice.source) == ("en", "default")
    assert choice.confidence is not None and choice.confidence < detect.MIN_CONFIDENCE
    assert choice.notes and "--language" in choice.notes[0]


def test_detection_can_be_switched_off() -> None:
    assert resolve_language(text=PASSAGES["cy"], detect=False).source == "default"


# --- one check of a tag, for the settings too ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("en-GB", "en-GB"),
        ("EN-gb", "en-GB"),
        ("cy_GB", "cy-GB"),
        ("cym", "cy"),
        ("es-419", "es-419"),
        ("sr-Latn-RS", "sr-Latn-RS"),
        ("de-CH-1996", "de-CH-1996"),
        ("en-GB-x-nhs", "en-GB-x-nhs"),
        ("pl", "pl"),
    ],
)
def test_the_settings_take_the_language_parser_s_tag(written: str, kept: str) -> None:
    from audioguide.config import check_setting

    assert check_setting("language", written, "language in audioguide.toml") == kept


@pytest.mark.parametrize(
    "bad", ["english", "e", "en--GB", "en-GB-GB-GB", "en GB", "ελ", "en-a", "de-1996-1996", "x" * 90]
)
def test_the_settings_refuse_what_the_language_parser_refuses(bad: str) -> None:
    from audioguide.config import check_setting
    from audioguide.errors import InputError

    assert normalise_tag(bad) is None
    with pytest.raises(InputError, match="not a language tag"):
        check_setting("language", bad, "language in audioguide.toml")


def test_tag_parsing_lives_in_the_foundation_layer() -> None:
    import audioguide.config as config
    from audioguide import langtag

    assert not hasattr(config, "is_language_tag")  # one check, not two
    assert langtag.normalise_tag is normalise_tag


def test_a_build_lets_go_of_the_detector_once_its_language_is_settled(tmp_path: Path) -> None:
    """The detector's model is some 100 MB: a build detects the language, then frees it before speaking."""
    from audioguide.build import BuildOptions, build

    guide = tmp_path / "guide.txt"
    guide.write_text(PASSAGES["en"] + "\n", encoding="utf-8")
    detect_language("warm up")
    assert detect._identifier.cache_info().currsize == 1
    result = build(BuildOptions(source=guide, out=tmp_path / "out", engine="fake"))
    assert result.chapters
    assert detect._identifier.cache_info().currsize == 0
    assert detect_language(PASSAGES["es"])[0] == "es"  # and loads it again when asked

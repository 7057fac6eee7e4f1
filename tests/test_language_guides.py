"""Issue 16 wired: a guide in each shipped language is scripted, voiced and marked in its language.

The guides (tests/language_guides.py) are ours, each with a dose, a date, a time, a phone number and
counts. The checks: the spoken script holds no English orientation words and no English number words
(and no digits left for the voice to read in English); engine "auto" picks a voice of the language
(espeak-ng's own list of the voice's languages is the oracle, and gTTS's list for Google); the page,
transcripts, EPUB and DAISY carry ``lang`` and, for Arabic, ``dir="rtl"``; in Chromium the Arabic
page's layout runs right to left; with piper installed a build with no --engine uses Piper for
English and espeak-ng for Welsh.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from language_guides import GUIDES, html_page, markdown
from typer.testing import CliRunner

from audioguide.build import BuildOptions, build
from audioguide.cli import app
from audioguide.engines import choose_auto, get_engine, resolve_engine
from audioguide.errors import EngineError
from audioguide.i18n import Installed, direction
from audioguide.i18n.voices import installed_here

OTHERS = [lang for lang in GUIDES if lang != "en"]
ENGLISH_ORIENTATION = re.compile(
    r"\b(chapter|chapters|contents|this guide|end of|next|the end|podcast app|starts next)\b", re.IGNORECASE
)
ENGLISH_NUMBERS = re.compile(
    r"\b(zero|one|two|three|four|five|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|hundred|"
    r"thousand|milligrams?|oh)\b",
    re.IGNORECASE,
)


def _write(tmp_path: Path, language: str, form: str) -> Path:
    path = tmp_path / f"guide-{language}.{form}"
    path.write_text(markdown(language) if form == "md" else html_page(language), encoding="utf-8")
    return path


def _script(path: Path, *extra: str) -> dict:
    result = CliRunner().invoke(app, ["script", str(path), "--json", "--engine", "pyttsx3", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("form", ["md", "html"])
@pytest.mark.parametrize("language", OTHERS)
def test_script_is_spoken_entirely_in_the_guides_language(tmp_path: Path, language: str, form: str) -> None:
    guide = _script(_write(tmp_path, language, form))
    assert guide["language"] == language
    speech = [u["speech"] for chapter in guide["chapters"] for u in chapter["utterances"]]
    assert len(speech) >= 14
    own_words = {"pl": {"ten"}}.get(language, set())  # Polish "ten" is "this"
    for line in speech:
        assert not ENGLISH_ORIENTATION.search(line), line
        found = {m.lower() for m in ENGLISH_NUMBERS.findall(line)} - own_words
        assert not found, line
        assert not re.search(r"\d", line), line  # every number spelled in the language, none left for the voice
        assert "mg" not in line.split()
    # The display text keeps digits for the page and transcripts.
    shown = " ".join(u["text"] for chapter in guide["chapters"] for u in chapter["utterances"])
    assert "20 mg" in shown and "9:30" in shown


def test_english_guide_keeps_the_english_rules(tmp_path: Path) -> None:
    guide = _script(_write(tmp_path, "en", "md"))
    speech = " ".join(u["speech"] for chapter in guide["chapters"] for u in chapter["utterances"])
    assert "This guide has two chapters." in speech
    assert "twenty milligrams" in speech and "Chapter one of two." in speech
    assert "End of chapter one. Next: Moving safely." in speech


def test_language_option_wins_over_the_front_matter(tmp_path: Path) -> None:
    path = _write(tmp_path, "es", "md")
    guide = _script(path, "--language", "es-MX")
    assert guide["language"] == "es-MX"
    result = CliRunner().invoke(app, ["script", str(path), "--language", "spanish"])
    assert result.exit_code == 1
    assert "not a language tag" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("form", "source"), [("md", "from the front matter"), ("html", "from the page's <html lang>")])
def test_sections_shows_the_language_and_where_it_came_from(tmp_path: Path, form: str, source: str) -> None:
    result = CliRunner().invoke(app, ["sections", str(_write(tmp_path, "cy", form))])
    assert result.exit_code == 0, result.output
    assert f"Language: cy (Welsh), {source}" in result.output
    result = CliRunner().invoke(app, ["sections", str(_write(tmp_path, "cy", form)), "--language", "ar"])
    assert "Language: ar (Arabic), from --language" in result.output


def test_sections_shows_a_detected_language(tmp_path: Path) -> None:
    title, chapters = GUIDES["pl"]
    path = tmp_path / "bez.txt"
    path.write_text(title + "\n\n" + "\n\n".join(t for _, t in chapters) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sections", str(path), "--json"])
    data = json.loads(result.output)
    assert data["language"] == "pl" and data["language_source"] == "detected"
    assert data["language_confidence"] >= 0.5


def _espeak_languages() -> dict[str, tuple[str, ...]]:
    from audioguide.engines.espeak_pyttsx3 import espeak_voices

    return {v.id: v.languages for v in espeak_voices()}


@pytest.mark.parametrize("language", list(GUIDES))
def test_auto_picks_an_espeak_voice_of_the_language_without_piper(language: str) -> None:
    here = installed_here()
    without_piper = Installed(piper=False, pyttsx3=here.pyttsx3, espeak_voices=here.espeak_voices)
    choice = choose_auto(language, installed=without_piper)
    assert choice.engine == "pyttsx3", choice.reason
    voice = choice.voice or "gmw/en"  # English keeps espeak-ng's default voice, British English
    assert language in {lang.split("-")[0] for lang in _espeak_languages()[voice]}, (voice, language)


@pytest.mark.parametrize("language", OTHERS)
def test_an_explicit_pyttsx3_takes_the_languages_voice(language: str) -> None:
    engine, voice, _ = resolve_engine("pyttsx3", None, language)
    assert engine == "pyttsx3" and voice is not None
    assert language in {lang.split("-")[0] for lang in _espeak_languages()[voice]}
    assert resolve_engine("pyttsx3", "gmw/en", language)[1] == "gmw/en"  # --voice wins


@pytest.mark.parametrize("language", [*GUIDES, "zh-Hant", "pt-BR"])
def test_gtts_is_given_a_language_code_it_speaks(language: str) -> None:
    from gtts.lang import tts_langs

    engine = get_engine("gtts", language=language)
    assert engine.language in tts_langs()  # type: ignore[attr-defined]


def test_auto_with_nothing_installed_names_what_to_install() -> None:
    choice = choose_auto("cy", installed=Installed())
    assert choice.engine is None
    assert "espeak-ng" in choice.reason and "pyttsx3" in choice.reason


def test_auto_with_nothing_installed_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import audioguide.i18n.voices as voices

    monkeypatch.setattr(voices, "installed_here", lambda: Installed())
    with pytest.raises(EngineError, match="Nothing installed here can speak Welsh"):
        resolve_engine("auto", None, "cy")


def test_a_piper_voice_file_is_used_by_auto(tmp_path: Path) -> None:
    voice = tmp_path / "cy_GB-test-medium.onnx"
    voice.write_bytes(b"")
    Path(f"{voice}.json").write_text(json.dumps({"language": {"code": "cy_GB"}}), encoding="utf-8")
    choice = choose_auto("cy", str(voice), installed=Installed(piper=True))
    assert choice.engine == "piper" and choice.voice == str(voice)
    assert choose_auto("cy", str(voice), installed=Installed(piper=False)).engine is None


def _build(tmp_path: Path, language: str, engine: str = "fake", formats: tuple[str, ...] = ("epub", "daisy")) -> Path:
    out = tmp_path / f"out-{language}"
    build(
        BuildOptions(
            source=_write(tmp_path, language, "md"),
            out=out,
            engine=engine,
            cache_dir=tmp_path / "cache",
            formats=formats,
        )
    )
    return out


@pytest.mark.parametrize("language", ["ar", "cy", "en"])
def test_every_output_carries_the_language_and_direction(tmp_path: Path, language: str) -> None:
    out = _build(tmp_path, language)
    rtl = direction(language) == "rtl"
    mark = f'lang="{language}" dir="{"rtl" if rtl else "ltr"}"'
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"<html {mark}>" in page
    assert f"<html {mark}>" in (out / "subscribe.html").read_text(encoding="utf-8")
    transcripts = sorted((out / "audio").glob("*.html"))
    assert len(transcripts) == 3
    for path in transcripts:
        assert mark in path.read_text(encoding="utf-8"), path.name
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert f"<language>{language}</language>" in feed
    assert f'language="{language}"' in feed  # podcast:transcript
    epubs = list(out.glob("*.epub"))
    assert len(epubs) == 1
    with zipfile.ZipFile(epubs[0]) as book:
        texts = {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith((".xhtml", ".opf"))}
    opf = next(t for n, t in texts.items() if n.endswith(".opf"))
    assert f"<dc:language>{language}</dc:language>" in opf
    assert f'page-progression-direction="{"rtl" if rtl else "ltr"}"' in opf
    assert any(mark in t for n, t in texts.items() if n.endswith(".xhtml"))
    daisy = [p for p in out.rglob("*.html") if "daisy" in str(p.parent).lower()]
    assert daisy and all(f'lang="{language}" dir=' in p.read_text(encoding="utf-8") for p in daisy)
    # The page's chapter names are in the language.
    if language == "cy":
        assert "Pennod 1 o 2" in page


def test_arabic_page_mirrors_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    out = _build(tmp_path, "ar", formats=())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 900})
            page.goto((out / "index.html").as_uri())
            assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
            # The chapter buttons' text starts at the right: the title's right edge meets the button's.
            edges = page.evaluate(
                """() => [...document.querySelectorAll('button.chapter')].map(b => {
                    const box = b.getBoundingClientRect();
                    const label = (b.querySelector('.chapter-label') || b.querySelector('.chapter-title'))
                        .getBoundingClientRect();
                    return [box.right - label.right, label.left - box.left, getComputedStyle(b).textAlign];
                })"""
            )
            assert edges
            for from_right, from_left, align in edges:
                assert from_right < from_left, edges
                assert align in {"start", "right"}
        finally:
            browser.close()


VOICE_STUB = """
    window.SpeechRecognition = class {
        start() { window.__recognizer = this; }
        stop() { window.__recognizer = null; }
    };
    window.__say = (phrase) => window.__recognizer.onresult({results: [[{transcript: phrase}]]});
"""


@pytest.mark.parametrize(
    ("language", "chapter_two", "slower"),
    [("es", "capítulo dos", "más lento, por favor"), ("ar", "الفصل اثنان", "أبطأ"), ("pl", "rozdział dwa", "wolniej")],
)
def test_the_page_listens_for_commands_in_the_guides_language(
    tmp_path: Path, language: str, chapter_two: str, slower: str
) -> None:
    import threading

    from playwright.sync_api import sync_playwright

    from audioguide.i18n import messages
    from audioguide.serve import make_server

    out = _build(tmp_path, language, formats=())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    second = next(c for c in manifest["chapters"] if c["number"] == 2)
    server = make_server(out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
            )
            try:
                context = browser.new_context()
                context.add_init_script(VOICE_STUB)
                page = context.new_page()
                page.goto(server.public_base + "index.html")  # type: ignore[attr-defined]
                page.locator("#voice-toggle").click()
                page.evaluate(f"() => window.__say({json.dumps(chapter_two)})")
                src = page.evaluate("() => document.getElementById('audio').getAttribute('src') || ''")
                assert src.endswith(Path(second["audio"]).name), (src, second)
                before = page.locator("#speed-label").inner_text()
                page.evaluate(f"() => window.__say({json.dumps(slower)})")
                assert page.locator("#speed-label").inner_text() != before
                # English words are not commands on a page in another language.
                page.evaluate("() => window.__say('chapter one')")
                assert page.evaluate("() => document.getElementById('audio').getAttribute('src') || ''") == src
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert slower.split(",")[0] in messages(language).words("voice_commands.slower")


def _piper_ready() -> bool:
    return get_engine.__module__ is not None and choose_auto("en").engine == "piper"


@pytest.mark.slow
@pytest.mark.skipif(not _piper_ready(), reason="piper-tts and the joe voice are not installed")
def test_build_with_no_engine_uses_piper_for_english_and_espeak_for_welsh(tmp_path: Path) -> None:
    for language, engine, identity in (("en", "piper", "piper/"), ("cy", "pyttsx3", "espeak-ng/")):
        source = tmp_path / f"short-{language}.md"
        title, chapters = GUIDES[language]
        heading, text = chapters[1]
        source.write_text(f"---\nlanguage: {language}\n---\n# {heading}\n\n{text}\n", encoding="utf-8")
        out = tmp_path / f"auto-{language}"
        result = CliRunner().invoke(
            app, ["build", str(source), "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--no-contents"]
        )
        assert result.exit_code == 0, result.output
        meta = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert meta["engine"] == engine
        assert meta["engine_identity"].startswith(identity)
        if language == "cy":
            assert "/cel/cy/" in meta["engine_identity"]


# --- the name of the text before the first heading ---------------------------------------------------

INTRODUCTION = {
    "en": "Introduction",
    "es": "Introducción",
    "fr": "Introduction",
    "de": "Einleitung",
    "pl": "Wprowadzenie",
    "cy": "Cyflwyniad",
    "ar": "مقدمة",
}


def _with_lead_text(tmp_path: Path, language: str, declared: bool = True) -> Path:
    """The language's guide with its first chapter's text moved above the first heading."""
    title, chapters = GUIDES[language]
    (_, lead), *rest = chapters
    body = "\n\n".join([lead, *(f"# {heading}\n\n{text}" for heading, text in rest)])
    front = f"---\ntitle: {title}\n" + (f"language: {language}\n" if declared else "") + "---\n\n"
    path = tmp_path / f"lead-{language}.md"
    path.write_text(front + body + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("language", sorted(INTRODUCTION))
def test_text_before_the_first_heading_is_named_in_the_guides_language(tmp_path: Path, language: str) -> None:
    guide = _script(_with_lead_text(tmp_path, language))
    first = next(c for c in guide["chapters"] if c["kind"] == "chapter")
    assert first["title"] == INTRODUCTION[language]
    said = [u["speech"] for u in first["utterances"]]
    assert f"{INTRODUCTION[language]}." in said
    contents = next(c for c in guide["chapters"] if c["kind"] == "contents")
    assert any(INTRODUCTION[language] in u["text"] for u in contents["utterances"])
    if language not in ("en", "fr"):
        assert not any("Introduction" in u["speech"] for c in guide["chapters"] for u in c["utterances"])


@pytest.mark.parametrize("language", ["pl", "ar"])
def test_a_detected_language_names_the_lead_text_too(tmp_path: Path, language: str) -> None:
    guide = _script(_with_lead_text(tmp_path, language, declared=False))
    assert guide["language"] == language
    assert guide["chapters"][1]["title"] == INTRODUCTION[language]


def test_a_real_heading_saying_introduction_is_not_renamed(tmp_path: Path) -> None:
    path = tmp_path / "pl.md"
    path.write_text(
        "---\ntitle: Poradnik\nlanguage: pl\n---\n\n# Introduction\n\nTekst rozdziału.\n\n# Leki\n\nWeź lek.\n",
        encoding="utf-8",
    )
    guide = _script(path)
    assert [c["title"] for c in guide["chapters"] if c["kind"] == "chapter"] == ["Introduction", "Leki"]


def test_sections_names_the_lead_text_in_the_guides_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sections", str(_with_lead_text(tmp_path, "cy")), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sections"][0]["title"] == "Cyflwyniad"


def test_every_output_names_the_lead_text_in_the_guides_language(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(
        BuildOptions(
            source=_with_lead_text(tmp_path, "pl"),
            out=out,
            engine="fake",
            cache_dir=tmp_path / "cache",
            formats=("epub", "daisy"),
        )
    )
    made = {
        "feed": (out / "feed.xml").read_text(encoding="utf-8"),
        "page": (out / "index.html").read_text(encoding="utf-8"),
        "manifest": (out / "manifest.json").read_text(encoding="utf-8"),
    }
    with zipfile.ZipFile(next(out.glob("*.epub"))) as book:
        made["epub"] = " ".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith((".xhtml", ".ncx")))
    made["daisy"] = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html") if "daisy" in str(p).lower())
    for name, text in made.items():
        assert "Wprowadzenie" in text, name
        assert "Introduction" not in text, name


HARDER = {
    "es": "Tome 1 comprimido a las 14:30 el 5 de mayo de 2025. Llame al 900123456 o al +34 912 345 678.",
    "fr": "Prenez 2 comprimés à 14h30 le 5 mai 2025. Appelez le 0123456789 ou le 0033 612345678.",
    "de": "Nehmen Sie 2 Tabletten um 14:30 Uhr am 5. Mai 2025. Rufen Sie 08001234567 an.",
    "pl": "Weź 1 tabletkę o 14:30, 5 maja 2025. Zadzwoń 600700800 albo +48 221234567.",
    "cy": "Cymerwch 2 dabled am 14:30 ar 5 Mai 2025, am 6 mis. Ffoniwch 03001234567.",
    "ar": "تناول 1 mg الساعة 14:30 يوم 5 مايو 2025. اتصل على 900123456 أو 0044 2012345678.",
}


@pytest.mark.parametrize("language", sorted(HARDER))
def test_lead_text_with_unspaced_phones_is_said_in_the_language(tmp_path: Path, language: str) -> None:
    path = tmp_path / f"hard-{language}.md"
    title, chapters = GUIDES[language]
    path.write_text(
        f"---\ntitle: {title}\nlanguage: {language}\n---\n\n{HARDER[language]}\n\n# {chapters[1][0]}\n\n"
        f"{chapters[1][1]}\n",
        encoding="utf-8",
    )
    guide = _script(path)
    for line in (u["speech"] for chapter in guide["chapters"] for u in chapter["utterances"]):
        assert not re.search(r"\d", line), line
        assert not ENGLISH_ORIENTATION.search(line), line
        own = {"pl": {"ten", "zero"}}.get(language, set())  # Polish "ten" (this) and "zero"
        assert not ({m.lower() for m in ENGLISH_NUMBERS.findall(line)} - own), line
        assert "Introduction" not in line or language == "fr", line
        assert not re.search(r"(million|milliard|miliard|mil millones|Milliarde|miliwn|مليون)", line), line


def test_a_word_file_on_an_english_template_is_read_in_the_language_it_is_written_in(tmp_path: Path) -> None:
    """python-docx's template (like Word's own) marks every style "en-US"; the text is French."""
    import docx

    title, chapters = GUIDES["fr"]
    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for heading, paragraph in chapters:
        document.add_heading(heading, level=1)
        document.add_paragraph(paragraph)
    source = tmp_path / "guide.docx"
    document.save(str(source))
    shown = CliRunner().invoke(app, ["sections", str(source)])
    assert shown.exit_code == 0, shown.output
    assert "Language: fr (French), detected from the text" in shown.output
    assert "says it is in English (United States) (en-US)" in shown.output
    result = build(BuildOptions(source=source, out=tmp_path / "out", engine="fake", cache_dir=tmp_path / "cache"))
    assert any("--language en-US" in warning for warning in result.warnings)
    assert "<language>fr</language>" in (tmp_path / "out" / "feed.xml").read_text(encoding="utf-8")
    kept = _script(source, "--language", "en-US")
    assert kept["language"] == "en-US"


EVERYDAY = {
    "de": "Nehmen Sie 500 mg 2 x täglich, 1-mal abends (s. Kap. 3). Warten Sie 20 Min. Schreiben Sie an "
    "info@example.de oder sehen Sie www.example.de/hilfe.",
    "es": "Tome 500 mg 2 x al día durante 20 min, p. ej. con agua (ver pág. 3). Escriba a info@ejemplo.es o "
    "visite www.ejemplo.es/ayuda.",
    "fr": "Prenez 500 mg 2 x par jour, p. ex. pendant 20 min (voir n° 3). Écrivez à contact@sante.fr ou "
    "visitez www.sante.fr/aide.",
    "pl": "Przyjmuj 500 mg 2 x dziennie, np. przez 20 min (zob. rozdz. 3). Napisz na info@przyklad.pl lub "
    "wejdź na www.przyklad.pl/pomoc.",
    "cy": "Cymerwch 500 mg 2 x y dydd, e.e. am 20 mun (gw. tud. 3). Anfonwch e-bost at help@enghraifft.cymru "
    "neu ewch i www.enghraifft.cymru/help.",
    "ar": "تناول 500 mg مرتين يوميًا أو 2 x يوميًا لمدة 20 min. راسلنا على info@example.com أو زر www.example.com/help.",
}


@pytest.mark.parametrize("language", sorted(EVERYDAY))
def test_everyday_guidance_is_spoken_without_symbols_or_abbreviations(tmp_path: Path, language: str) -> None:
    """Doses "2 x" a day, minutes written short, abbreviations that do not end a sentence and addresses,
    through the whole script: nothing left for the voice to spell or read in English."""
    path = tmp_path / f"everyday-{language}.md"
    path.write_text(f"---\nlanguage: {language}\n---\n\n# X\n\n{EVERYDAY[language]}\n", encoding="utf-8")
    guide = _script(path, "--no-contents")
    utterances = [u for chapter in guide["chapters"] for u in chapter["utterances"]]
    body = [u for u in utterances if u["text"].rstrip(".") in EVERYDAY[language]]
    # The abbreviations end no sentence: only the full stops that end one split the paragraph.
    assert len(body) == (3 if language == "de" else 2), [u["text"] for u in body]
    for line in [u["speech"] for u in utterances]:
        assert not re.search(r"[@\d]|www|\bx\b|\b(?:min|mun|Min|pág|rozdz|tud|Kap)\b", line), line
        assert not ENGLISH_NUMBERS.search(line), line

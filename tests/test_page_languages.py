"""Every word a listener sees or hears around the audio is in the guide's language, not only the speech.

A guide in each shipped language other than English is built (fake engine, every format, a base URL
so the subscribe panel, QR codes and card are made). Then:

- every text file of the build (page, subscribe page, transcripts, feed, chapters, DAISY, EPUB) is
  searched for the English catalogue's phrases (its messages cut at their placeholders);
- the listening page is used in Chromium (keys, buttons, settings, key remapping, press anywhere,
  copying the feed address) while every live-region announcement is recorded, and what is on the
  page and what was announced is searched the same way, and must include the language's own words
  for those actions.
"""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from language_guides import GUIDES, markdown

from audioguide.build import BuildOptions, build
from audioguide.i18n.catalogue import PLACEHOLDER, load_catalogue, messages

OTHERS = [lang for lang in GUIDES if lang != "en"]
SECTIONS = ("page.", "publish.", "script.")
NAMES = {"Podcast", "Podcasts", "Escape", "Pocket", "Casts", "Apple", "Overcast", "Castro", "Addict", "AntennaPod"}
"""Words that are the same in every language here: app names, and the Escape key's label."""


def _forms(value: object) -> list[str]:
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    return [value] if isinstance(value, str) else []


def english_phrases(language: str) -> tuple[set[str], set[str]]:
    """(phrases of two or more words, single words) from the English catalogue's page, publish and
    script messages that the language's own catalogue does not also use."""
    own_text = " ".join(f for k, v in load_catalogue(language).items() for f in _forms(v))
    own_text = PLACEHOLDER.sub(" ", own_text).lower()
    own_words = set(re.findall(r"\w+", own_text))
    phrases: set[str] = set()
    single: set[str] = set()
    for key, value in load_catalogue("en").items():
        if not key.startswith(SECTIONS) or key.startswith("page.key_"):
            continue
        for form in _forms(value):
            for piece in re.split(r"\x00|(?<=[.:;?!])\s+|[“”]", PLACEHOLDER.sub("\x00", form)):
                text = piece.strip(" .,:;“”()%")
                words = text.split()
                if len(words) >= 2 and len(text) >= 10 and text.lower() not in own_text:
                    phrases.add(text)
                elif len(words) == 1 and len(text) >= 4 and text not in NAMES and text.lower() not in own_words:
                    single.add(text)
    return phrases, single


def english_found(text: str, language: str) -> list[str]:
    phrases, single = english_phrases(language)
    lowered = text.lower()
    found = [p for p in phrases if p.lower() in lowered]
    found += [w for w in single if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    return sorted(found)


def test_the_search_finds_english_where_it_is() -> None:
    """The oracle itself: it finds the English phrases the page used to show, and not the language's own."""
    english = "Subscribe in a podcast app. Ready to play: Chapter 2 of 5. Press anywhere is on. Speed: normal"
    assert {"Subscribe in a podcast app", "Press anywhere is on", "Ready to play", "Speed"} <= set(
        english_found(english, "es")
    )
    assert english_found(messages("es").text("page.subscribe_heading"), "es") == []
    assert english_found("Living with myositis: Apple Podcasts, Pocket Casts. Escape", "es") == []


def _build(tmp_path: Path, language: str) -> Path:
    source = tmp_path / f"guide-{language}.md"
    source.write_text(markdown(language), encoding="utf-8")
    out = tmp_path / "out"
    build(
        BuildOptions(
            source=source,
            out=out,
            engine="fake",
            cache_dir=tmp_path / "cache",
            formats=("epub", "daisy", "mp3"),
            base_url="https://example.org/guide/",
        )
    )
    return out


TEXT_FILES = (".html", ".xhtml", ".xml", ".opf", ".ncx", ".smil", ".vtt", ".srt", ".json")


def _texts(out: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix in TEXT_FILES and ".audioguide" not in path.parts and path.name != "manifest.json":
            texts[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    if name.endswith(TEXT_FILES) and not name.startswith("META-INF"):
                        texts[f"{path.name}/{name}"] = book.read(name).decode("utf-8")
    return texts


READ_ATTRIBUTES = re.compile(r'\s(?:alt|aria-label|title|data-scan-group|text|content)="([^"]*)"')


def _readable(name: str, text: str) -> str:
    """What a person reads in a file: text between tags and the attributes shown or spoken (alt,
    aria-label, title...) and the books' metadata, not tag names, addresses or the page's embedded
    data (the Chromium test reads what the page's script shows); the string values of a JSON file."""
    if name.endswith(".json"):
        strings: list[str] = []

        def collect(value: object) -> None:
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, dict):
                for item in value.values():
                    collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        collect(json.loads(text))
        return "\n".join(strings)
    text = re.sub(r"<script\b.*?</script>", " ", text, flags=re.DOTALL)
    shown = READ_ATTRIBUTES.findall(text)
    return re.sub(r"<[^>]*>", " ", text) + "\n" + "\n".join(shown)


@pytest.mark.parametrize("language", OTHERS)
def test_no_output_file_holds_the_english_catalogues_words(tmp_path: Path, language: str) -> None:
    out = _build(tmp_path, language)
    texts = _texts(out)
    assert {"index.html", "subscribe.html", "feed.xml"} <= set(texts)
    assert any(name.endswith(".vtt") for name in texts) and any(".epub/" in name for name in texts)
    problems = {
        name: found for name, text in texts.items() if (found := english_found(_readable(name, text), language))
    }
    assert problems == {}
    # The feed describes the guide and names the whole-guide episode in the language.
    feed = texts["feed.xml"]
    m = messages(language)
    assert m.text("publish.whole_guide") in feed
    assert m.text("page.subscribe_heading") in texts["subscribe.html"]


RECORD = """
    window.__heard = [];
    new MutationObserver(() => {
        const region = document.getElementById('announcer');
        if (region && region.textContent) window.__heard.push(region.textContent);
    }).observe(document, {subtree: true, childList: true, characterData: true});
"""

GRAB = """() => {
    document.querySelectorAll('noscript').forEach((n) => n.remove()); // its markup reads as text here
    const out = [document.title, document.body.innerText, ...window.__heard];
    for (const el of document.querySelectorAll('*')) {
        for (const name of ['aria-label', 'data-scan-group', 'alt', 'title']) {
            if (el.getAttribute(name)) out.push(el.getAttribute(name));
        }
        if (el.hidden || el.classList.contains('sr-only')) out.push(el.textContent);
    }
    return out.join('\\n');
}"""


@pytest.mark.parametrize("language", OTHERS)
def test_the_page_speaks_and_shows_the_guides_language_in_chromium(tmp_path: Path, language: str) -> None:
    from playwright.sync_api import sync_playwright

    out = _build(tmp_path, language)
    m = messages(language)
    seen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 900})
            context.add_init_script(RECORD)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((out / "index.html").as_uri())
            page.wait_for_function("() => document.querySelectorAll('#cues .cue').length > 0")

            def settle() -> None:
                page.wait_for_timeout(150)  # announcements land 80 ms after they are made
                seen.append(page.evaluate(GRAB))

            settle()
            for key in ("n", "n", "n", "f", "ArrowUp"):  # past the last chapter; faster; louder than loudest
                page.keyboard.press(key)
                settle()
            page.locator("#settings-details summary").click()
            page.locator("#set-shortcuts").click()
            settle()
            page.locator("#set-shortcuts").click()
            page.locator("#key-list button").first.click()
            settle()
            page.keyboard.press("x")
            settle()
            page.locator("#scan-faster").click()
            settle()
            page.locator("#copy-feed").click()
            settle()
            page.locator("#set-anywhere").click()
            settle()
            page.keyboard.press("Escape")
            settle()
            assert errors == []
        finally:
            browser.close()
    everything = "\n".join(seen)
    assert english_found(everything, language) == []
    # The script said what happened, in the language's own words.
    for key in ("page.announce_last_chapter", "page.announce_loudest", "page.shortcuts_off", "page.controls_back"):
        assert m.text(key) in everything, key
    assert m.text("page.key_assigned", action=m.text("page.play_pause"), key="X") in everything
    # Numbers are written the language's way: a decimal comma where it uses one.
    comma = language in {"es", "fr", "de", "pl"}
    assert m.text("page.speed_times", speed="1,1" if comma else "1.1") in everything
    interval = m.text("page.scan_interval", count=Decimal("1.5"))
    assert (interval.replace("1.5", "1,5") if comma else interval) in everything

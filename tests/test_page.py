"""The listening page (issue 7) in a real browser: Debian's chromium driven by Playwright.

A small guide is built once with the fake engine (a real 220 Hz tone, 10 ms per character), so the
audio genuinely plays and the sentence cues have real times. The build is served with
``audioguide serve``'s own server (Range requests), and once opened from ``file://``.
"""

from __future__ import annotations

import html.parser
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from audioguide.build import BuildOptions, BuildResult, build
from audioguide.publish import page as pagemod
from audioguide.serve import make_server

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
INTERACTIVE = "button, a[href], input, select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])"

TITLE = 'Living well <script>alert(1)</script> & "quotes"'
GUIDE = """\
# Living well &lt;script&gt;alert(1)&lt;/script&gt; & "quotes"

A short guide for people with inclusion body myositis.

## Rest and pacing

Rest often. Plan your day so that the hardest jobs come when you have the most energy.

### Saving energy

Sit down to do tasks. Use a trolley to carry things from room to room.

## Getting help `</script><!--`

Talk to your team. They can help.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("page")
    source = root / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    return build(BuildOptions(source=source, out=root / "out", engine="fake", cache_dir=root / "cache"))


@pytest.fixture(scope="module")
def base_url(site: BuildResult) -> Iterator[str]:
    server = make_server(site.out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.public_base  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Session:
    """One browser context (its own localStorage) with the page, dialogs and script errors seen."""

    def __init__(self, browser: Browser, **options: Any) -> None:
        self.context = browser.new_context(**{"viewport": {"width": 1024, "height": 900}, **options})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_function("() => document.querySelectorAll('#cues .cue').length > 0")
        return self.page


@pytest.fixture
def session(browser: Browser) -> Iterator[Any]:
    """``session(**context_options)`` opens a fresh browser context; all are checked for script errors."""
    made: list[Session] = []

    def make(**options: Any) -> Session:
        made.append(Session(browser, **options))
        return made[-1]

    yield make
    for s in made:
        s.context.close()
    for s in made:
        assert s.errors == [], s.errors


def audio_state(page: Page) -> dict[str, Any]:
    return page.evaluate(
        "() => { const a = document.getElementById('audio');"
        " return {src: a.getAttribute('src'), time: a.currentTime, paused: a.paused}; }"
    )


def tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with ``element_id`` has focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def chapter_audio(site: BuildResult, index: int) -> str:
    return site.chapters[index].audio


# ---- the files --------------------------------------------------------------------------------


class _Collect(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id") if tag in ("script", "h1", "title") else None
        if tag == "title":
            self._in = "title"

    def handle_data(self, data: str) -> None:
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def test_every_build_writes_the_page_and_its_assets(site: BuildResult) -> None:
    out = site.out
    info = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert info["outputs"]["page"] == ["index.html", "page/listen.css", "page/listen.js"]
    text = (out / "index.html").read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(text)
    # The guide text is there, escaped: the raw title never appears as markup.
    assert TITLE not in text and "<script>alert(1)" not in text
    assert parsed.data["guide-title"] == TITLE
    assert parsed.data["title"] == f"{TITLE}: listen"
    # The embedded data cannot end its element or open a comment, and says what the manifest says.
    raw = parsed.data["guide-data"]
    assert "</" not in raw and "<!--" not in raw and "<" not in raw
    data = json.loads(raw)
    assert data["title"] == TITLE
    for embedded, recorded in zip(data["chapters"], info["chapters"], strict=True):
        assert embedded["audio"] == recorded["audio"]
        assert [(c["text"], c["start"], c["end"]) for c in embedded["cues"]] == [
            (s["text"], s["start"], s["end"]) for s in recorded["sentences"]
        ]
    assert any("</script><!--" in c["title"] for c in data["chapters"])
    # Nothing comes from the network; a Content-Security-Policy says so too.
    for tag, attrs in parsed.tags:
        for attr in ("src", "href"):
            value = attrs.get(attr) or ""
            assert not re.match(r"^(https?:)?//", value), (tag, value)
    csp = [a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "script-src 'self'" in (csp[0] or "")
    assert len([t for t, _ in parsed.tags if t == "h1"]) == 1


def test_same_build_gives_the_same_bytes(site: BuildResult) -> None:
    files = ["index.html", "page/listen.css", "page/listen.js"]
    before = {f: (site.out / f).read_bytes() for f in files}
    source = site.out.parent / "guide.md"
    build(BuildOptions(source=source, out=site.out, engine="fake", cache_dir=site.out.parent / "cache"))
    assert {f: (site.out / f).read_bytes() for f in files} == before


def test_script_json_cannot_break_out() -> None:
    text = pagemod.script_json({"t": "</script><!-- & <b>"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & <b>"}


# ---- in the browser -----------------------------------------------------------------------------


def test_keyboard_only_plays_and_n_moves_on_unless_shortcuts_are_off(
    session: Any, site: BuildResult, base_url: str
) -> None:
    page = session().open(base_url + "index.html")
    assert audio_state(page)["src"] == chapter_audio(site, 0)
    tab_to(page, "play")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !document.getElementById('audio').paused && document.getElementById('audio').currentTime > 0.2"
    )
    assert page.locator("#play-text").inner_text() == "Pause"

    page.keyboard.press("n")
    assert audio_state(page)["src"] == chapter_audio(site, 1)
    page.wait_for_function(
        "() => document.getElementById('announcer').textContent.startsWith('Now playing Chapter 1 of 3: Introduction')"
    )
    assert page.locator("#now-title").inner_text() == "Chapter 1 of 3: Introduction"

    # Turn the shortcut keys off, by keyboard: then "n" does nothing.
    page.locator("#settings-details > summary").focus()
    page.keyboard.press("Enter")
    tab_to(page, "set-shortcuts")
    page.keyboard.press("Space")
    assert page.locator("#set-shortcuts").get_attribute("aria-checked") == "false"
    page.locator("#play").focus()
    page.keyboard.press("n")
    page.keyboard.press("3")
    assert audio_state(page)["src"] == chapter_audio(site, 1)

    # The setting is remembered.
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#cues .cue').length > 0")
    page.locator("#play").focus()
    page.keyboard.press("n")
    assert page.locator("#set-shortcuts").get_attribute("aria-checked") == "false"
    assert audio_state(page)["src"] != chapter_audio(site, 2)


def test_keys_can_be_remapped(session: Any, site: BuildResult, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    button = page.get_by_role("button", name=re.compile(r"^Next chapter\s*: key N$"))
    button.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("m")
    assert page.get_by_role("button", name=re.compile(r"^Next chapter\s*: key M$")).count() == 1
    page.locator("#play").focus()
    page.keyboard.press("n")
    assert audio_state(page)["src"] == chapter_audio(site, 0)
    page.keyboard.press("m")
    assert audio_state(page)["src"] == chapter_audio(site, 1)
    page.keyboard.press("0")  # number keys: 0 is the spoken contents
    assert audio_state(page)["src"] == chapter_audio(site, 0)


def test_switch_scanning_with_one_key_reaches_next_chapter(session: Any, site: BuildResult, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    page.locator("#set-interval").select_option("1")
    page.locator("#set-scanning").click()
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'play'")
    # From here on, one key only: wait for the highlight to reach "Next chapter", then press it.
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'next'", timeout=15_000)
    page.keyboard.press("x")
    state = audio_state(page)
    assert state["src"] == chapter_audio(site, 1)
    assert state["paused"]  # nothing else was chosen on the way (not play)
    assert page.evaluate("() => document.activeElement.id") == "next"
    # A click anywhere chooses the highlighted control too.
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'faster'", timeout=15_000)
    page.locator("h1").click()
    assert page.locator("#speed-label").inner_text() == "Speed: 1.1 times"
    # Scanning is remembered across a reload, and "Stop scanning" is among the highlighted controls.
    page.reload()
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'play'")
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'scan-stop'", timeout=20_000)
    page.keyboard.press("x")
    assert page.locator(".scan-current").count() == 0
    assert page.locator("#scan-stop").is_hidden()


def test_transcript_sentence_seeks_and_position_survives_a_reload(
    session: Any, site: BuildResult, base_url: str
) -> None:
    page = session().open(base_url + "index.html")
    page.get_by_role("button", name=re.compile(r"^Chapter 2 of 3: Rest and pacing")).click()
    page.wait_for_function(
        f"() => document.getElementById('audio').getAttribute('src') === {json.dumps(chapter_audio(site, 2))}"
    )
    chapter = site.chapters[2]
    index = next(i for i, u in enumerate(chapter.script.utterances) if u.text.startswith("Sit down"))
    start = chapter.timings[index].start
    page.locator("#cues .cue").nth(index).click()
    page.wait_for_function(
        f"() => {{ const a = document.getElementById('audio');"
        f" return !a.paused && !a.seeking && a.currentTime >= {start - 0.05}; }}"
    )
    page.locator("#play").click()  # pause
    time = audio_state(page)["time"]
    assert time == pytest.approx(start, abs=0.6)
    current = page.locator("#cues .cue.is-current")
    assert current.inner_text() == chapter.script.utterances[index].text
    assert current.get_attribute("aria-current") == "true"

    page.reload()
    page.wait_for_function(
        f"() => {{ const a = document.getElementById('audio');"
        f" return a.getAttribute('src') === {json.dumps(chapter.audio)}"
        f" && Math.abs(a.currentTime - {time}) < 0.15; }}"
    )
    offer = page.locator("#resume")
    assert offer.is_visible()
    assert "Chapter 2 of 3: Rest and pacing" in offer.inner_text()
    page.get_by_role("button", name="Carry on listening").click()
    page.wait_for_function(
        f"() => !document.getElementById('audio').paused && document.getElementById('audio').currentTime > {time}"
    )
    assert offer.is_hidden()


def test_every_control_is_at_least_72_pixels_square(session: Any, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    small = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => { const r = el.getBoundingClientRect();
                           return {what: el.id || el.className || el.tagName, w: r.width, h: r.height}; })
            .filter((box) => box.w < 72 || box.h < 72)""",
        INTERACTIVE,
    )
    assert small == []
    count = page.evaluate(
        "(s) => Array.from(document.querySelectorAll(s)).filter((el) => el.getClientRects().length > 0).length",
        INTERACTIVE,
    )
    assert count > 20
    play = page.locator("#play").bounding_box()
    others = [page.locator(f"#{i}").bounding_box() for i in ("back", "forward", "previous", "next", "slower")]
    assert play and all(o and play["width"] * play["height"] > o["width"] * o["height"] for o in others)


def test_press_anywhere_toggles_playback_and_lets_you_out(session: Any, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    page.locator("#set-anywhere").click()
    assert page.locator("#page").is_hidden()
    for element_id in ("anywhere-toggle", "anywhere-exit"):
        box = page.locator(f"#{element_id}").bounding_box()
        assert box and box["width"] >= 72 and box["height"] >= 72
    page.mouse.click(500, 200)
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => document.getElementById('audio').paused")
    page.reload()  # the mode is remembered
    page.wait_for_function("() => !document.getElementById('anywhere').hidden")
    page.keyboard.press("Escape")
    assert page.locator("#page").is_visible()
    assert audio_state(page)["paused"]
    assert page.evaluate("() => document.activeElement.id") == "play"


def test_voice_commands_where_supported_and_hidden_where_not(session: Any, site: BuildResult, base_url: str) -> None:
    plain = session()
    plain.context.add_init_script("delete window.SpeechRecognition; delete window.webkitSpeechRecognition;")
    page = plain.open(base_url + "index.html")
    assert page.locator("#voice").is_hidden()

    voiced = session()
    voiced.context.add_init_script("""
        window.SpeechRecognition = class {
            start() { window.__recognizer = this; }
            stop() { window.__recognizer = null; }
        };
        window.__say = (phrase) => window.__recognizer.onresult(
            {results: [[{transcript: phrase}]]});
    """)
    page = voiced.open(base_url + "index.html")
    page.get_by_role("switch", name="Voice control").click()
    page.evaluate("() => window.__say('chapter two')")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert audio_state(page)["src"] == chapter_audio(site, 2)
    page.evaluate("() => window.__say('pause')")
    assert audio_state(page)["paused"]
    page.evaluate("() => window.__say('slower please')")
    assert page.locator("#speed-label").inner_text() == "Speed: 0.9 times"
    page.evaluate("() => window.__say('go back to the previous chapter')")
    assert audio_state(page)["src"] == chapter_audio(site, 1)


def test_the_title_is_shown_as_text_and_never_runs(session: Any, site: BuildResult, base_url: str) -> None:
    # Without the Content-Security-Policy, so that escaping alone is what is tested.
    s = session(bypass_csp=True)
    page = s.open(base_url + "index.html")
    page.locator("#play").click()
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.2")
    assert page.locator("h1").inner_text() == TITLE
    assert page.title() == f"{TITLE}: listen"
    assert page.locator("#cues .cue").first.inner_text() == site.chapters[0].script.utterances[0].text
    assert TITLE in page.locator("#cues .cue").first.inner_text()
    chapter_names = page.get_by_role("navigation", name="Chapters").get_by_role("button").all_inner_texts()
    assert any(n.startswith("Chapter 3 of 3:\nGetting help </script><!--") for n in chapter_names), chapter_names
    assert page.locator("script").count() == 2  # the page's own script and its JSON, nothing injected
    assert s.dialogs == []


def test_screen_reader_structure(session: Any, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    assert page.locator("h1").count() == 1
    for role in ("banner", "main", "navigation", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    names = page.get_by_role("navigation", name="Chapters").get_by_role("button").all_inner_texts()
    assert names[0].startswith("Contents")
    assert [n.split(":")[0] for n in names[1:]] == ["Chapter 1 of 3", "Chapter 2 of 3", "Chapter 3 of 3"]
    with_length = re.compile(r"^Chapter 2 of 3: Rest and pacing\s*, (under a minute|about \d+ minutes?)$")
    assert page.get_by_role("button", name=with_length).count() == 1
    assert page.locator("#announcer").get_attribute("aria-live") == "polite"
    for name in (
        "Play",
        "Back 15 seconds",
        "Forward 30 seconds",
        "Previous chapter",
        "Next chapter",
        "Slower",
        "Faster",
        "Quieter",
        "Louder",
    ):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    css = (Path(pagemod.__file__).parent / "page_assets" / "listen.css").read_text(encoding="utf-8")
    assert "prefers-reduced-motion: reduce" in css
    # No keyboard trap: Tab goes through the player, chapters, transcript and settings to the footer.
    seen: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.id || document.activeElement.className"))
        if seen[-1] == "link-button":
            break
    assert seen[-1] == "link-button", seen
    assert {"play", "next", "chapter", "cue cue-orientation is-current"} <= set(seen), seen


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_22_aa_violations(session: Any, base_url: str, scheme: str) -> None:
    assert AXE.is_file(), "axe-core is missing: run  npm ci --prefix tests/browser"
    s = session(bypass_csp=True, color_scheme=scheme)  # axe is injected as an inline script
    page = s.open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    page.locator("#play").click()
    page.wait_for_function("() => document.querySelector('#cues .cue.is-current')")
    page.locator("#play").click()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({id: v.id, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)}));
        }""",
        WCAG_TAGS,
    )
    assert violations == []


def test_400_percent_zoom_needs_no_horizontal_scrolling(session: Any, base_url: str) -> None:
    # 1280 CSS px at 400% zoom is a 320 px wide viewport.
    page = session(viewport={"width": 320, "height": 256}).open(base_url + "index.html")
    page.locator("#settings-details > summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    boxes = page.evaluate(
        "(s) => Array.from(document.querySelectorAll(s))"
        ".filter((el) => el.getClientRects().length > 0)"
        ".map((el) => el.getBoundingClientRect().right)",
        INTERACTIVE,
    )
    assert max(boxes) <= 320


def test_works_from_a_file_url(session: Any, site: BuildResult) -> None:
    # With the Content-Security-Policy in force: the script, the stylesheet and the audio all load.
    page = session().open((site.out / "index.html").resolve().as_uri())
    assert page.evaluate("() => getComputedStyle(document.getElementById('play')).minHeight") == "128px"
    page.locator("#play").click()
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.2")
    page.screenshot(path="/tmp/page.png", full_page=True)

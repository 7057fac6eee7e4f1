"""The listening page (issue 7) in a real browser: Debian's chromium driven by Playwright.

A small guide is built once with the fake engine (a real 220 Hz tone, 10 ms per character), so the
audio genuinely plays and the sentence cues have real times. The build is served with
``audioguide serve``'s own server (Range requests), and once opened from ``file://``. A second build
with a base URL carries the app links, QR codes and the subscribe card. Switch-scanning tests put the
page's timers on Playwright's clock, so the highlight moves only when a test moves the clock.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from audioguide.build import BuildOptions, BuildResult, build
from audioguide.publish import page as pagemod
from audioguide.publish import subscribe
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

## Is it catching?

No. It is not passed from person to person.
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


def paused_clock(s: Session) -> Session:
    """Put the page's timers on a clock that moves only by ``page.clock.run_for``."""
    s.page.clock.install(time=1_000_000)
    s.page.clock.pause_at(1_000_001)
    return s


def current_scan(page: Page) -> str:
    """The id of the highlighted item or group while scanning ("" when nothing is highlighted)."""
    return str(page.evaluate("() => document.querySelector('.scan-current')?.id || ''"))


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
    assert info["outputs"]["page"] == ["index.html", "page/listen.css", "page/listen.js", "subscribe.html"]
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
    files = ["index.html", "page/listen.css", "page/listen.js", "subscribe.html"]
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
        "() => document.getElementById('announcer').textContent.startsWith('Now playing Chapter 1 of 4: Introduction')"
    )
    assert page.locator("#now-title").inner_text() == "Chapter 1 of 4: Introduction"

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
    # The page's timers run on Playwright's clock, so the highlight moves only when the test says:
    # no race between a 1 s interval and a key press.
    page = paused_clock(session()).open(base_url + "index.html#scan=1")
    assert current_scan(page) == "play"
    assert page.locator("#interval-label").text_content() == "Scanning moves every 1 second"
    page.clock.run_for(1000)
    assert current_scan(page) == "chapters"
    page.clock.run_for(1000)
    assert current_scan(page) == "more-controls"
    page.keyboard.press("x")  # into the player controls
    assert current_scan(page) == "back"
    page.clock.run_for(999)
    assert current_scan(page) == "back"  # a whole interval on each item
    for _ in range(3):
        page.clock.run_for(1000)
    assert current_scan(page) == "next"
    page.keyboard.press("x")
    state = audio_state(page)
    assert state["src"] == chapter_audio(site, 1)
    assert state["paused"]  # nothing else was chosen on the way (not play)
    assert current_scan(page) == "play"  # after a choice, back to Play/Pause
    assert page.evaluate("() => document.activeElement.id") == "play"
    # A click on no control is a switch press too: it chooses the highlighted Play (a click just
    # after a key press is taken as the same press, so let half a second pass).
    page.clock.run_for(600)
    assert current_scan(page) == "play"
    page.locator("h1").click()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    # Scanning is remembered across a reload (without the address), and Escape stops it.
    page.goto(base_url + "index.html")
    page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'play'")
    page.keyboard.press("Escape")
    assert page.locator(".scan-current").count() == 0
    assert page.locator("#mode-scanning").get_attribute("aria-checked") == "false"


def test_transcript_sentence_seeks_and_position_survives_a_reload(
    session: Any, site: BuildResult, base_url: str
) -> None:
    page = session().open(base_url + "index.html")
    page.get_by_role("button", name=re.compile(r"^Chapter 2 of 4: Rest and pacing")).click()
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
    assert "Chapter 2 of 4: Rest and pacing" in offer.inner_text()
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
    assert any(n.startswith("Chapter 3 of 4:\nGetting help </script><!--") for n in chapter_names), chapter_names
    assert page.locator("script").count() == 2  # the page's own script and its JSON, nothing injected
    assert s.dialogs == []


def test_screen_reader_structure(session: Any, base_url: str) -> None:
    page = session().open(base_url + "index.html")
    assert page.locator("h1").count() == 1
    for role in ("banner", "main", "navigation", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    names = page.get_by_role("navigation", name="Chapters").get_by_role("button").all_inner_texts()
    assert names[0].startswith("Contents")
    assert [n.split(":")[0] for n in names[1:]] == [
        "Chapter 1 of 4",
        "Chapter 2 of 4",
        "Chapter 3 of 4",
        "Chapter 4 of 4",
    ]
    with_length = re.compile(r"^Chapter 2 of 4: Rest and pacing\s*, (under a minute|about \d+ minutes?)$")
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
        if seen[-1] == "feed-link":
            break
    assert seen[-1] == "feed-link", seen
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


# ---- subscribing --------------------------------------------------------------------------------

BASE = "https://guides.example.org/living-well/"
FEED_URL = BASE + "feed.xml"


@pytest.fixture(scope="module")
def based(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The same guide built with an absolute base URL: app links, QR codes and the card."""
    root = tmp_path_factory.mktemp("based")
    source = root / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    return build(BuildOptions(source=source, out=root / "out", engine="fake", cache_dir=root / "cache", base_url=BASE))


def serve_folder(folder: Path) -> tuple[Any, threading.Thread]:
    server = make_server(folder, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop_serving(server: Any, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join()


def decode_qr(image: Path) -> list[str]:
    """What zbar reads in ``image`` (Debian's zbar-tools is the oracle)."""
    found = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False)
    return found.stdout.splitlines()


def app_links(page: Page) -> list[tuple[str, str]]:
    return [
        (str(c), str(h))
        for c, h in page.evaluate(
            "() => Array.from(document.querySelectorAll('a.app-link')).map((a) => [a.dataset.client, a.href])"
        )
    ]


FEEDS = [
    "http://example.org/feed.xml",
    "https://guides.example.org/a b/feed.xml?x=1&y=2#top",
    "http://192.168.1.20:8000/feed.xml",
    "https://[2001:db8::1]:8443/ünï/feed.xml",
    "https://example.org/feed.xml",
]


@pytest.mark.parametrize("url", FEEDS)
def test_every_app_link_carries_the_feed_address(url: str) -> None:
    assert len({c.id for c in subscribe.CLIENTS}) == len(subscribe.CLIENTS)
    names = {c.name for c in subscribe.CLIENTS}
    assert {"Apple Podcasts", "AntennaPod", "Pocket Casts", "Overcast", "Castro", "Podcast Addict"} <= names
    for client in subscribe.CLIENTS:
        made = subscribe.link(client, url)
        assert made.startswith(client.prefix)
        rest = made[len(client.prefix) :]
        if client.query:
            # A query parameter: the whole address, encoded, so its own ? & # cannot end the parameter.
            assert not set("?&#/: ") & set(rest), rest
            assert unquote(rest) == url
        else:
            # A path: the address without its scheme (the app adds one; "x://https://..." would be misread).
            assert url.split("://", 1) == [url[: url.index(":")], rest]
            assert "://" not in rest


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (None, None),
        ("", None),
        ("guides/", None),
        ("/guides/", None),
        ("file:///tmp/out/", None),
        ("ftp://example.org/", None),
        ("https://", None),
        ("https://example.org", "https://example.org/"),
        ("http://example.org/a/b", "http://example.org/a/b/"),
        ("https://example.org/a/", "https://example.org/a/"),
    ],
)
def test_only_an_absolute_web_address_counts_as_a_base(base: str | None, expected: str | None) -> None:
    assert subscribe.absolute_base(base) == expected


def test_a_build_with_a_base_url_writes_qr_codes_and_a_card_that_decode(based: BuildResult, site: BuildResult) -> None:
    out = based.out
    info = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    extra = ["subscribe.html", "subscribe/feed-qr.svg", "subscribe/page-qr.svg", "card.png", "card.pdf"]
    assert info["outputs"]["page"] == ["index.html", "page/listen.css", "page/listen.js", *extra]
    assert not (site.out / "card.pdf").exists() and not (site.out / "subscribe").exists()  # no address, no card
    # The card: one page the size of a bank card (85.6 x 54 mm), whose QR code zbar reads as the feed.
    pdfinfo = subprocess.run(["pdfinfo", str(out / "card.pdf")], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", pdfinfo)
    assert size and re.search(r"Pages:\s+1\b", pdfinfo)
    assert float(size[1]) == pytest.approx(85.6 / 25.4 * 72, abs=0.5)
    assert float(size[2]) == pytest.approx(54 / 25.4 * 72, abs=0.5)
    rendered = out.parent / "card-rendered"
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(out / "card.pdf"), str(rendered)], check=True)
    assert decode_qr(rendered.with_suffix(".png")) == [FEED_URL]
    assert decode_qr(out / "card.png") == [FEED_URL]
    from PIL import Image

    with Image.open(out / "card.png") as card_image:
        assert card_image.size == (1011, 638)
        colours = card_image.convert("L").getcolors(256) or []
        # Black on white: nothing but the two and the grey edges of letters, and mostly the two.
        pure = sum(n for n, v in colours if v in (0, 255))
        assert pure / (card_image.width * card_image.height) > 0.95
    # A rebuild gives the same bytes (no date in the PDF).
    before = {name: (out / name).read_bytes() for name in extra}
    build(
        BuildOptions(
            source=out.parent / "guide.md", out=out, engine="fake", cache_dir=out.parent / "cache", base_url=BASE
        )
    )
    assert {name: (out / name).read_bytes() for name in extra} == before


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("Living well", "http://192.168.1.20:8000/feed.xml"),
        ("Élan — Ünïcode Привет guide", "https://guides.example.org/ünï/feed.xml"),
        (
            "Living well with inclusion body myositis: a practical guide for people, families and carers " * 2,
            "https://very-long-subdomain.guides.example-health-charity.org.uk/resources/audio/"
            "living-well-with-inclusion-body-myositis-2026-edition/feed.xml",
        ),
    ],
)
def test_the_card_reads_for_any_title_and_address(title: str, url: str, tmp_path: Path) -> None:
    from audioguide.publish import card

    png, pdf = card.card_image_bytes(title, url)
    (tmp_path / "card.png").write_bytes(png)
    (tmp_path / "card.pdf").write_bytes(pdf)
    assert decode_qr(tmp_path / "card.png") == [url]
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "card.pdf"), str(tmp_path / "pdf")], check=True
    )
    assert decode_qr(tmp_path / "pdf.png") == [url]
    assert card.card_image_bytes(title, url) == (png, pdf)


def test_a_base_url_too_long_for_a_qr_code_is_one_clear_error(tmp_path: Path) -> None:
    from audioguide.errors import InputError

    source = tmp_path / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    base = "https://example.org/" + "a" * 3000 + "/"
    with pytest.raises(InputError, match=r"--base-url is too long to draw as a QR code"):
        build(BuildOptions(source=source, out=tmp_path / "out", engine="fake", cache_dir=tmp_path / "c", base_url=base))
    assert not (tmp_path / "out" / "card.pdf").exists() and not (tmp_path / "out" / "subscribe").exists()


def test_subscribe_links_and_qr_codes_on_the_page(session: Any, based: BuildResult, tmp_path: Path) -> None:
    expected = [(c.id, subscribe.link(c, FEED_URL)) for c in subscribe.CLIENTS]
    for name in ("index.html", "subscribe.html"):
        page = session().page
        page.goto((based.out / name).resolve().as_uri())
        page.wait_for_function("() => document.querySelectorAll('a.app-link').length > 0")
        assert app_links(page) == expected, name
        assert page.locator("#feed-address").inner_text() == FEED_URL
        assert page.locator("#subscribe-none").is_hidden()
        # The QR codes as the browser draws them, read by zbar.
        for selector, wanted in (
            ("img[src$='feed-qr.svg']", FEED_URL),
            ("img[src$='page-qr.svg']", BASE + "index.html"),
        ):
            shot = tmp_path / f"{name}-{wanted.rsplit('/', 1)[-1]}.png"
            page.locator(selector).scroll_into_view_if_needed()
            page.locator(selector).screenshot(path=str(shot))
            assert decode_qr(shot) == [wanted], (name, selector)
    # On an Android phone the Android apps come first, the others after, none lost.
    android = session(user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile")
    page = android.page
    page.goto((based.out / "index.html").resolve().as_uri())
    page.wait_for_function("() => document.querySelectorAll('a.app-link').length > 0")
    order = [c for c, _ in app_links(page)]
    on_android = [c.id for c in subscribe.CLIENTS if "Android" in c.platforms]
    assert order[: len(on_android)] == on_android
    assert sorted(order) == sorted(c.id for c in subscribe.CLIENTS)


def test_without_an_address_the_panel_says_how_to_get_one(session: Any, site: BuildResult) -> None:
    page = session().open((site.out / "index.html").resolve().as_uri())
    assert page.locator("#subscribe-none").is_visible()
    assert "--base-url" in page.locator("#subscribe-none").inner_text()
    assert "audioguide serve" in page.locator("#subscribe-none").inner_text()
    assert page.locator("a.app-link").count() == 0  # no dead links
    assert page.locator("#subscribe-apps").is_hidden()


def test_served_the_page_makes_the_links_itself_and_copy_copies(session: Any, base_url: str) -> None:
    s = session()
    s.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = s.open(base_url + "index.html")
    feed_url = base_url + "feed.xml"
    assert app_links(page) == [(c.id, subscribe.link(c, feed_url)) for c in subscribe.CLIENTS]
    assert page.locator("#feed-address").inner_text() == feed_url
    assert page.locator("#subscribe-local").is_visible()  # 127.0.0.1 works only on this computer
    page.evaluate("() => navigator.clipboard.writeText('something else')")
    page.locator("#copy-feed").click()
    page.wait_for_function("() => document.getElementById('copy-status').textContent.startsWith('Copied')")
    assert page.evaluate("() => navigator.clipboard.readText()") == feed_url


# ---- one switch, one tap, one key ---------------------------------------------------------------


def scan_id(page: Page) -> str:
    """The highlighted item: its id, its app, or "chapter-N" for the chapter button with index N."""
    return str(
        page.evaluate(
            """() => { const el = document.querySelector('.scan-current');
                if (!el) return '';
                if (el.id) return el.id;
                if (el.dataset.client) return el.dataset.client;
                return 'chapter-' + el.dataset.index; }"""
        )
    )


class Switch:
    """A one-switch user on a paused clock: waits for the highlight, presses one key, keeps count."""

    def __init__(self, page: Page, interval_ms: int) -> None:
        self.page = page
        self.interval = interval_ms
        self.presses = 0
        self.waited = 0

    def wait_for(self, wanted: str, limit: int = 40) -> None:
        for _ in range(limit):
            if scan_id(self.page) == wanted:
                return
            self.page.clock.run_for(self.interval)
            self.waited += self.interval
        raise AssertionError(f"the highlight never reached {wanted} (at {scan_id(self.page)})")

    def press(self) -> None:
        self.page.keyboard.press("Enter")
        self.presses += 1


def test_one_switch_starts_chapter_4_pauses_and_subscribes(session: Any, site: BuildResult, base_url: str) -> None:
    s = paused_clock(session())
    s.context.add_init_script(
        "window.__typed = 0; document.addEventListener('input', () => { window.__typed += 1; }, true);"
    )
    page = s.open(base_url + "index.html#scan")
    user = Switch(page, 2000)  # the default interval
    assert page.locator("#interval-label").text_content() == "Scanning moves every 2 seconds"
    assert scan_id(page) == "play"
    chapter4 = next(i for i, c in enumerate(site.chapters) if c.script.kind == "chapter" and c.script.number == 4)

    user.wait_for("chapters")
    user.press()
    user.wait_for(f"chapter-{chapter4}")
    user.press()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert audio_state(page)["src"] == chapter_audio(site, chapter4)
    start_presses, start_seconds = user.presses, user.waited / 1000
    assert start_presses <= 3 and start_seconds <= 12

    # Pausing: the highlight is back on Play/Pause and stays a whole interval.
    assert scan_id(page) == "play"
    page.clock.run_for(1999)
    assert scan_id(page) == "play"
    user.presses = user.waited = 0
    user.press()
    page.wait_for_function("() => document.getElementById('audio').paused")
    pause_presses, pause_seconds = user.presses, user.waited / 1000
    assert pause_presses == 1

    # Subscribing: the group, then the first app's button, which carries the feed address.
    page.clock.run_for(600)
    user.presses = user.waited = 0
    user.wait_for("subscribe")
    user.press()
    first = subscribe.CLIENTS[0]
    assert scan_id(page) == first.id
    assert page.locator(".scan-current").get_attribute("href") == subscribe.link(first, base_url + "feed.xml")
    subscribe_presses, subscribe_seconds = user.presses + 1, user.waited / 1000  # + the press that opens the app
    typed = page.evaluate("() => window.__typed")
    assert typed == 0
    print(
        f"\nEffort with one switch at the default 2 s interval: start chapter 4: {start_presses} presses, "
        f"{start_seconds:g} s; pause: {pause_presses} press, {pause_seconds:g} s of waiting; "
        f"subscribe: {subscribe_presses} presses, {subscribe_seconds:g} s; characters typed: {typed}"
    )


def test_scanning_groups_can_be_left_and_scanning_speed_is_changed_by_scanning(
    session: Any, site: BuildResult, base_url: str
) -> None:
    page = paused_clock(session()).open(base_url + "index.html#scan=1")
    user = Switch(page, 1000)
    user.wait_for("chapters")
    user.press()
    assert scan_id(page) == "chapter-0"
    assert page.locator("#scan-exit").is_visible()
    # A long wait leaves the group: two rounds of its items and "Leave this group", then out.
    items = len(site.chapters) + 1
    page.clock.run_for(1000 * (2 * items - 1))
    assert scan_id(page) == "scan-exit"
    page.clock.run_for(1000)
    assert scan_id(page) == "chapters"
    assert page.locator("#scan-exit").is_hidden()
    # So does choosing "Leave this group".
    user.press()
    user.wait_for("scan-exit")
    user.press()
    assert scan_id(page) == "chapters"
    assert audio_state(page)["paused"]
    # The interval changes by scanning: Settings, then "Slower scanning" (the highlight stays on it).
    user.wait_for("settings")
    user.press()
    assert page.locator("#settings-details").get_attribute("open") is not None
    assert scan_id(page) == "scan-slower"
    user.press()
    assert page.locator("#interval-label").inner_text() == "Scanning moves every 1.5 seconds"
    page.clock.run_for(1499)
    assert scan_id(page) == "scan-slower"
    page.clock.run_for(1)
    assert scan_id(page) == "scan-faster"
    # A carer's pointer click does what it points at, not what is highlighted.
    page.get_by_role("button", name=re.compile(r"^Chapter 2 of 4: Rest and pacing")).click()
    page.clock.run_for(1)
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert audio_state(page)["src"] == chapter_audio(site, 2)
    assert scan_id(page) == "play"
    # Switch scanning is one step away at the top level, and stops it; the address is dropped.
    user.wait_for("mode-scanning")
    user.press()
    assert scan_id(page) == ""
    assert "#scan" not in page.url
    assert page.locator("#mode-scanning").get_attribute("aria-checked") == "false"


def test_press_anywhere_from_its_address_one_click_toggles(session: Any, base_url: str) -> None:
    page = session().open(base_url + "index.html#anywhere")
    assert page.locator("#page").is_hidden()
    page.mouse.click(200, 300)
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.mouse.click(300, 200)
    page.wait_for_function("() => document.getElementById('audio').paused")
    # Hovering keeps the text readable (it was white on pale blue).
    page.mouse.move(250, 250)
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.getElementById('anywhere-toggle'));"
        " return [s.color, s.backgroundColor]; }"
    )
    assert contrast(*colours) >= 4.5, colours
    page.keyboard.press("Escape")
    assert page.locator("#page").is_visible()
    assert "#anywhere" not in page.url
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#cues .cue').length > 0")
    assert page.locator("#page").is_visible()
    # The mode buttons are at the top: the first controls on the page.
    first = page.evaluate("(s) => Array.from(document.querySelectorAll(s)).slice(0, 2).map((e) => e.id)", INTERACTIVE)
    assert first == ["mode-anywhere", "mode-scanning"]


def contrast(foreground: str, background: str) -> float:
    def luminance(css: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_play_pause_key_pauses_on_a_chapter_and_the_playing_chapter_pauses(
    session: Any, site: BuildResult, base_url: str
) -> None:
    page = session().open(base_url + "index.html")
    chapter = page.get_by_role("button", name=re.compile(r"^Chapter 2 of 4: Rest and pacing"))
    chapter.click()
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.3")
    assert page.evaluate("() => document.activeElement.dataset.index") == "2"
    page.keyboard.press("Space")
    assert audio_state(page)["paused"]
    stopped = audio_state(page)["time"]
    assert page.locator(".now-label").inner_text() == "Paused:"
    page.keyboard.press("Space")
    page.wait_for_function(f"() => document.getElementById('audio').currentTime > {stopped + 0.1}")
    assert audio_state(page)["src"] == chapter_audio(site, 2)  # carried on, did not restart
    chapter.click()  # the chapter that is playing: pauses
    assert audio_state(page)["paused"] and audio_state(page)["time"] > stopped
    # A sentence button with focus: Space plays and pauses too.
    page.locator("#cues .cue.is-current").focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.keyboard.press("Space")
    assert audio_state(page)["paused"]
    # Announcements: paused, a chosen chapter is not "Now playing"; a title ending in "?" gets no ".".
    page.locator("#play").focus()
    page.keyboard.press("n")
    page.wait_for_function("() => document.getElementById('announcer').textContent !== ''")
    said = page.locator("#announcer").text_content() or ""
    assert said == "Chapter 3 of 4: Getting help </script><!--. Paused.", said
    page.keyboard.press("Space")
    page.keyboard.press("n")
    page.wait_for_function("() => document.getElementById('announcer').textContent.startsWith('Now playing')")
    assert page.locator("#announcer").text_content() == "Now playing Chapter 4 of 4: Is it catching?"


MEDIA_SPY = """
    window.__handlers = {};
    const ms = navigator.mediaSession;
    const realHandler = ms.setActionHandler.bind(ms);
    ms.setActionHandler = (name, handler) => { window.__handlers[name] = handler; return realHandler(name, handler); };
    const realPosition = ms.setPositionState.bind(ms);
    ms.setPositionState = (state) => { window.__position = state; return realPosition(state); };
"""


def test_headset_and_lock_screen_buttons_through_the_media_session(
    session: Any, site: BuildResult, base_url: str
) -> None:
    s = session()
    s.context.add_init_script(MEDIA_SPY)
    page = s.open(base_url + "index.html")
    handlers = set(page.evaluate("() => Object.keys(window.__handlers)"))
    assert {"play", "pause", "previoustrack", "nexttrack", "seekbackward", "seekforward", "seekto"} <= handlers
    meta = page.evaluate(
        "() => { const m = navigator.mediaSession.metadata;"
        " return {title: m.title, artist: m.artist, album: m.album, art: m.artwork.map((a) => a.src)}; }"
    )
    assert meta["title"] == site.chapters[0].script.title and meta["artist"] == TITLE
    assert meta["art"] == [base_url + "cover.png"] and (site.out / "cover.png").is_file()
    page.evaluate("() => window.__handlers.nexttrack({action: 'nexttrack'})")
    assert audio_state(page)["src"] == chapter_audio(site, 1)
    assert page.evaluate("() => navigator.mediaSession.metadata.title") == "Chapter 1 of 4: Introduction"
    page.evaluate("() => window.__handlers.play({action: 'play'})")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert page.evaluate("() => navigator.mediaSession.playbackState") == "playing"
    # The position state follows the chapter: its length, the rate, where it is.
    page.wait_for_function(
        f"() => window.__position && Math.abs(window.__position.duration - {site.chapters[1].duration}) < 0.1"
    )
    assert page.evaluate("() => window.__position.playbackRate") == 1
    page.evaluate("() => window.__handlers.seekto({action: 'seekto', seekTime: 0.5})")
    page.wait_for_function("() => Math.abs(document.getElementById('audio').currentTime - 0.5) < 0.3")
    page.evaluate("() => window.__handlers.seekforward({action: 'seekforward'})")  # 30 s: to the end, nearly
    assert audio_state(page)["time"] == pytest.approx(site.chapters[1].duration - 0.1, abs=0.3)
    page.evaluate("() => window.__handlers.pause({action: 'pause'})")
    assert audio_state(page)["paused"]
    page.evaluate("() => window.__handlers.seekbackward({action: 'seekbackward'})")  # 15 s: to the start
    assert audio_state(page)["time"] == pytest.approx(0, abs=0.05)
    page.evaluate("() => window.__handlers.previoustrack({action: 'previoustrack'})")
    assert audio_state(page)["src"] == chapter_audio(site, 0)
    assert page.evaluate("() => navigator.mediaSession.playbackState") == "paused"


@pytest.mark.parametrize("size", [(390, 844), (320, 256)])
def test_play_pause_stays_on_screen_after_choosing_chapter_4(
    session: Any, site: BuildResult, base_url: str, size: tuple[int, int]
) -> None:
    width, height = size
    page = session(viewport={"width": width, "height": height}).open(base_url + "index.html")
    page.get_by_role("button", name=re.compile(r"^Chapter 4 of 4")).click()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    on_screen = f"""() => ['play', 'bar-play'].map((id) => document.getElementById(id)).filter((el) => {{
        const r = el.getBoundingClientRect();
        return el.getClientRects().length > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= {height} && r.right <= {width}
            && r.width >= 72 && r.height >= 72
            && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest('button') === el;
    }}).map((el) => el.id)"""
    page.wait_for_function(f"() => ({on_screen})().length > 0")
    visible_id = page.evaluate(on_screen)[0]
    assert "Pause" in page.locator(f"#{visible_id}").inner_text()
    page.locator(f"#{visible_id}").click()
    assert audio_state(page)["paused"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_missing_chapter_is_shown_said_and_skipped(session: Any, site: BuildResult, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(site.out, folder)
    (folder / chapter_audio(site, 2)).unlink()
    server, thread = serve_folder(folder)
    try:
        page = session().open(server.public_base + "index.html")
        page.get_by_role("button", name=re.compile(r"^Chapter 2 of 4: Rest and pacing")).click()
        page.wait_for_function(
            f"() => document.getElementById('audio').getAttribute('src') === {json.dumps(chapter_audio(site, 3))}"
            " && !document.getElementById('audio').paused"
        )
        problem = page.locator("#problem")
        assert problem.is_visible() and problem.get_attribute("role") == "alert"
        assert problem.inner_text() == (
            "The audio of Chapter 2 of 4: Rest and pacing could not be loaded."
            " Moving on to Chapter 3 of 4: Getting help </script><!--."
        )
        page.get_by_role("button", name=re.compile(r"^Chapter 1 of 4")).click()  # choosing again clears it
        assert problem.is_hidden()
    finally:
        stop_serving(server, thread)


def test_voice_control_remembers_it_was_on_and_last_chapter_is_the_last(
    session: Any, site: BuildResult, base_url: str
) -> None:
    s = session()
    s.context.add_init_script("""
        window.SpeechRecognition = class {
            start() { window.__recognizer = this; window.__starts = (window.__starts || 0) + 1; }
            stop() { window.__recognizer = null; }
        };
        window.__say = (phrase) => window.__recognizer.onresult({results: [[{transcript: phrase}]]});
    """)
    page = s.open(base_url + "index.html")
    assert page.evaluate("() => window.__starts || 0") == 0
    page.get_by_role("switch", name="Voice control").click()
    page.evaluate("() => window.__say('last chapter')")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert audio_state(page)["src"] == chapter_audio(site, len(site.chapters) - 1)
    page.evaluate("() => window.__say('first chapter please')")
    assert audio_state(page)["src"] == chapter_audio(site, 1)
    page.reload()
    page.wait_for_function("() => window.__starts === 1 && window.__recognizer")
    assert page.get_by_role("switch", name="Voice control").get_attribute("aria-checked") == "true"
    page.get_by_role("switch", name="Voice control").click()
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#cues .cue').length > 0")
    assert page.evaluate("() => window.__starts || 0") == 0


def axe_violations(page: Page) -> list[Any]:
    page.add_script_tag(path=str(AXE))
    return list(
        page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map((v) => ({id: v.id, help: v.help,
                    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)}));
            }""",
            WCAG_TAGS,
        )
    )


@pytest.mark.parametrize("mode", ["scan-group", "scan-item", "anywhere", "with-base-url", "subscribe-page", "bar"])
def test_axe_finds_no_violations_in_any_mode(
    session: Any, base_url: str, based: BuildResult, site: BuildResult, mode: str
) -> None:
    s = session(bypass_csp=True)
    if mode.startswith("scan"):
        page = s.open(base_url + "index.html#scan=5")  # 5 s: the highlight stays put while axe looks
        page.keyboard.press("x")  # play
        page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'chapters'", timeout=8000)
        if mode == "scan-item":
            page.keyboard.press("x")
            page.wait_for_function("() => document.querySelector('.scan-current.chapter')")
    elif mode == "anywhere":
        page = s.open(base_url + "index.html#anywhere")
        page.mouse.click(200, 200)
        page.wait_for_function("() => !document.getElementById('audio').paused")
    elif mode == "with-base-url":
        page = s.open((based.out / "index.html").resolve().as_uri())
        page.locator("img[src$='feed-qr.svg']").scroll_into_view_if_needed()
    elif mode == "subscribe-page":
        page = s.page
        page.goto((based.out / "subscribe.html").resolve().as_uri())
    else:
        page = s.open(base_url + "index.html")
        page.get_by_role("button", name=re.compile(r"^Chapter 4 of 4")).click()
        page.wait_for_function("() => !document.getElementById('playbar').hidden")
    assert axe_violations(page) == []


@pytest.mark.parametrize("where", ["served", "with-base-url", "subscribe-page", "scanning-in-a-group", "small"])
def test_every_control_is_at_least_72_pixels_in_every_state(
    session: Any, base_url: str, based: BuildResult, where: str
) -> None:
    s = session(viewport={"width": 390, "height": 844}) if where == "small" else session()
    if where == "with-base-url":
        page = s.open((based.out / "index.html").resolve().as_uri())
    elif where == "subscribe-page":
        page = s.page
        page.goto((based.out / "subscribe.html").resolve().as_uri())
    elif where == "scanning-in-a-group":
        page = s.open(base_url + "index.html#scan=5")
        page.keyboard.press("x")
        page.wait_for_function("() => document.querySelector('.scan-current')?.id === 'chapters'", timeout=8000)
        page.keyboard.press("x")
        assert page.locator("#scan-exit").is_visible()
    else:
        page = s.open(base_url + "index.html")
        page.get_by_role("button", name=re.compile(r"^Chapter 4 of 4")).click()
    if page.locator("#settings-details > summary").count():
        page.evaluate("() => { document.getElementById('settings-details').open = true; }")
    small = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.getClientRects().length > 0)
            .map((el) => { const r = el.getBoundingClientRect();
                           return {what: el.id || el.className || el.tagName, w: r.width, h: r.height}; })
            .filter((box) => box.w < 72 || box.h < 72)""",
        INTERACTIVE,
    )
    assert small == []


def test_serve_on_the_network_prints_a_qr_code_of_the_page(site: BuildResult, tmp_path: Path) -> None:
    import os
    import sys

    from PIL import Image

    command = [sys.executable, "-m", "audioguide", "serve", str(site.out), "--host", "0.0.0.0", "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as served:
        try:
            assert served.stdout is not None
            for line in served.stdout:
                lines.append(line.rstrip("\n"))
                if line.startswith("Press Ctrl+C"):
                    break
        finally:
            served.terminate()
            served.wait(timeout=10)
    page_line = next(line for line in lines if line.startswith("Listening page: "))
    page_url = page_line.removeprefix("Listening page: ")
    # The code is drawn with half blocks, two rows of modules to a line; a block is a light module.
    art = [line for line in lines if line and set(line) <= set("█▀▄ ")]
    assert len(art) > 10
    width = max(len(line) for line in art)
    image = Image.new("L", (width, 2 * len(art)), 255)
    for y, line in enumerate(art):
        for x, char in enumerate(line):
            top, bottom = char in "█▀", char in "█▄"
            image.putpixel((x, 2 * y), 0 if top else 255)
            image.putpixel((x, 2 * y + 1), 0 if bottom else 255)
    # Light modules as blocks means the code reads on a dark terminal: invert it, add a margin, enlarge.
    from PIL import ImageOps

    picture = ImageOps.expand(ImageOps.invert(image), border=8, fill=255).resize(
        ((width + 16) * 8, (2 * len(art) + 16) * 8), Image.Resampling.NEAREST
    )
    picture.save(tmp_path / "terminal-qr.png")
    assert decode_qr(tmp_path / "terminal-qr.png") == [page_url]


def test_a_feed_episode_link_opens_its_chapter(session: Any, site: BuildResult, base_url: str) -> None:
    """Each feed item links to index.html#N; the page opens chapter N (0: the spoken contents)."""
    for chapter in (site.chapters[2], site.chapters[0]):
        page = session().open(base_url + f"index.html#{chapter.script.number}")
        src = page.evaluate("() => document.getElementById('audio').getAttribute('src')")
        assert src.endswith(Path(chapter.audio).name), (chapter.script.number, src)

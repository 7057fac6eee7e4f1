"""The listening page: ``index.html`` with its stylesheet and script, usable without fine finger movement.

Everything the page needs is in the build folder: the chapter list, the audio paths and every
chapter's sentence cues are embedded in the page as JSON (browsers block ``fetch`` on ``file://``),
and the stylesheet and script sit beside it in ``page/``. The publisher also writes ``subscribe.html``
(the subscribe panel on its own), and with an absolute base URL the QR codes of the feed and page
addresses and the printable subscribe card (``card.pdf``, ``card.png``). The output depends only on
the build, so the same build gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..fsutil import write_atomic
from ..i18n import direction, messages, number_words
from ..model import BuiltChapter
from . import LAST, Published, card, register, subscribe

if TYPE_CHECKING:
    from . import PublishContext

PAGE = "index.html"
"""The page's path in the build folder."""
ASSETS = ("listen.css", "listen.js")
"""Files copied beside the page, into :data:`ASSET_DIR`."""
ASSET_DIR = "page"
"""The folder, relative to the build, that holds the page's stylesheet and script."""


@register("page", "the listening page", always=True, order=LAST)
def publish(ctx: PublishContext) -> Published:
    """Write the listening page, its assets and the subscribe files into ``ctx.out``."""
    versions: dict[str, str] = {}
    written: list[str] = []
    for name in ASSETS:
        data = _asset(name).encode("utf-8")
        rel = f"{ASSET_DIR}/{name}"
        write_atomic(ctx.out / rel, data)
        versions[name] = hashlib.sha256(data).hexdigest()[:10]
        written.append(rel)
    feed = str(ctx.meta.get("feed") or "feed.xml")
    generator = str(ctx.meta.get("generator") or "audioguide")
    cover = str(ctx.meta.get("cover") or "")
    base = subscribe.absolute_base(ctx.meta.get("base_url"))
    feed_url = base + feed if base else None
    page_url = base + PAGE if base else None
    title = ctx.script.title
    m = messages(ctx.script.language)
    if feed_url and page_url:
        # Everything is drawn before anything is written, so a failure leaves no half-made set.
        try:
            drawn = {
                subscribe.QR_FEED: subscribe.qr_svg(feed_url, m.text("page.feed_link")).encode("utf-8"),
                subscribe.QR_PAGE: subscribe.qr_svg(page_url, m.text("page.qr_page_title")).encode("utf-8"),
            }
            drawn[card.PNG], drawn[card.PDF] = card.card_image_bytes(title, feed_url, ctx.script.language)
        except ValueError as exc:  # segno's DataOverflowError: no QR code holds an address this long
            raise InputError(
                f"The --base-url is too long to draw as a QR code ({len(feed_url)} characters); use a shorter address."
            ) from exc
        for rel, data in drawn.items():
            write_atomic(ctx.out / rel, data)
            written.append(rel)
    write_atomic(
        ctx.out / subscribe.PAGE,
        render_subscribe(title, ctx.script.language, feed_url, page_url, generator=generator, versions=versions),
    )
    # The page goes last, so it never names files that are not there yet.
    write_atomic(
        ctx.out / PAGE,
        render(
            title,
            ctx.script.slug,
            ctx.script.language,
            ctx.chapters,
            feed=feed,
            generator=generator,
            versions=versions,
            feed_url=feed_url,
            page_url=page_url,
            cover=cover,
        ),
    )
    return Published([PAGE, *written[: len(ASSETS)], subscribe.PAGE, *written[len(ASSETS) :]])


def render(
    title: str,
    slug: str,
    language: str,
    chapters: list[BuiltChapter],
    *,
    feed: str = "feed.xml",
    generator: str = "audioguide",
    versions: dict[str, str] | None = None,
    feed_url: str | None = None,
    page_url: str | None = None,
    cover: str = "",
) -> str:
    """The page's HTML. Every piece of guide text is escaped; the JSON cannot close its script element."""
    versions = versions or {}
    esc = html.escape
    names = [chapter_name(c, chapters, language) for c in chapters]
    first = chapters[0] if chapters else None
    data = page_data(title, slug, language, chapters)
    data.update({"feed": feed, "feedUrl": feed_url, "cover": cover, "clients": subscribe.client_data()})
    m = messages(language)
    page_words = subscribe.words(
        language,
        title=esc(m.text("page.title", title=title)),
        anywhere_hint=subscribe.html_text(language, "page.anywhere_hint", address="index.html#anywhere"),
        scanning_hint=subscribe.html_text(
            language, "page.scanning_hint", address="index.html#scan", address_seconds="#scan=3"
        ),
        time_start=esc(m.text("page.time_of", time="0:00", length=_clock(first.duration) if first else "0:00")),
        volume_full=esc(m.text("page.volume", percent=100)),
        scan_interval=esc(m.text("page.scan_interval", count=2)),
    )
    return Template(_asset("index.html")).substitute(
        page_words,
        lang=esc(language),
        dir=direction(language),
        title=esc(title),
        generator=esc(generator),
        facts=esc(_facts(chapters, language)),
        css_version=esc(versions.get("listen.css", "")),
        js_version=esc(versions.get("listen.js", "")),
        first_name=esc(names[0] if names else ""),
        chapter_items="\n".join(_chapter_item(i, c, chapters, language) for i, c in enumerate(chapters)),
        plain_links="\n".join(_plain_link(c, n, language) for c, n in zip(chapters, names, strict=True)),
        feed=esc(feed_url or feed),
        subscribe_panel=subscribe.panel(feed_url, page_url, language=language),
        data=script_json(data),
    )


def render_subscribe(
    title: str,
    language: str,
    feed_url: str | None,
    page_url: str | None,
    *,
    generator: str = "audioguide",
    versions: dict[str, str] | None = None,
) -> str:
    """``subscribe.html``: the subscribe panel on a page of its own, to send or bookmark."""
    versions = versions or {}
    esc = html.escape
    return Template(_asset("subscribe.html")).substitute(
        subscribe.words(language, subscribe_title=esc(messages(language).text("page.subscribe_title", title=title))),
        lang=esc(language),
        dir=direction(language),
        title=esc(title),
        generator=esc(generator),
        css_version=esc(versions.get("listen.css", "")),
        js_version=esc(versions.get("listen.js", "")),
        subscribe_panel=subscribe.panel(feed_url, page_url, language=language),
        data=script_json(
            {
                "title": title,
                "language": language,
                "strings": messages(language).section("page"),
                "feed": "feed.xml",
                "feedUrl": feed_url,
                "clients": subscribe.client_data(),
            }
        ),
    )


def page_data(title: str, slug: str, language: str, chapters: list[BuiltChapter]) -> dict[str, Any]:
    """What the page's script reads: the guide, its chapters and every chapter's sentence cues."""
    return {
        "title": title,
        "slug": slug,
        "language": language,
        "strings": messages(language).section("page"),
        "commands": messages(language).section("voice_commands"),
        "numbers": number_words(language),
        "chapters": [
            {
                "number": c.script.number,
                "kind": c.script.kind,
                "slug": c.script.slug,
                "title": c.script.title,
                "name": chapter_name(c, chapters, language),
                "audio": c.audio,
                "duration": round(c.duration, 3),
                "cues": [
                    {"text": u.text, "kind": u.kind, "start": round(t.start, 3), "end": round(t.end, 3)}
                    for u, t in zip(c.script.utterances, c.timings, strict=True)
                ],
            }
            for c in chapters
        ],
    }


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` occur in JSON only inside strings, where their ``\\u`` escapes mean the same,
    so guide text such as ``</script>`` or ``<!--`` cannot end the element or start a comment.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def chapter_name(chapter: BuiltChapter, chapters: list[BuiltChapter], language: str = "en") -> str:
    """How the page names a chapter: "Chapter 2 of 5: Title" (in the guide's language), or the contents
    chapter's own title."""
    if chapter.script.kind != "chapter":
        return chapter.script.title
    total = sum(1 for c in chapters if c.script.kind == "chapter")
    return messages(language).text(
        "page.chapter_name", n=chapter.script.number, total=total, title=chapter.script.title
    )


def length_words(seconds: float, language: str = "en") -> str:
    """A listening time in words a tired listener can plan with: "under a minute", "about 12 minutes"."""
    m = messages(language)
    if seconds < 60:
        return m.text("page.length_under_minute")
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    said_hours = m.text("page.hours", count=hours)
    said_minutes = m.text("page.minutes", count=minutes)
    if hours and minutes:
        length = m.text("page.hours_minutes", hours=said_hours, minutes=said_minutes)
    else:
        length = said_hours if hours else said_minutes
    return m.text("page.length_about", length=length)


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _facts(chapters: list[BuiltChapter], language: str = "en") -> str:
    count = sum(1 for c in chapters if c.script.kind == "chapter")
    total = sum(c.duration for c in chapters)
    key = "page.facts_with_contents" if any(c.script.kind == "contents" for c in chapters) else "page.facts"
    return messages(language).text(key, count=count, length=length_words(total, language))


def _chapter_item(index: int, chapter: BuiltChapter, chapters: list[BuiltChapter], language: str = "en") -> str:
    esc = html.escape
    if chapter.script.kind == "chapter":
        total = sum(1 for c in chapters if c.script.kind == "chapter")
        said = messages(language).text("page.chapter_label", n=chapter.script.number, total=total)
        label = f'<span class="chapter-label">{esc(said)}</span> '
    else:
        label = ""
    return (
        f'<li><button type="button" class="chapter" data-scan data-index="{index}">{label}'
        f'<span class="chapter-title">{esc(chapter.script.title)}</span><span class="sr-only">,</span> '
        f'<span class="chapter-length">{esc(length_words(chapter.duration, language))}</span></button></li>'
    )


def _plain_link(chapter: BuiltChapter, name: str, language: str = "en") -> str:
    esc = html.escape
    m = messages(language)
    transcript = chapter.extra_files.get("html")
    audio = m.text("page.link_audio", name=name)
    link = f'<li><a class="link-button" href="{esc(chapter.audio)}">{esc(audio)}</a></li>'
    if transcript:
        said = m.text("page.link_transcript", name=name)
        link += f'\n<li><a class="link-button" href="{esc(transcript)}">{esc(said)}</a></li>'
    return link


def _asset(name: str) -> str:
    return (resources.files("audioguide.publish") / "page_assets" / name).read_text(encoding="utf-8")

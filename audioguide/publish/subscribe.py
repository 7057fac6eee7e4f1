"""Subscribing without typing: one link per podcast app, QR codes, and the words for when there is no address.

The podcast apps and how each one is opened with a feed live in :data:`CLIENTS`, the one table the
listening page, ``subscribe.html`` and the page's script all read. The URL schemes follow the Podlove
Subscribe Button's client list, and so does the rule for joining a scheme to a feed address: a scheme
that takes the address as a path gets it without its ``http://`` (the app adds a scheme itself). An
``https://`` address loses its scheme too, unlike in Podlove: in ``podcast://https://host/feed`` a
browser's URL parser reads ``https:`` as a host with an empty port and passes the app
``podcast://https//host/feed``. A scheme that takes the address as a query parameter gets the whole
address, percent-encoded.

QR codes are drawn at build time with segno (pure Python, SVG, no network).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from string import Template
from urllib.parse import quote, urlsplit

from ..i18n import messages
from ..i18n.catalogue import PLACEHOLDER

PAGE = "subscribe.html"
"""The subscribe page's path in the build folder."""
QR_FEED = "subscribe/feed-qr.svg"
"""A QR code of the feed address (only written when the build has an absolute base URL)."""
QR_PAGE = "subscribe/page-qr.svg"
"""A QR code of the listening page's address (likewise)."""


@dataclass(frozen=True)
class Client:
    """A podcast app that can be opened with a feed address."""

    id: str
    """Short name used in the page (``data-client``) and in tests."""
    name: str
    """The app's name as people know it."""
    platforms: tuple[str, ...]
    """Where the app runs, in words: ``("iPhone", "iPad", "Mac")``."""
    prefix: str
    """What goes before the feed address."""
    query: bool = False
    """True when the address is a query parameter (then it is percent-encoded and kept whole)."""


CLIENTS: tuple[Client, ...] = (
    Client("apple", "Apple Podcasts", ("iPhone", "iPad", "Mac"), "podcast://"),
    Client("antennapod", "AntennaPod", ("Android",), "antennapod-subscribe://"),
    Client("pocketcasts", "Pocket Casts", ("iPhone", "Android"), "pktc://subscribe/"),
    Client("overcast", "Overcast", ("iPhone", "iPad"), "overcast://x-callback-url/add?url=", query=True),
    Client("castro", "Castro", ("iPhone",), "castro://subscribe/"),
    Client("podcastaddict", "Podcast Addict", ("Android",), "podcastaddict://"),
)
"""Every app the page offers a button for, in the order shown (the page's script may put the apps of the
device in use first). "Any other app" is not in the table: it is the copy button."""


def link(client: Client, feed_url: str) -> str:
    """The address that opens ``client`` with the feed at ``feed_url`` (an absolute http or https URL)."""
    if client.query:
        return client.prefix + quote(feed_url, safe="")
    for scheme in ("http://", "https://"):
        if feed_url.startswith(scheme):
            return client.prefix + feed_url[len(scheme) :]
    return client.prefix + feed_url


def absolute_base(base: object) -> str | None:
    """``base`` with one trailing slash when it is an absolute http(s) URL with a host, else None."""
    if not isinstance(base, str) or not base:
        return None
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return base if base.endswith("/") else base + "/"


def client_data() -> list[dict[str, object]]:
    """The table as the page's script reads it (it builds the links itself when served without a base URL)."""
    return [
        {"id": c.id, "name": c.name, "platforms": list(c.platforms), "prefix": c.prefix, "query": c.query}
        for c in CLIENTS
    ]


def qr_svg(text: str, label: str) -> str:
    """A QR code of ``text`` as a standalone SVG with a title, black on white with the quiet zone."""
    import io

    import segno  # imported here: only the page publisher needs it

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", scale=8, border=4, dark="#000", light="#fff", title=label, xmldecl=True, svgns=True
    )
    return buffer.getvalue().decode("utf-8") + "\n"


def qr_terminal(text: str) -> str:
    """A QR code of ``text`` drawn with block characters, for a terminal."""
    import io

    import segno

    buffer = io.StringIO()
    segno.make(text, error="m", micro=False).terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


SERVE_COMMAND = "audioguide serve --host 0.0.0.0"
"""What the panel tells the guide's maker to run for an address a phone can reach."""


def escape_text(text: str) -> str:
    """``text`` safe in HTML text and in double-quoted attributes (an apostrophe stays as it is)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def html_text(language: str, key: str, **markup: str) -> str:
    """The page message ``key`` in ``language`` as HTML: its text escaped, each placeholder named in
    ``markup`` replaced by that (already safe) HTML, e.g. ``option="<code>--base-url</code>"``."""
    marks = {name: f"\x00{name}\x00" for name in markup}
    text = escape_text(messages(language).text(key, **marks))
    for name, value in markup.items():
        text = text.replace(marks[name], value)
    return text


def words(language: str, **special: str) -> dict[str, str]:
    """The page templates' ``${t_key}`` values: every ``[page]`` message of ``language`` that takes no
    values, escaped, plus ``special`` (already safe HTML) for the ones that do."""
    found = {
        f"t_{key}": escape_text(value)
        for key, value in messages(language).section("page").items()
        if isinstance(value, str) and not PLACEHOLDER.search(value)
    }
    found.update({f"t_{key}": value for key, value in special.items()})
    return found


def panel(
    feed_url: str | None,
    page_url: str | None,
    *,
    prefix: str = "",
    heading_level: int = 2,
    language: str = "en",
) -> str:
    """The subscribe panel's HTML in ``language``. ``prefix`` is the path from the page to the build
    folder's root.

    Without an absolute address the app buttons are left out (the page's script adds them when it is
    served over http) and the panel says how to get an address instead.
    """
    esc = html.escape
    h = f"h{heading_level}"
    rows = []
    if feed_url:
        for c in CLIENTS:
            where = esc(", ".join(c.platforms))
            rows.append(
                f'<li><a class="control app-link" data-scan data-client="{esc(c.id)}" href="{esc(link(c, feed_url))}">'
                f'<span class="app-name">{esc(c.name)}</span> <span class="app-where">{where}</span></a></li>'
            )
    apps = "\n".join(rows)
    address = esc(feed_url or "")
    qr = ""
    if feed_url and page_url:
        t = messages(language).text
        qr = (
            f'<div class="qr-pair">\n'
            f'<figure class="qr"><img src="{esc(prefix + QR_PAGE)}" width="240" height="240" '
            f'alt="{esc(t("page.qr_page_alt"))}">'
            f"<figcaption>{esc(t('page.qr_page_caption'))}</figcaption></figure>\n"
            f'<figure class="qr"><img src="{esc(prefix + QR_FEED)}" width="240" height="240" '
            f'alt="{esc(t("page.qr_feed_alt"))}">'
            f"<figcaption>{esc(t('page.qr_feed_caption'))}</figcaption></figure>\n"
            f"</div>\n"
            f'<p><a class="link-button" href="{esc(prefix)}card.pdf">{esc(t("page.print_card"))}</a></p>'
        )
    no_address = " hidden" if feed_url else ""
    has_address = "" if feed_url else " hidden"
    template = Template(
        (resources.files("audioguide.publish") / "page_assets" / "subscribe_panel.html").read_text("utf-8")
    )
    command = f"<code>{esc(SERVE_COMMAND)}</code>"
    return template.substitute(
        words(
            language,
            subscribe_rebuild=html_text(language, "page.subscribe_rebuild", option="<code>--base-url</code>"),
            subscribe_serve=html_text(language, "page.subscribe_serve", command=command),
            subscribe_local=html_text(language, "page.subscribe_local", command=command),
        ),
        h=h,
        no_address=no_address,
        has_address=has_address,
        apps=apps,
        address=address,
        qr=qr,
    ).rstrip("\n")

"""Web pages: the page's main content, with its headings, lists and tables; menus, cookie notices,
donate and share boxes, related links and footers left out.

Two opinions decide what the main content is. The project's own rules drop page furniture by element
(``nav``, ``header``, ``footer``, ``aside``, dialogs, hidden parts), by ARIA role and by the names sites
give furniture in ``class``/``id`` (cookie, breadcrumb, sidebar, donate, share, related, newsletter...),
and keep the structure: heading levels, list items, tables, text sitting loose in ``div`` soup.
trafilatura, a maintained main-content extractor, then votes on each paragraph: a paragraph the
extractor left out of the main text is dropped too. Either alone lets furniture through on div-soup
pages (see tests/test_readers_html.py for the measurement); together they let none through on the
project's fixtures.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..model import Document
from .base import (
    Event,
    Reader,
    assemble,
    capitalise,
    check_text,
    decode_source,
    has_package,
    is_consent_button,
    is_consent_text,
    is_generic_link,
    make_table,
    quiet_logger,
    same_title,
    tidy,
)

_DROP_TAGS = (
    "nav",
    "header",
    "footer",
    "aside",
    "script",
    "style",
    "form",
    "noscript",
    "template",
    "iframe",
    "svg",
    "button",
    "select",
    "textarea",
    "input",
    "object",
    "embed",
    "canvas",
    "dialog",
    "menu",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu"}
_FURNITURE_NAME = re.compile(
    r"(?:^|[-_\s])(?:cookies?|consent|gdpr|cmp|nav|navbar|navigation|menu|megamenu|breadcrumbs?|crumbs|sidebar|"
    r"side-?bar|site-?footer|footer|site-?header|masthead|donate|donation|donations|appeal|share|sharing|"
    r"social|socials|related|see-?also|more-?links|newsletter|signup|sign-?up|subscribe|promo|advert|adverts|"
    r"ads|skip|skip-?link|feedback|rating|was-?this-?helpful|toolbar|pagination|comments?|popup|modal|"
    r"overlay|tags|print|download-?box)(?:$|[-_\s])",
    re.I,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LEAVES = ("p", "li", "blockquote", "dd", "dt", "figcaption", "pre", "caption", "summary", "address")
_INLINE = {
    "a",
    "span",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "small",
    "abbr",
    "sup",
    "sub",
    "code",
    "mark",
    "time",
    "q",
    "cite",
    "font",
    "label",
    "bdi",
    "bdo",
    "data",
    "dfn",
    "kbd",
    "s",
    "samp",
    "var",
    "wbr",
    "ins",
    "del",
    "img",
    "picture",
}
_BLOCKISH = (*_HEADINGS, *_LEAVES, "div", "section", "article", "main", "ul", "ol", "dl", "table", "br", "hr")
_CONSENT_WORD = re.compile(r"cookie|consent", re.I)
_BLOCK_NAMES = frozenset(_BLOCKISH)
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def html_language(tag: str | None) -> str | None:
    """A BCP 47 tag from an HTML ``lang`` value ("en_GB" -> "en-GB"), or None when it is not one."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-").split(",")[0].strip()
    if not _LANG_TAG.match(tag):
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(out)


@dataclass
class Page:
    """What was read from one HTML page."""

    title: str | None
    events: list[Event]
    language: str | None = None
    description: str | None = None
    author: str | None = None
    extractor_used: bool = False
    dropped: list[str] = field(default_factory=list)
    """Paragraphs the main-content vote removed (for measuring)."""


class HtmlReader(Reader):
    """Web pages (HTML, XHTML)."""

    name = "html"
    summary = "web pages"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        text = decode_source(data, name, charset or _meta_charset(data))
        return parse_html(text, name)


def _meta_charset(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", data[:4096], re.I)
    return match.group(1).decode("ascii") if match else None


_CODE = re.compile(r"<(script|style|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def parse_html(text: str, name: str, extractor: bool = True) -> Document:
    """Read an HTML page's main content (``extractor``: let trafilatura vote on the paragraphs)."""
    check_text(_TAG.sub(" ", _CODE.sub(" ", text)), name)  # a page's text with no space for megabytes: say so now
    page = read_page(text, extractor=extractor)
    return assemble(
        page.title,
        page.events,
        name=name,
        reader="html",
        language=page.language,
        author=page.author,
        description=page.description,
    )


def html_events(text: str, fragment: bool = False, h1_is_title: bool = True) -> tuple[str | None, list[Event]]:
    """Title and events of an HTML page or fragment by the project's own rules only."""
    page = read_page(text, extractor=False, h1_is_title=h1_is_title)
    return (None if fragment else page.title), page.events


def _soup(text: str) -> Any:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml" if has_package("lxml") else "html.parser")


def _tags(soup: Any) -> dict[str, list[Any]]:
    """Every element by name, in document order, from one walk of the tree (bs4's searches each walk it);
    under "" all of them."""
    from bs4.element import Tag

    found: dict[str, list[Any]] = {"": []}
    for element in soup.descendants:
        if isinstance(element, Tag):
            found.setdefault(element.name, []).append(element)
            found[""].append(element)
    return found


def _meta(metas: list[Any], *keys: str) -> str | None:
    for key in keys:
        for tag in metas:
            if key in (tag.get("property"), tag.get("name")):
                content = tag.get("content")
                if isinstance(content, str) and content.strip():
                    return tidy(content)
    return None


def _strip_site_name(title: str) -> str:
    """ "Equipment for MND | Care Alliance" -> "Equipment for MND"."""
    parts = [p.strip() for p in re.split(r"\s+[|–—·]\s+|\s+-\s+", title) if p.strip()]
    return parts[0] if len(parts) > 1 else title


def read_page(text: str, extractor: bool = True, h1_is_title: bool = True) -> Page:
    """Read ``text`` (a page or a fragment) into a :class:`Page`; a lone ``h1`` is the page's title unless
    ``h1_is_title`` is False (a book's chapter file, whose h1 is the chapter's heading)."""
    soup = _soup(text)
    tags = _tags(soup)
    for name in ("script", "style", "template", "noscript"):
        for tag in tags.pop(name, []):
            tag.decompose()
    metas = tags.get("meta", [])
    html_tag = (tags.get("html") or [None])[0]
    language = html_language(html_tag.get("lang") or html_tag.get("xml:lang")) if html_tag else None
    language = language or html_language(_meta(metas, "og:locale", "language", "content-language"))
    if language is None:
        tag = next((m for m in metas if str(m.get("http-equiv", "")).lower() == "content-language"), None)
        language = html_language(tag.get("content")) if tag else None
    h1s = [h for h in tags.get("h1", []) if not h.find_parent(["nav", "footer", "aside", "form", "dialog"])]
    page_title = (tags.get("title") or [None])[0]
    named = [t for t in (_meta(metas, "og:title"), tidy(page_title.string or "") if page_title else None) if t]
    lone = tidy(h1s[0].get_text(" ")) if len(h1s) == 1 and h1_is_title else None
    # A lone h1 is the page's title when headings follow it (they are the chapters) or when the page
    # names itself the same way; a lone h1 over the only text, on a page named otherwise, heads a chapter.
    under = any(h for n in range(2, 7) for h in tags.get(f"h{n}", []) if not h.find_parent(["nav", "footer", "aside"]))
    lone_title = bool(lone) and (under or not named or any(same_title(lone or "", t, loose=True) for t in named))
    title: str | None = lone if lone_title else None
    if not title:
        title = _meta(metas, "og:title")
    if not title and page_title is not None and page_title.string:
        title = _strip_site_name(tidy(page_title.string)) or None
    description = _meta(metas, "description", "og:description")
    author = _meta(metas, "author", "article:author")

    _drop_furniture(soup, tags)
    main = [t for t in tags.get("main", []) + tags.get("article", []) if not getattr(t, "decomposed", False)]
    root = next((t for t in main if t.name == "main"), None) or (main[0] if main else None) or soup.body or soup
    _keep_generic_link_targets(root)
    events: list[Event] = []
    _walk(root, events)
    heading_levels = sorted({e.level for e in events if e.kind == "heading" and (e.level > 1 or not lone_title)})
    ranked: list[Event] = []
    for event in events:
        if event.kind == "heading":
            if event.level == 1 and lone_title and tidy(event.text) == title:
                continue  # the page title
            level = heading_levels.index(event.level) + 1 if event.level in heading_levels else 1
            ranked.append(Event("heading", event.text, level))
        else:
            ranked.append(event)
    page = Page(title=title, events=ranked, language=language, description=description, author=author)
    if extractor and has_package("trafilatura"):
        _vote(text, page)
    return page


def _drop_furniture(soup: Any, tags: dict[str, list[Any]]) -> None:
    from bs4.element import NavigableString

    body = soup.body or soup
    total = len(body.get_text(" ").split()) or 1
    for name in _DROP_TAGS:
        for tag in tags.get(name, []):
            tag.decompose()
    for tag in tags[""]:
        if getattr(tag, "decomposed", False):
            continue
        attrs = getattr(tag, "attrs", None)
        if not attrs or tag.name in ("html", "body", "main", "article"):
            continue
        role = str(attrs.get("role", "")).lower()
        hidden = "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true"
        style = str(attrs.get("style", "")).replace(" ", "").lower()
        hidden = hidden or "display:none" in style or "visibility:hidden" in style
        names = " ".join([*(attrs.get("class") or []), str(attrs.get("id", ""))])
        furniture = role in _DROP_ROLES or attrs.get("aria-modal") == "true" or bool(_FURNITURE_NAME.search(names))
        if not (hidden or furniture):
            continue
        if furniture and not hidden and (tag.find(["main", "article"]) or _share(tag, total) > 0.5):
            continue  # a wrapper around the content that happens to carry such a name
        tag.decompose()
    # A consent notice: climb from each string that mentions cookies or consent to the largest
    # enclosing element that is still only the notice.
    strings = [d for d in soup.descendants if isinstance(d, NavigableString) and _CONSENT_WORD.search(d)]
    for string in strings:
        if getattr(string, "parent", None) is None:
            continue  # already removed with an earlier notice
        notice = None
        for ancestor in string.parents:
            if ancestor.name in ("html", "body", "main", "article", "[document]"):
                break
            text = ancestor.get_text(" ")
            if len(text.split()) > 150 or _share(ancestor, total) >= 0.3:
                break
            if is_consent_text(text):
                notice = ancestor
        if notice is not None:
            notice.decompose()


def _share(tag: Any, total: int) -> float:
    return len(tag.get_text(" ").split()) / total


def _walk(element: Any, events: list[Event], in_item: bool = False) -> None:
    """Events for ``element``'s children in order: text loose in containers becomes a paragraph."""
    from bs4.element import Comment, NavigableString, Tag

    buffer: list[str] = []

    def flush() -> None:
        text = tidy(" ".join(buffer))
        buffer.clear()
        if text and not is_consent_button(text):
            events.append(Event("para", capitalise(text) if in_item else text))

    for child in element.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "table":
            flush()
            events.append(Event("table", table=_table(child)))
        elif name in _HEADINGS:
            flush()
            events.append(Event("heading", tidy(child.get_text(" ")), int(name[1])))
        elif name == "br":
            buffer.append(" ")
            if child.next_sibling is not None and getattr(child.next_sibling, "name", None) == "br":
                flush()
        elif name in _LEAVES or name in _INLINE:
            if _has_block(child):
                flush()
                _walk(child, events, in_item=in_item or name == "li")
                flush()
            elif name in _INLINE:
                buffer.append(child.get_text(" "))
            else:
                flush()
                text = tidy(child.get_text(" "))
                if text:
                    events.append(Event("para", capitalise(text) if name == "li" or in_item else text))
        else:
            flush()
            _walk(child, events, in_item=in_item)
            flush()
    flush()


def _has_block(element: Any) -> bool:
    """True when a block element (a paragraph, list, table, div...) sits somewhere inside ``element``."""
    return any(getattr(d, "name", None) in _BLOCK_NAMES for d in element.descendants)


def _table(element: Any) -> Any:
    rows: list[list[str]] = []
    header = False
    for row in element.find_all("tr"):
        if row.find_parent("table") is not element:
            continue
        cells = row.find_all(["th", "td"], recursive=False)
        if not rows and cells and all(c.name == "th" for c in cells):
            header = True
        rows.append([tidy(c.get_text(" ")) for c in cells])
    caption = element.find("caption")
    return make_table(rows, caption.get_text(" ") if caption else "", header=header)


def _keep_generic_link_targets(root: Any) -> None:
    """A "click here" link says nothing aloud without its address: it becomes a Markdown link, which
    the paragraph cleaner turns into "visit www.nhs.uk/..." as it does for Markdown guides."""
    for anchor in root.find_all("a", href=True):
        label = " ".join(anchor.get_text(" ").split())
        href = str(anchor.get("href") or "").strip()
        if label and is_generic_link(label, href) and not re.search(r"[\s()\[\]]", href):
            anchor.replace_with(f"[{label}]({href})")


_LINK_TARGET = re.compile(r"\[([^\]\[]+)\]\([^()\s]*\)")


def _fold(text: str) -> str:
    text = _LINK_TARGET.sub(r"\1", text)  # the extractor's text has a link's words, not its address
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _vote(text: str, page: Page) -> None:
    """Drop the paragraphs and tables trafilatura does not count as the page's main content."""
    import trafilatura

    try:
        with quiet_logger("trafilatura"):  # it logs its doubts about a page
            main = trafilatura.extract(
                text,
                output_format="txt",
                include_tables=True,
                include_comments=False,
                include_links=False,
                include_images=False,
                favor_recall=True,
                deduplicate=False,
            )
    except Exception:  # noqa: BLE001 - the extractor's own failure must not lose the page
        return
    if not main:
        return
    kept_text = _fold(main)
    ours = [e for e in page.events if e.kind == "para"]
    ours_words = sum(len(e.text.split()) for e in ours) or 1
    if len(main.split()) < 0.25 * ours_words:
        return  # it found far less than the page has: trust the structure rules alone
    out: list[Event] = []
    for event in page.events:
        if event.kind == "para" and _fold(event.text) not in kept_text and not _mostly_in(event.text, kept_text):
            page.dropped.append(event.text)
            continue
        if event.kind == "table" and event.table is not None:
            cells = [c for r in event.table.rows for c in r if c]
            if cells and not any(_fold(c) in kept_text for c in cells):
                page.dropped.append(" | ".join(cells))
                continue
        out.append(event)
    page.events = out
    page.extractor_used = True


def _mostly_in(text: str, kept_text: str) -> bool:
    """True when most of ``text``'s sentences are in the extractor's text (it may trim a paragraph's ends)."""
    pieces = [_fold(p) for p in re.split(r"(?<=[.!?])\s+", text) if len(_fold(p)) > 12]
    return bool(pieces) and sum(p in kept_text for p in pieces) / len(pieces) >= 0.6

"""Read a guidance page (plain text, Markdown or HTML) into a :class:`Document`."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .model import Document, Section
from .speech import clean_paragraph, dedupe_paragraphs, is_debris_line

MAX_SOURCE_BYTES = 25 * 1024 * 1024
"""Largest source file read, in bytes (about three days of narration)."""

_CLOSING = ".,;:!…"
_LABEL_STOPLIST = {
    "note",
    "notes",
    "tip",
    "tips",
    "warning",
    "important",
    "remember",
    "caution",
    "example",
    "please note",
    "nb",
    "ps",
    "update",
    "source",
    "sources",
    "tel",
    "telephone",
    "phone",
    "email",
    "e-mail",
    "web",
    "website",
    "address",
    "opening hours",
    "fax",
    "mobile",
    "text",
    "contact",
    "q",
    "a",
    "question",
    "answer",
    "see",
    "see also",
    "for example",
    "however",
    "in summary",
    "in short",
    "summary",
    "result",
    "results",
    "date",
    "time",
    "price",
    "cost",
    "age",
    "ref",
}
_FUNCTION_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "with",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "from",
    "about",
    "your",
    "my",
    "our",
    "their",
    "its",
    "into",
    "as",
    "is",
    "are",
    "be",
    "can",
    "how",
}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters (other than tab and newline), lone surrogates and non-characters."""
_LIST_ITEM = re.compile(r"^\s*(?:[-*•◦▪‣–]|\d{1,3}[.)])\s+(?=\S)")


@dataclass(frozen=True)
class _Event:
    kind: str  # "heading" or "para"
    text: str
    level: int = 1


# ----------------------------------------------------------------------------- decoding


def decode_source(data: bytes, name: str = "the file") -> str:
    """Turn the bytes of a source file into text, or raise :class:`InputError` saying why not."""
    if not data.strip():
        raise InputError(f"{name} is empty: there is nothing to read aloud.")
    text: str | None = None
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name} starts like {encoding.upper()} text but is damaged.") from exc
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise InputError(f"{name} looks like a binary file, not text. Give a plain text, Markdown or HTML page.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 is what most non-UTF-8 pasted web text is; it decodes Latin-1 text too.
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 50):
        raise InputError(f"{name} looks like a binary file, not text. Give a plain text, Markdown or HTML page.")
    text = strip_controls(text)
    if not text.strip():
        raise InputError(f"{name} has no readable text in it.")
    return text


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline stay), lone surrogates or non-characters."""
    return _CONTROL.sub("", text)


def read_source(path: Path) -> tuple[str, str]:
    """Read ``path`` and return its text and its format: "text", "markdown" or "html"."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"There is no file at {path}.")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give the guide's file instead.")
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(
                f"{path.name} is {size // (1024 * 1024)} MB; the largest guide audioguide reads is "
                f"{MAX_SOURCE_BYTES // (1024 * 1024)} MB. Split it into several guides."
            )
        data = path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"audioguide is not allowed to read {path}.") from exc
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    text = decode_source(data, path.name)
    return text, sniff_format(path.suffix, text)


def sniff_format(suffix: str, text: str) -> str:
    """Decide the format from the file name's ending, or from the text itself."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown", ".mdown"):
        return "markdown"
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|h1|p|div)\b", head):
        return "html"
    if suffix != ".txt" and re.search(r"^#{1,6} \S", text, re.M):
        return "markdown"
    return "text"


def read_document(path: Path) -> Document:
    """Read the guide at ``path`` into a :class:`Document`."""
    text, fmt = read_source(path)
    return parse(text, fmt, name=Path(path).name)


def parse(text: str, fmt: str = "text", name: str = "the guide") -> Document:
    """Parse ``text`` of format ``fmt`` ("text", "markdown" or "html")."""
    if fmt == "html":
        title, events = _html_events(text)
    elif fmt == "markdown":
        title, events = _markdown_events(text)
    else:
        title, events = _text_events(text)
    document = _assemble(title, events)
    if not document.sections:
        raise InputError(f"{name} has no text that can be read aloud.")
    return document


# ----------------------------------------------------------------------------- assembly


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _assemble(title: str | None, events: Iterable[_Event]) -> Document:
    """Group heading and paragraph events into sections; drop debris and empty headings."""
    raw: list[tuple[str, int, list[str]]] = []
    intro_title = "Introduction"
    for event in events:
        text = _tidy(event.text)
        if not text or is_debris_line(text):
            continue
        if event.kind == "intro-title":
            intro_title = text
        elif event.kind == "heading":
            raw.append((text[:300], max(1, event.level), []))
        else:
            cleaned = clean_paragraph(text)
            if not cleaned:
                continue
            if not raw:
                raw.append((intro_title, 1, []))
            raw[-1][2].append(cleaned)

    # A subsection before any chapter is promoted to a chapter.
    sections: list[Section] = []
    for i, (heading, level, paragraphs) in enumerate(raw):
        paragraphs = dedupe_paragraphs(paragraphs)
        has_children = any(lvl > level for _, lvl, _ in raw[i + 1 : i + 2])
        if not paragraphs and not has_children:
            continue  # a heading with nothing under it would be a silent chapter
        if not sections:
            level = 1
        sections.append(Section(title=heading, level=level, paragraphs=tuple(paragraphs)))
    # Drop chapters left empty once their empty subsections went.
    kept: list[Section] = []
    for i, section in enumerate(sections):
        nxt = sections[i + 1] if i + 1 < len(sections) else None
        if section.level == 1 and not section.paragraphs and (nxt is None or nxt.level == 1):
            continue
        kept.append(section)
    return Document(title=_tidy(title) if title else None, sections=tuple(kept))


# ----------------------------------------------------------------------------- plain text


def _ends_open(line: str) -> bool:
    return not line.rstrip().endswith(tuple(_CLOSING)) and not line.rstrip().endswith(('."', ".”"))


def _is_heading_line(line: str) -> bool:
    """A line standing alone that reads like a heading."""
    words = line.split()
    if not words or _LIST_ITEM.match(line):
        return False
    first = line.lstrip("\"'“‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if line.endswith("?"):
        return len(words) <= 16 and len(line) <= 140
    return _ends_open(line) and len(words) <= 12 and len(line) <= 100


def _split_title_line(line: str) -> tuple[str, str] | None:
    """Split a page title run into its site or topic name ("Treatment Inclusion body myositis (IBM)").

    Pasted pages often join the page's heading and the name of the condition or site it belongs to.
    Both halves are in sentence case, so a capital letter starting a later, ordinary word marks the
    join. Returns ``(heading, topic)`` or ``None``.
    """
    words = line.split()
    for i in range(1, len(words)):
        word = words[i]
        if not word[:1].isupper() or word.isupper() or not word[1:2].islower():
            continue
        head, tail = words[:i], words[i:]
        if head[-1].lower().strip(",:") in _FUNCTION_WORDS or head[-1].endswith((":", "-", "–")):
            return None

        def sentence_case(part: list[str]) -> bool:
            return all(not w[:1].isupper() or w.isupper() or w.startswith("(") or j == 0 for j, w in enumerate(part))

        if sentence_case(head) and sentence_case(tail) and len(tail) >= 1:
            return " ".join(head), " ".join(tail)
        return None
    return None


_LABEL = re.compile(r"^([A-Z][\w'’&/-]*(?: [\w'’&/-]+){0,3}):\s+(\S.{15,})$", re.S)


def _label_paragraph(paragraph: str) -> tuple[str, str] | None:
    """Split "Physiotherapy: exercises can help ..." into its label and its text."""
    match = _LABEL.match(paragraph)
    if not match:
        return None
    label, rest = match.group(1), match.group(2)
    if label.lower() in _LABEL_STOPLIST or re.search(r"\d", label):
        return None
    return label, rest


def _capitalise(text: str) -> str:
    """A list item read as a sentence of its own starts with a capital letter."""
    if text[:1].islower() and not text[1:2].isupper():
        return text[0].upper() + text[1:]
    return text


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for raw_line in text.split("\n"):
        line = _tidy(raw_line)
        if line:
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _text_events(text: str) -> tuple[str | None, list[_Event]]:
    events: list[_Event] = []
    title: str | None = None
    seen_chapter = False
    for block in _blocks(text):
        lines = [line for line in block if not is_debris_line(line)]
        if not lines:
            continue
        if title is None and not events and _is_heading_line(lines[0]):
            split = _split_title_line(lines[0])
            if split:
                heading, topic = split
                title = f"{topic}: {heading}"
                events.append(_Event("intro-title", heading))
            else:
                title = lines[0]
            lines = lines[1:]
            if not lines:
                continue
        # A menu: several short lines, none of them prose.
        if len(lines) >= 3 and all(_is_heading_line(x) and len(x.split()) <= 4 for x in lines):
            continue
        paragraph_lines: list[str] = []

        def flush() -> None:
            if paragraph_lines:
                events.append(_Event("para", " ".join(paragraph_lines)))
                paragraph_lines.clear()

        for i, line in enumerate(lines):
            if _LIST_ITEM.match(line):
                flush()
                events.append(_Event("para", _capitalise(_LIST_ITEM.sub("", line))))
                continue
            # A heading directly above its text (no blank line between) is followed by a line
            # that starts a new sentence; a hard-wrapped paragraph carries on in lower case.
            standalone_heading = (
                _is_heading_line(line)
                and i == 0
                and (
                    len(lines) == 1
                    or bool(_LIST_ITEM.match(lines[1]))
                    or (lines[1][:1].isupper() and not _ends_open(lines[-1]))
                )
            )
            if standalone_heading and not paragraph_lines:
                events.append(_Event("heading", line, 1))
                seen_chapter = True
                continue
            paragraph_lines.append(line)
        flush()
    # "Label: text" paragraphs open subsections of the chapter they sit in.
    out: list[_Event] = []
    in_chapter = False
    for event in events:
        if event.kind == "heading":
            in_chapter = True
        if event.kind == "para":
            labelled = _label_paragraph(event.text)
            if labelled:
                label, rest = labelled
                out.append(_Event("heading", label, 2 if (in_chapter or seen_chapter) else 1))
                if rest[:1].islower() and not rest[1:2].isupper():
                    rest = rest[0].upper() + rest[1:]  # "Physiotherapy: appropriate ..." -> "Appropriate ..."
                out.append(_Event("para", rest))
                continue
        out.append(event)
    return title, out


# ----------------------------------------------------------------------------- Markdown


def _markdown_events(text: str) -> tuple[str | None, list[_Event]]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    title: str | None = None
    title_level = None
    if headings and headings.count(min(headings)) == 1 and min(headings) == 1:
        title_level = 1
    section_levels = sorted({h for h in headings if h != title_level})
    events: list[_Event] = []
    in_item = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1])
            content = _inline_text(tokens[i + 1])
            if level == title_level and title is None:
                title = content
            else:
                rank = section_levels.index(level) + 1 if level in section_levels else 1
                events.append(_Event("heading", content, rank))
            i += 3
            continue
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        if token.type == "inline":
            content = _inline_text(token)
            events.append(_Event("para", _capitalise(content) if in_item else content))
        elif token.type in ("html_block",):
            _, html_events = _html_events(token.content, fragment=True)
            events.extend(e for e in html_events if e.kind == "para")
        elif token.type in ("fence", "code_block"):
            pass  # code is not read aloud
        i += 1
    return title, events


def _inline_text(token: object) -> str:
    parts: list[str] = []
    for child in getattr(token, "children", None) or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "html_inline":
            continue
        elif kind == "image":
            continue
    return _tidy("".join(parts))


# ----------------------------------------------------------------------------- HTML

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
)
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "dd", "dt", "figcaption", "td", "th", "pre")


def _html_events(text: str, fragment: bool = False) -> tuple[str | None, list[_Event]]:
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(["script", "style", "template", "noscript"]):
        tag.decompose()
    h1s = [h for h in soup.find_all("h1") if not h.find_parent(["nav", "footer", "aside", "form"])]
    title: str | None = _tidy(h1s[0].get_text(" ")) if len(h1s) == 1 else None
    if title is None and soup.title and soup.title.string:
        title = _tidy(soup.title.string)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    for tag in soup.find_all(attrs={"aria-hidden": "true"}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks = [el for el in root.find_all(_BLOCKS) if not el.find(_BLOCKS)]
    levels = sorted(
        {int(el.name[1]) for el in blocks if el.name in ("h2", "h3", "h4", "h5", "h6")}
        | ({1} if len(h1s) > 1 else set())
    )
    events: list[_Event] = []
    for el in blocks:
        content = _tidy(el.get_text(" "))
        if not content:
            continue
        if el.name[0] == "h" and el.name[1].isdigit():
            level = int(el.name[1])
            if level == 1 and len(h1s) == 1:
                continue  # the page title
            events.append(_Event("heading", content, levels.index(level) + 1 if level in levels else 1))
        else:
            events.append(_Event("para", content))
    return (None if fragment else title), events

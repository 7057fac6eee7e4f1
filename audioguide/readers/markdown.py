"""Markdown, with an optional front matter block (``---`` YAML or ``+++`` TOML) that gives the title,
author, language and description and is never read aloud; tables become :class:`Table` blocks."""

from __future__ import annotations

import re
import sys
from typing import Any

from ..model import Document
from .base import Event, Reader, assemble, capitalise, check_text, decode_source, make_table, same_title, tidy

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_FRONT = re.compile(
    r"\A\ufeff?(?:(---)[ \t]*\n(.*?)\n(?:---|\.\.\.)|(\+\+\+)[ \t]*\n(.*?)\n\+\+\+)[ \t]*(?:\n|\Z)", re.S
)


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a leading front matter block from ``text``: its settings and the text after it.

    Text without one (or whose block does not parse as a table of settings) is returned whole.
    """
    match = _FRONT.match(text)
    if not match:
        return {}, text
    rest = text[match.end() :]
    data: Any
    if match.group(1):
        data = _yaml(match.group(2))
    else:
        try:
            data = tomllib.loads(match.group(4))
        except tomllib.TOMLDecodeError:
            data = None
    if not isinstance(data, dict):
        return {}, text  # not a block of settings: a rule and some text, read as written
    return data, rest


def _yaml(block: str) -> Any:
    try:
        import yaml
    except ImportError:  # simple "key: value" lines are all guides use
        return {k.strip(): v.strip().strip("\"'") for k, _, v in (ln.partition(":") for ln in block.splitlines()) if v}
    try:
        return yaml.safe_load(block)
    except yaml.YAMLError:
        return None


def _setting(data: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, (str, int, float)) and str(value).strip():
            return tidy(str(value))
    return None


class MarkdownReader(Reader):
    """Markdown (CommonMark with tables), with front matter."""

    name = "markdown"
    summary = "Markdown"

    def read(self, data: bytes, name: str, charset: str | None = None) -> Document:
        return parse_markdown(decode_source(data, name, charset), name)


def parse_markdown(text: str, name: str) -> Document:
    """Read Markdown ``text`` (``name`` is used in messages)."""
    meta, body = front_matter(text)
    check_text(re.sub(r"\]\([^)\s]*\)|<[^>]*>", "", body), name)
    given = _setting(meta, "title")
    title, events = _markdown_events(body, given)
    from .html import html_language

    return assemble(
        given or title,
        events,
        name=name,
        reader="markdown",
        language=html_language(_setting(meta, "language", "lang", "languageCode")),
        author=_setting(meta, "author", "authors", "creator"),
        description=_setting(meta, "description", "summary", "subtitle"),
    )


def _markdown_events(text: str, given: str | None = None) -> tuple[str | None, list[Event]]:
    """The lone ``#`` heading's text (the title) and the events; with a title ``given`` by the front
    matter, a lone ``#`` heading with no headings under it is the title only when it repeats it, else
    it is the one chapter's heading."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    opened = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    headings = [int(tokens[i].tag[1]) for i in opened]
    title: str | None = None
    title_level = None
    if headings and headings.count(min(headings)) == 1 and min(headings) == 1:
        lone = _inline_text(tokens[opened[headings.index(1)] + 1])
        # With headings under it, the lone "#" heads the whole guide (its chapters are the "##"s).
        if given is None or same_title(lone, given) or max(headings) > 1:
            title_level = 1
    section_levels = sorted({h for h in headings if h != title_level})
    events: list[Event] = []
    in_item = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1])
            content = _inline_text(tokens[i + 1])
            if level == title_level and title is None:
                title = content
                if given is not None and not same_title(content, given):
                    # The guide is called ``given``; this heading still names the text under it.
                    events.append(Event("intro-title", content))
            else:
                rank = section_levels.index(level) + 1 if level in section_levels else 1
                events.append(Event("heading", content, rank))
            i += 3
            continue
        if token.type == "table_open":
            rows: list[list[str]] = []
            has_head = False
            while i < len(tokens) and tokens[i].type != "table_close":
                kind = tokens[i].type
                if kind == "thead_open":
                    has_head = True
                elif kind == "tr_open":
                    rows.append([])
                elif kind == "inline" and rows:
                    rows[-1].append(_inline_text(tokens[i]))
                i += 1
            table = make_table(rows, header=has_head)
            if table is not None:
                events.append(Event("table", table=table))
            i += 1
            continue
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        if token.type == "inline":
            content = _inline_text(token)
            events.append(Event("para", capitalise(content) if in_item else content))
        elif token.type in ("html_block",):
            from .html import html_events

            _, found = html_events(token.content, fragment=True)
            events.extend(e for e in found if e.kind in ("para", "table"))
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
    return tidy("".join(parts))

"""Turn a :class:`Document` into the speech script: what each chapter says, sentence by sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .fsutil import slugify, unique_slugs
from .i18n import Messages, abbreviations, base_language, messages, normalise_text
from .i18n.sentences import Abbreviations
from .model import Block, ChapterScript, Document, GuideScript, Section, Table, Utterance
from .speech import Lexicon, split_sentences, to_speech
from .speech.normalise import as_written, collecting_warnings


@dataclass(frozen=True)
class _Language:
    """What the script needs of the guide's language: its catalogue and its sentence splitting."""

    tag: str
    messages: Messages
    abbreviations: Abbreviations | None
    """The language's own abbreviations for the splitter; ``None`` for English (its rules are built in)."""
    months: frozenset[str]
    """Month names in lower case, so that "am 3. März" is not split after "3."."""

    @property
    def english(self) -> bool:
        return base_language(self.tag) == "en"

    @classmethod
    def of(cls, tag: str) -> _Language:
        m = messages(tag)
        if base_language(tag) == "en" or m.is_fallback:
            return cls(tag, m, None, frozenset())
        return cls(tag, m, abbreviations(tag), frozenset(w.lower() for w in m.words("numbers.months")))

    def split(self, paragraph: str) -> list[str]:
        """The paragraph's sentences, with this language's abbreviations."""
        if self.abbreviations is None:
            return split_sentences(paragraph)
        pieces = split_sentences(paragraph, self.abbreviations)
        joined: list[str] = []
        for piece in pieces:
            first = piece.split(" ", 1)[0].strip(".,;:").lower()
            if joined and re.search(r"(?:^|\s)\d{1,2}\.$", joined[-1]) and first in self.months:
                joined[-1] = f"{joined[-1]} {piece}"  # an ordinal date: "am 3. März", "3. marca"
            else:
                joined.append(piece)
        return joined


_ENGLISH = _Language.of("en")


@dataclass(frozen=True)
class ScriptOptions:
    """Choices about what the narrator says besides the guide's own words."""

    contents: bool = True
    """Start with a spoken contents chapter listing every chapter."""
    signposts: bool = True
    """End each chapter with "End of chapter 2. Next: ..."."""
    engine: str = "pyttsx3"
    """The engine the script is for (lexicon entries can differ per engine)."""
    lexicon: Lexicon | None = None
    """Pronunciations to apply; ``None`` means the built-in medical lexicon."""
    memo: Mapping[str, str] | None = None
    """Speech text already worked out for display sentences (by an earlier build with the same engine,
    lexicon and rules), used instead of working it out again."""


def _finish(text: str) -> str:
    """Give a fragment (a list item, a heading) closing punctuation so it is read as a sentence."""
    text = text.strip()
    if text and text[-1] not in ".!?…:;" and not text.endswith(('."', ".”", "?”", '?"')):
        text += "."
    return text


def _group(document: Document) -> list[tuple[Section, list[Section]]]:
    chapters: list[tuple[Section, list[Section]]] = []
    for section in document.sections:
        if section.level <= 1 or not chapters:
            chapters.append((section, []))
        else:
            chapters[-1][1].append(section)
    return chapters


def _summary(sections: list[Section], language: _Language, limit: int = 280) -> str:
    text = ""
    for section in sections:
        for block in section.paragraphs:
            for sentence in _block_sentences(block, language):
                candidate = f"{text} {sentence}".strip()
                if len(candidate) > limit:
                    return text or sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
                text = candidate
    return text


def _block_sentences(block: Block, language: _Language = _ENGLISH) -> list[str]:
    if isinstance(block, Table):
        return table_lines(block, language.tag)
    return language.split(block) or [block]


def _cell(text: str) -> str:
    return " ".join(str(text).split()).rstrip(" .;,")


def table_lines(table: Table, language: str = "en") -> list[str]:
    """What is said for a table: its caption, then one sentence per row with the column headers.

    A row ("1-4", "7.5mg", "Every 2 weeks") under ("Weeks", "Dose", "Blood test") is said as
    "Weeks 1-4: dose, 7.5mg; blood test, every 2 weeks." The first cell names the row; when it is
    only a number or range, its column header goes in front of it. In other languages the caption,
    the "header: value" cells and their separator come from the language's catalogue, and nothing is
    lower-cased (German nouns keep their capitals).
    """
    if base_language(language) != "en" and not messages(language).is_fallback:
        return _table_lines_in(table, messages(language))
    header = [_cell(h) for h in table.header]
    lines = [_finish(f"Table: {_cell(table.caption)}")] if _cell(table.caption) else []
    for row in table.rows:
        cells = [_cell(c) for c in row]
        if not any(cells):
            continue
        lines.append(_row_line(cells, header, _english_cell, "; "))
    return lines


def _english_cell(name: str, cell: str) -> str:
    return f"{_lower_first(name)}, {_lower_first(cell)}" if name and name.lower() != cell.lower() else cell


def _table_lines_in(table: Table, m: Messages) -> list[str]:
    header = [_cell(h) for h in table.header]
    rows = [[_cell(c) for c in row] for row in table.rows]
    rows = [cells for cells in rows if any(cells)]
    caption = _cell(table.caption)
    lines = [_finish(m.text("script.table_intro", count=len(rows), caption=caption))] if caption else []
    separator = m.text("script.table_cell_separator")

    def said(name: str, cell: str) -> str:
        if name and name.casefold() != cell.casefold():
            return m.text("script.table_cell", header=name, value=cell)
        return cell

    lines.extend(_row_line(cells, header, said, separator) for cells in rows)
    return lines


def _row_line(cells: list[str], header: list[str], said: Callable[[str, str], str], separator: str) -> str:
    """One table row (with at least one cell filled) as a sentence: the first cell names the row (its
    column header in front when it is only a number or range), then the other filled cells, each as
    ``said(header, cell)``, joined by ``separator``."""
    parts: list[str] = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        name = header[index] if index < len(header) else ""
        if index == 0:
            numeric = bool(re.match(r"^[\d£$€.,:%/ –-]+(?:[a-z]{0,3})?$", cell))
            parts.append(f"{name} {cell}" if name and numeric else cell)
        else:
            parts.append(said(name, cell))
    lead, rest = parts[0], parts[1:]
    return _finish(f"{lead}: {separator.join(rest)}" if rest else lead)


def _lower_first(text: str) -> str:
    """Lower-case a leading capital of an ordinary word (not "IVIG", not "Monday")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and first not in _KEEP_CAPITAL:
        return text[0].lower() + text[1:]
    return text


_KEEP_CAPITAL = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December I".split()
)
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>|›|»|→|::)\s*|\s+[/|]\s+")


def _is_breadcrumb(block: Block, titles: set[str]) -> bool:
    """A trail of links at the top of a page ("Home > Conditions > Myositis"): short parts, no
    sentence inside, and the page's own title (or "Home") at one end."""
    if not isinstance(block, str):
        return False
    text = block.strip().rstrip(".")
    parts = [part.strip() for part in _CRUMB_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2 or any(len(part.split()) > 6 or re.search(r"[.!?;:,]", part) for part in parts):
        return False
    if any(not part[:1].isupper() and not part[:1].isdigit() for part in parts):
        return False
    return parts[0].casefold() == "home" or parts[-1].casefold() in titles


def _without_furniture(document: Document) -> Document:
    """Drop a breadcrumb trail at the very top, and paragraphs repeated anywhere earlier in the guide."""
    from dataclasses import replace

    titles = {t.casefold() for t in (document.title, *(s.title for s in document.sections[:2])) if t}
    if document.title and _is_breadcrumb(document.title, titles - {document.title.casefold()}):
        # A pasted page whose first line, a breadcrumb trail, was taken for its title: keep the page's name.
        crumbs = [part.strip() for part in _CRUMB_SEPARATOR.split(document.title) if part.strip()]
        document = replace(document, title=crumbs[-1])
    seen: set[str] = set()
    sections: list[Section] = []
    for number, section in enumerate(document.sections):
        kept: list[Block] = []
        for index, block in enumerate(section.paragraphs):
            if number == 0 and index < 2 and not kept and _is_breadcrumb(block, titles):
                continue
            if isinstance(block, str):
                key = " ".join(block.split()).casefold()
                if len(key.split()) >= _REPEAT_MIN_WORDS and key in seen:
                    continue
                seen.add(key)
            kept.append(block)
        if kept or not section.paragraphs:
            sections.append(replace(section, paragraphs=tuple(kept)))
    return replace(document, sections=tuple(sections))


_REPEAT_MIN_WORDS = 4
"""Repeats shorter than this ("Yes.", "Ask your GP.") can belong where they stand, and are kept."""


class _Speaker:
    def __init__(self, options: ScriptOptions, language: _Language = _ENGLISH) -> None:
        self.options = options
        self.language = language
        self.lexicon = options.lexicon if options.lexicon is not None else Lexicon.builtin()
        self.warnings: list[str] = []

    def _speak(self, display: str) -> str:
        if not self.language.english:
            # The English rules and the English medical lexicon would turn "20 mg" into English words.
            return as_written(normalise_text(display, self.language.tag))
        with collecting_warnings(self.warnings):
            return to_speech(display, self.lexicon, self.options.engine)

    def say(
        self,
        text: str,
        kind: str = "sentence",
        pause: str = "sentence",
        subsection: int | None = None,
        spoken: str | None = None,
    ) -> Utterance:
        """An utterance showing ``text``; ``spoken`` is what to say instead when a catalogue message has
        its numbers spelled already (with the noun's gender: "veintiún capítulos")."""
        display = _finish(text)
        known = self.options.memo.get(display) if self.options.memo else None
        if known is None and spoken is not None and not self.language.english:
            known = self._speak(_finish(spoken))
        return Utterance(
            text=display,
            speech=known if known is not None else self._speak(display),
            kind=kind,  # type: ignore[arg-type]
            pause_after=pause,
            subsection=subsection,
        )


def name_untitled(document: Document) -> Document:
    """``document`` with the text before its first heading, which the source does not name, named in the
    document's language ("Wprowadzenie", "Cyflwyniad"); a heading of the source is never renamed."""
    from dataclasses import replace

    if not any(s.untitled for s in document.sections):
        return document
    name = messages(document.language).text("script.introduction")
    sections = tuple(replace(s, title=name) if s.untitled else s for s in document.sections)
    return replace(document, sections=sections)


def make_script(document: Document, options: ScriptOptions | None = None) -> GuideScript:
    """Build the speech script of ``document``."""
    options = options or ScriptOptions()
    document = name_untitled(document)
    language = _Language.of(document.language)
    m = language.messages
    speaker = _Speaker(options, language)

    def orient(key: str, kind: str, pause: str, spelled: bool = False, **values: object) -> Utterance:
        """A catalogue message: digits on the page (or, ``spelled``, words there too), its own spelled
        numbers in speech."""
        said = m.say(key, **values)
        return speaker.say(said if spelled else m.text(key, **values), kind, pause, spoken=said)

    document = _without_furniture(document)
    groups = _group(document)
    title = document.title or groups[0][0].title
    total = len(groups)
    slugs = unique_slugs([head.title for head, _ in groups])
    chapters: list[ChapterScript] = []

    if options.contents and total > 1:
        lines = [speaker.say(f"{title}.", "orientation", "paragraph")]
        lines.append(orient("script.contents_count", "orientation", "paragraph", spelled=True, count=total))
        for n, (head, _) in enumerate(groups, 1):
            lines.append(orient("script.contents_item", "orientation", "sentence", n=n, title=head.title))
        lines.append(orient("script.contents_end", "orientation", "none"))
        chapters.append(
            ChapterScript(
                number=0,
                title=m.text("script.contents_title"),
                slug="contents",
                subsections=(),
                utterances=tuple(lines),
                summary=m.text("script.contents_summary", title=title),
                kind="contents",
            )
        )

    for n, ((head, subs), slug) in enumerate(zip(groups, slugs, strict=True), 1):
        utterances: list[Utterance] = [
            orient("script.chapter_announce", "announce", "none", n=n, total=total),
            speaker.say(head.title, "heading", "paragraph"),
        ]

        def add_paragraphs(section: Section, utterances: list[Utterance]) -> None:
            for block in section.paragraphs:
                if isinstance(block, Table):
                    # Each row is said like a list item: a paragraph's pause after it.
                    for line in table_lines(block, language.tag):
                        utterances.append(speaker.say(line, "sentence", "paragraph"))
                    continue
                sentences = language.split(block) or [block]
                for k, sentence in enumerate(sentences):
                    last = k == len(sentences) - 1
                    utterances.append(speaker.say(sentence, "sentence", "paragraph" if last else "sentence"))

        add_paragraphs(head, utterances)
        for index, sub in enumerate(subs):
            if utterances:
                utterances[-1] = _with_pause(utterances[-1], "heading")
            utterances.append(speaker.say(sub.title, "heading", "paragraph", subsection=index))
            add_paragraphs(sub, utterances)
        if options.signposts:
            utterances[-1] = _with_pause(utterances[-1], "heading")
            if n < total:
                closing = orient("script.end_next", "orientation", "none", n=n, title=_finish(groups[n][0].title))
            else:
                closing = orient("script.end_last", "orientation", "none", n=n)
            utterances.append(closing)
        else:
            utterances[-1] = _with_pause(utterances[-1], "none")
        chapters.append(
            ChapterScript(
                number=n,
                title=head.title,
                slug=slug,
                subsections=tuple(s.title for s in subs),
                utterances=tuple(utterances),
                summary=_summary([head, *subs], language),
            )
        )
    return GuideScript(
        title=title,
        slug=slugify(title, "guide"),
        language=document.language,
        chapters=tuple(chapters),
        warnings=tuple(dict.fromkeys(speaker.warnings)),
    )


def _with_pause(utterance: Utterance, pause: str) -> Utterance:
    from dataclasses import replace

    return replace(utterance, pause_after=pause)

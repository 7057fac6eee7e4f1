"""Paragraph cleanup: strip links, markup and footnotes; mend text left dangling by links."""

from __future__ import annotations

import html
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_HTML_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(\s[^<>]*)?/?>")
_MD_IMAGE = re.compile(r"!\[([^\]\[]*)\]\([^()\s]*\)")
_MD_LINK = re.compile(r"\[([^\]\[]+)\]\(([^()\s]*)(?:\s+\"[^\"]*\")?\)")
_GENERIC_LINK_TEXT = frozenset(
    (
        "click here|click|here|this link|link|this page|this website|website|more|read more|find out more|"
        "more information|this"
    ).split("|")
)
"""Link texts that say nothing without their address: the address is kept in their place."""
_MD_REF_LINK = re.compile(r"\[([^\]\[]+)\]\[[^\]\[]*\]")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_MD_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])")
_MD_CODE = re.compile(r"`+")
_MD_LINE_START = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+•·▪◦‣]\s+)+")

_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]*", re.IGNORECASE)
_DOMAIN_PATH = re.compile(
    r"(?<![\w.-])(?:[\w-]+\.)+(?:org|com|net|gov|nhs|uk|edu|info|io)(?:\.uk)?/[^\s<>\"]*",
    re.IGNORECASE,
)
_FILE_PATH = re.compile(
    r"(?:\b[A-Za-z]:\\[^\s]*|(?<![\w/])(?:~|\.{1,2})?/(?:[\w.-]+/)+[\w.-]*\w"
    r"|(?<![\w/])/[\w-]+\.[A-Za-z0-9]{2,4}"
    r"|(?<![\w/.-])[\w-]+(?:/[\w-]+)*\.(?:pdf|docx?|xlsx?|pptx?|odt|rtf|csv|jpe?g|png|gif|svg|webp|mp3|mp4|zip|html?|php|aspx?))"
    r"(?![\w/])",
    re.IGNORECASE,
)
_FILE_NOTE = re.compile(
    r"\(\s*(?:pdf|word|docx?|excel|xlsx?|powerpoint|zip)?[,\s]*\d+(?:\.\d+)?\s*(?:kb|mb|gb|bytes?)\s*\)"
    r"|\(\s*(?:pdf|docx?|word document|xlsx?)\s*\)",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"\s?\[(?:\d+(?:\s*[-–,]\s*\d+)*|[a-z]|[ivx]+|citation needed|edit|note \d+)\]", re.IGNORECASE)
_SEE_ASIDE = re.compile(
    r"\s?\((?:please\s+)?see\s+(?:below|above|overleaf|opposite|later|earlier|next page|"
    r"previous page|page\s+\d+|pages?\s+\d+\s*[-–]\s*\d+|section\s+[\w.]+|box\s+\w+|"
    r"figure\s+\w+|table\s+\w+|the\s+(?:box|section|table|links?|resources?)\s+(?:below|above))\)",
    re.IGNORECASE,
)
_CLICK_HERE_TO = re.compile(r"\b(?:please\s+)?click\s+here\s+to\s+(\w)", re.IGNORECASE)
_CLICK_HERE_FOR = re.compile(r"\b(?:please\s+)?click\s+here\s+for\s+", re.IGNORECASE)
_CLICK_HERE = re.compile(
    r"(?:\s*\(\s*(?:please\s+)?click\s+here\s*\)|,?\s*\b(?:please\s+)?click\s+here\b)",
    re.IGNORECASE,
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;:.]*\s*\)|\[\s*[,;:.]*\s*\]")

_LINK_NOUNS = (
    "website|web site|site|webpage|web page|page|homepage|home page|online|portal|app|helpline|"
    "line|number|email|e-mail|address|inbox|us|them|team|service|facebook|twitter|instagram|"
    "youtube|linkedin|tiktok|x|channel|feed|form|link|links|leaflet|booklet|factsheet|guide|"
    "information|details|resources|here"
)
_DANGLING_MID = re.compile(
    rf"\b({_LINK_NOUNS})\s+(?:at|on|via|here\s*:)\s*(?:(?=[,;])|(?=\.(?:\s|$))|(?=\s+(?:or|and)\b))",
    re.IGNORECASE,
)
_BEFORE_CONJUNCTION = re.compile(rf"\b({_LINK_NOUNS})(?=\s+(?:or|and)\b)", re.IGNORECASE)
_KEEP_BEFORE = frozenset(
    (
        "so carry carried keep kept going go went later move hold put turn switch rely depend focus based "
        "take catch come try log sign pass get early then now from onwards act build draw hang count good "
        "bad better best worse worst look looked looking aim aimed aiming arrive arrived where stay laugh "
        "at on"
    ).split()
)
_END = re.compile(r"(?:^|\s)(\S+)\s+(at|on|via|here\s*:|:)\s*[.,;:]*$", re.IGNORECASE)
_END_VERB = re.compile(
    r",?\s*\b(?:please\s+)?(?:visit|see|go\s+to|contact\s+us\s+(?:at|on|via))\s*[.,;:]*$",
    re.IGNORECASE,
)
_LINK_NOUN_SET = frozenset(_LINK_NOUNS.split("|"))
_OUR_CONTACT = re.compile(r"\b(contact|call|email|e-mail|phone|ring|speak to|write to)\s+our\b", re.IGNORECASE)

_VISIT_NOTHING = re.compile(r"\b((?:please\s+)?visit)\s+(?=for\b|to\b|and\b|or\b|[,;.!?]|$)", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_REPEATED_COMMA = re.compile(r"[,;]\s*(?=[,;.!?:])|,{2,}")
_LEADING_PUNCT = re.compile(r"^[\s,;:.)\]]+")
_TERMINAL = re.compile(r"[.!?…:]['\"’”)\]]*$")


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def is_generic_link(label: str, target: str) -> bool:
    """True when a link's ``label`` says nothing without its address ("click here") and ``target`` is
    a web address a listener could use."""
    generic = " ".join(label.lower().split()).strip(" .") in _GENERIC_LINK_TEXT
    return generic and bool(re.match(r"(?:https?://|www\.)", target, re.IGNORECASE))


def _markdown_link(match: re.Match[str]) -> str:
    """A Markdown link becomes its text; a "click here" link keeps its web address instead."""
    label, target = match.group(1), match.group(2)
    if not is_generic_link(label, target):
        return label
    address = re.sub(r"^https?://", "", target, flags=re.IGNORECASE).rstrip("/")
    return f"visit {address}" if label.lower().startswith("click") else f"at {address}"


def _strip_markup(text: str) -> str:
    text = _HTML_COMMENT.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(_markdown_link, text)
    text = _MD_REF_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_UNDERSCORE.sub(r"\1", text)
    text = _MD_CODE.sub("", text)
    return _MD_LINE_START.sub("", text)


def _mend_end(text: str, had_stop: bool) -> str:
    """Drop a trailing preposition or verb whose link target was removed."""
    for _ in range(3):
        verb = _END_VERB.search(text)
        if verb and verb.start() > 0:
            text = text[: verb.start()].rstrip()
            continue
        match = _END.search(text)
        if not match:
            return text
        previous, word = match.group(1).lower().strip(",;:"), match.group(2).lower()
        link_target = previous in _LINK_NOUN_SET or word in {"via", ":"} or word.startswith("here")
        loose_end = not had_stop and word in {"at", "on"} and previous not in _KEEP_BEFORE
        if not (link_target or loose_end):
            return text
        text = text[: match.start(2)].rstrip(" ,;:")
    return text


def _mend_dangling(text: str) -> str:
    """Remove prepositions and verbs left pointing at a link that is no longer there."""
    had_stop = bool(re.search(r"[.!?…]['\"’”)\]]*$", text))
    mended = _DANGLING_MID.sub(r"\1", text)
    if mended != text:
        mended = _BEFORE_CONJUNCTION.sub(r"\1,", mended)
    mended = _mend_end(mended, had_stop)
    if mended != text:
        mended = _OUR_CONTACT.sub(r"\1 their", mended)
    return mended


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _EMPTY_BRACKETS.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _REPEATED_COMMA.sub("", text)
    text = _LEADING_PUNCT.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_paragraph(text: str) -> str:
    """Clean one paragraph for speaking and display; "" when nothing speakable remains."""
    previous = None
    result = text
    for _ in range(4):
        if result == previous:
            break
        previous = result
        result = _clean_once(result)
    return result


_CITATION_RUN = re.compile(r"\s?(?:\[\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\]){2,}")
"""Runs of citation marks, "[2][3]", which Markdown would otherwise take for a reference link."""


def _clean_once(text: str) -> str:
    text = _strip_markup(_CITATION_RUN.sub("", _prepare(text)))
    text = _VISIT_NOTHING.sub(r"\1 the website ", text)
    text = _FILE_NOTE.sub(" ", text)
    text = _FILE_PATH.sub(" ", text)
    text = _FOOTNOTE.sub("", text)
    text = _SEE_ASIDE.sub("", text)
    text = _CLICK_HERE_TO.sub(lambda m: m.group(1).upper(), text)
    text = _CLICK_HERE_FOR.sub("see ", text)
    text = _CLICK_HERE.sub("", text)
    text = _tidy(text)
    text = _tidy(_mend_dangling(text))
    if not any(ch.isalnum() for ch in text):
        return ""
    if not _TERMINAL.search(text):
        text = text.rstrip(",;") + "."
    return text


def dedupe_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop blank and repeated paragraphs (ignoring case and spacing), keeping the first."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        key = " ".join(paragraph.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(paragraph)
    return kept

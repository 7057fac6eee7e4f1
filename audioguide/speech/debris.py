"""Recognise web-page furniture (icons, navigation, buttons, footers) that must not be spoken."""

from __future__ import annotations

import re
import unicodedata

_FURNITURE = frozenset(
    {
        "listen",
        "listen to this page",
        "listen to this article",
        "play audio",
        "skip to main content",
        "skip to content",
        "skip to navigation",
        "skip navigation",
        "jump to content",
        "share",
        "share this page",
        "share this article",
        "share on facebook",
        "share on twitter",
        "share on x",
        "share on linkedin",
        "share via email",
        "email this page",
        "tweet",
        "print",
        "print this page",
        "print page",
        "back to top",
        "return to top",
        "top of page",
        "go to top",
        "cookie settings",
        "cookie preferences",
        "manage cookies",
        "accept cookies",
        "accept all cookies",
        "reject cookies",
        "reject all cookies",
        "reject additional cookies",
        "accept additional cookies",
        "menu",
        "main menu",
        "close menu",
        "open menu",
        "toggle navigation",
        "search",
        "search this site",
        "close",
        "previous",
        "next",
        "previous page",
        "next page",
        "on this page",
        "in this section",
        "related content",
        "related pages",
        "related links",
        "related articles",
        "advertisement",
        "opens in a new window",
        "opens in new window",
        "opens in a new tab",
        "opens in new tab",
        "external link",
        "yes",
        "no",
        "yes no",
        "give feedback",
        "give us feedback",
        "report a problem with this page",
        "report an issue with this page",
        "all rights reserved",
        "download",
        "donate",
        "login",
        "log in",
        "sign in",
        "sign up",
        "a-z",
        "a–z",
        "a to z",
        "a-z index",
        "health a to z",
        "health a-z",
    }
)

_FEEDBACK = re.compile(
    r"^(was|is|did you find) (this|the) (page|article|information|content|guide) "
    r"(helpful|useful)( to you)?\??( yes\W*no)?$"
)
_ICON = re.compile(r"^(an? |the )?[\w' -]{0,40}?\b(icon|icons|logo|emoji)( image)?$")
_FOOTER = re.compile(
    r"^(page last reviewed|last reviewed|last updated|last edited|last modified|"
    r"next review due|next review date|review due|review date|date of publication|"
    r"(updated|reviewed|published|modified)\s*(:|on\s+\d|\d))"
)
_COPYRIGHT = re.compile(r"^(©|\(c\)\s|copyright\b)", re.IGNORECASE)
_LETTER_ROW = re.compile(r"^(?:[a-z]|0-9|#)(?:\W+(?:[a-z]|0-9|#)){4,}\W*$")
_CRUMB_STRONG = re.compile(r"\s*[>›»→]\s*")
_CRUMB_WEAK = re.compile(r"\s+[/|]\s+")
_TAIL = re.compile(r"[\s>›»→\u2190-\u21ff\u25b6\u25b8\u276f]+$")

_HARD_VERBS = frozenset({"download", "donate", "subscribe", "click", "tap", "print", "share", "view"})
"""Verbs that, opening a short unpunctuated line, make it a button label."""
_SOFT_VERBS = frozenset(
    {
        "get",
        "find",
        "see",
        "read",
        "join",
        "give",
        "request",
        "register",
        "order",
        "buy",
        "shop",
        "watch",
        "listen",
        "install",
        "visit",
        "apply",
        "book",
        "call",
        "contact",
        "email",
        "follow",
        "support",
        "play",
    }
)
"""Verbs that make a button label only with a tail such as "now" or "on the ... website"."""
_CTA_PHRASES = re.compile(
    r"^(read more|find out more|learn more|discover more|see more|show more|view more|"
    r"more info|more information|see all|view all|sign up|sign in|log in|join us|join now|"
    r"click here|continue reading|keep reading|back to|return to|go to (the )?(homepage|home page|top))\b"
)
_CTA_TAIL = re.compile(
    r"\b(now|here|today|online|(on|at|from|via) (the|our|their) [\w' ]*\b(website|site|page|shop|app))$"
    r"|\b(website|web site|homepage|video|webinar|podcast|leaflet|booklet|factsheet|newsletter)$"
)


def _fold(line: str) -> str:
    text = unicodedata.normalize("NFKC", line)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split()).strip()


def _is_breadcrumb(text: str) -> bool:
    strong = [part for part in _CRUMB_STRONG.split(text) if part]
    weak = [part for part in _CRUMB_WEAK.split(text) if part]
    starts_home = text.lower().startswith("home ") or text.lower() == "home"
    # Only a trail that starts at "Home" is furniture wherever it stands; any other arrow sequence may be
    # a list of steps ("Sit → stand → walk"), and the script drops a breadcrumb by its place at the top.
    for parts in (strong, weak):
        if len(parts) < 2 or any(len(part.split()) > 8 for part in parts):
            continue
        if starts_home and parts[0].lower() == "home":
            return True
    return False


def _is_call_to_action(text: str) -> bool:
    closing = text[-1:] in set(".?!:;,")
    bare = text.rstrip(".")
    words = bare.split()
    if not words:
        return False
    if closing:
        single_stop = text.endswith(".") and not text.endswith("..") and bare[-1:].isalnum()
        return bool(single_stop and len(words) <= 10 and _CTA_PHRASES.match(bare) and _CTA_TAIL.search(bare))
    if len(words) > 6:
        return bool(len(words) <= 10 and _CTA_PHRASES.match(bare) and _CTA_TAIL.search(bare))
    if words[0] in _HARD_VERBS or _CTA_PHRASES.match(bare):
        return True
    return words[0] in _SOFT_VERBS and _CTA_TAIL.search(bare) is not None


def is_debris_line(line: str) -> bool:
    """True when a line is page furniture (icon label, navigation, button, footer) or blank."""
    text = _fold(line)
    if not any(ch.isalnum() for ch in text):
        return True
    if _COPYRIGHT.match(text):
        return True
    text = _TAIL.sub("", text)
    lower = text.lower()
    bare = lower.rstrip(" .!:")
    checks = (
        bare in _FURNITURE,
        _FEEDBACK.match(" ".join(bare.replace("?", "? ").split())) is not None,
        _ICON.match(bare) is not None and len(bare.split()) <= 5,
        _FOOTER.match(lower) is not None,
        _LETTER_ROW.match(lower) is not None,
    )
    return any(checks) or _is_breadcrumb(text) or _is_call_to_action(lower)

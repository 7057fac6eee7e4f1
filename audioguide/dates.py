"""Episode dates that keep the guide's order in every podcast app.

Podcast apps list episodes by their date, newest first, whatever ``itunes:episode`` says. So the
feed gives every episode a date that follows its place in the guide: the guide's publication time
for the first episode, and one :data:`STEP` earlier for each place after it. Read newest first,
that is the listening order: the spoken contents, chapter 1 to N, then the whole-guide episode.

The publication time is the guide's, not a chapter's: it is kept in ``manifest.json`` and read back
by the next build into the same folder, so an edit keeps every date (the changed chapter's new file
name is what tells apps it changed) and adding a chapter moves only the dates after it, in order.
A build asked to ``--republish`` takes a new publication time. ``SOURCE_DATE_EPOCH`` (see
reproducible-builds.org) stands for "now", so a fresh build of the same source gives the same bytes.

Dates are timezone-aware :class:`datetime.datetime` values everywhere inside the program and turned
into text only where a file is written (:func:`rfc2822` for the feed, :func:`iso` for the manifest).
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from .errors import InputError

STEP = timedelta(minutes=1)
"""How much earlier each episode is than the one before it. A minute, not a second, so that an app
that keeps dates to the minute still sees the order."""

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""A placeholder date for records made before the build has dated them."""


def now(environ: Mapping[str, str] | None = None) -> datetime:
    """The build's "now": ``SOURCE_DATE_EPOCH`` in UTC when it is set, else the local time, to the second.

    A malformed ``SOURCE_DATE_EPOCH`` is an :class:`InputError`: building with the wrong date would
    quietly defeat the reason it was set.
    """
    env = os.environ if environ is None else environ
    given = env.get("SOURCE_DATE_EPOCH")
    if given is not None and given.strip():
        text = given.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise InputError(
                f"SOURCE_DATE_EPOCH is {given!r}; it must be a whole number of seconds since 1970 (e.g. 1767225600)."
            )
        return datetime.fromtimestamp(int(text), timezone.utc)
    return datetime.now().astimezone().replace(microsecond=0)


def episode_date(published: datetime, position: int) -> datetime:
    """The date of the episode at ``position`` (0 for the first) of a guide published at ``published``."""
    return published - position * STEP


def iso(moment: datetime) -> str:
    """``moment`` as ISO 8601 text with its offset, as the manifest keeps it."""
    return aware(moment).isoformat()


def rfc2822(moment: datetime) -> str:
    """``moment`` as an RFC 2822 date in its own offset, as feeds want it ("Wed, 25 Nov 2026 20:40:00 +0000")."""
    return email.utils.format_datetime(aware(moment).replace(microsecond=0))


def aware(moment: datetime) -> datetime:
    """``moment`` itself, or taken as UTC when it carries no time zone (never the machine's zone by chance)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def parse(value: object) -> datetime | None:
    """A date kept by an earlier build (ISO 8601, or the RFC 2822 text of older manifests), or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            found = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if found.tzinfo is None:
        return None  # a date without its offset could be any of 26 hours
    return found


def publication(previous: Mapping[str, object], republish: bool, moment: datetime) -> datetime:
    """The guide's publication time for this build.

    Kept from the earlier build's manifest (``previous``) unless ``republish``; a manifest from before
    publication times were kept gives the earliest of its chapter dates; otherwise ``moment`` (now).
    """
    if not republish:
        kept = parse(previous.get("published"))
        if kept is not None:
            return kept
        chapters = previous.get("chapters")
        if isinstance(chapters, list):
            found = [parse(c.get("pub_date")) for c in chapters if isinstance(c, dict)]
            dated = [d for d in found if d is not None]
            if dated:
                return min(dated)
    return moment

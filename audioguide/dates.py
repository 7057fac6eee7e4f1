"""Episode dates that keep the guide's order in every podcast app.

Podcast apps list episodes by their date, newest first, whatever ``itunes:episode`` says. So the
feed gives every episode a date that follows its place in the guide: the first build dates the first
episode at the guide's publication time and each one after it one :data:`STEP` earlier. Read newest
first, that is the listening order: the spoken contents, chapter 1 to N, then the whole-guide episode.

Some apps never change the date of an episode they have seen (newsboat keeps the first date it read
for a guid), so a rebuild keeps every episode's date (:func:`assign`): an edit changes none (the
changed chapter's new file name is what tells apps it changed); a new episode (an added or renamed
chapter, the whole-guide episode asked for later) gets a date between those of its neighbours; only
when the kept dates cannot hold the new order (chapters moved, or no second left between two) are
the dates laid out afresh from the publication time. ``--republish`` takes a new publication time
and new dates for all. The dates are kept in ``manifest.json`` (``published``, and ``episodes``:
each guid with its date), which the next build into the same folder reads back.

``SOURCE_DATE_EPOCH`` (see reproducible-builds.org) stands for "now", so a fresh build of the same
source gives the same bytes. Dates are timezone-aware :class:`datetime.datetime` values everywhere
inside the program and turned into text only where a file is written (:func:`rfc2822` for the feed,
:func:`iso` for the manifest).
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Mapping, Sequence
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
    """The date of the episode at ``position`` (0 for the first) when dates are laid out afresh from ``published``."""
    return published - position * STEP


def assign(
    order: Sequence[str], kept: Mapping[str, datetime], published: datetime, republish: bool = False
) -> dict[str, datetime]:
    """A date for every episode guid in ``order`` (the listening order), newest first.

    Dates in ``kept`` (an earlier build's, by guid) are kept while they still fall newest first in
    this order; new guids get a date, to the second, between their neighbours'. Otherwise, or with
    ``republish``, every date is laid out afresh: :func:`episode_date` from ``published``.
    """
    fresh = {guid: episode_date(published, i) for i, guid in enumerate(order)}
    known = [kept[guid] for guid in order if guid in kept]
    if republish or not known or any(a <= b for a, b in zip(known, known[1:], strict=False)):
        return fresh
    found: dict[str, datetime] = {}
    for i, guid in enumerate(order):
        if guid in kept:
            found[guid] = kept[guid]
            continue
        newer = found[order[i - 1]] if i else None
        older = next((kept[g] for g in order[i + 1 :] if g in kept), None)
        if newer is None:
            found[guid] = (older or published) + STEP
        elif older is None:
            found[guid] = newer - STEP
        else:
            gap = int((newer - older).total_seconds())
            if gap < 2:
                return fresh  # no whole second left between them
            found[guid] = older + timedelta(seconds=gap // 2)
    return found


def kept_dates(previous: Mapping[str, object]) -> dict[str, datetime]:
    """The episode dates an earlier build's manifest records, by guid (from its chapters when it is
    older than the ``episodes`` list)."""
    records = previous.get("episodes")
    if not isinstance(records, list):
        records = previous.get("chapters")
    found: dict[str, datetime] = {}
    for record in records if isinstance(records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("guid"), str):
            date = parse(record.get("pub_date"))
            if date is not None:
                found[record["guid"]] = date
    return found


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

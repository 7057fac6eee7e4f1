"""The podcast feed, modelled as podcast / episode / media, with XML only at the edge."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..dates import EPOCH, assign, rfc2822
from ..i18n import messages

if TYPE_CHECKING:
    from . import PublishContext

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
"""The Podcasting 2.0 namespace. The spec names https://podcastindex.org/namespace/1.0 and says
clients must treat this GitHub address as identical. podcastparser (0.6.11, gPodder's parser on PyPI)
reads podcast:transcript and podcast:chapters only under this one; feedparser reads either (it goes
by the prefix); Debian's gPodder 3.11 (podcastparser 0.6.9) reads neither. So this one is kept:
tests/test_feed_dates.py checks what each reads."""
ATOM = "http://www.w3.org/2005/Atom"
PSC = "http://podlove.org/simple-chapters"
CONTENT = "http://purl.org/rss/1.0/modules/content/"

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The UUIDv5 namespace the Podcasting 2.0 spec fixes for podcast:guid."""

for _prefix, _uri in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM), ("psc", PSC), ("content", CONTENT)):
    ET.register_namespace(_prefix, _uri)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid as the namespace defines it: UUIDv5 of the feed URL without scheme or end slash."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class Media:
    """An episode's audio file."""

    url: str
    """Where podcast apps download it."""
    bytes: int
    """Exact size of the file."""
    duration: float
    """Length in seconds."""
    type: str = "audio/mpeg"
    """MIME type."""


@dataclass(frozen=True)
class Transcript:
    """A transcript file of an episode."""

    url: str
    """Where it is."""
    type: str
    """MIME type: text/vtt, application/x-subrip or text/html."""
    language: str
    """Language tag."""
    rel: str | None = None
    """"captions" for timed captions."""


@dataclass(frozen=True)
class Episode:
    """One feed item: a chapter of the guide."""

    title: str
    """Item title."""
    description: str
    """A short description of the chapter."""
    guid: str
    """Stable identity across rebuilds."""
    media: Media
    """The audio."""
    pub_date: datetime = EPOCH
    """The episode's date; :func:`dated` gives every episode its date (a publisher leaves it out)."""
    link: str | None = None
    """The episode's web page: its chapter on the listening page."""
    number: int | None = None
    """itunes:episode, or None for the contents (trailer)."""
    episode_type: str = "full"
    """itunes:episodeType: full, trailer or bonus."""
    transcripts: tuple[Transcript, ...] = ()
    """Transcript files."""
    chapters_url: str | None = None
    """Podcasting 2.0 JSON chapters file."""
    chapter_marks: tuple[tuple[float, str], ...] = ()
    """(start seconds, title) for Podlove Simple Chapters."""


@dataclass(frozen=True)
class Podcast:
    """The feed's channel."""

    title: str
    """The guide's title."""
    description: str
    """What the guide covers."""
    language: str
    """Language tag."""
    author: str
    """Who publishes the guide."""
    link: str
    """A web page for the guide (the listening page)."""
    image_url: str
    """Square cover art."""
    guid: str
    """podcast:guid."""
    self_url: str | None = None
    """The feed's own absolute URL."""
    locked: bool = False
    """podcast:locked: refuse imports into other hosting platforms."""
    owner_name: str | None = None
    """itunes:owner name."""
    owner_email: str | None = None
    """itunes:owner email."""
    category: tuple[str, str] = ("Health & Fitness", "Medicine")
    """Apple category and subcategory."""
    copyright: str | None = None
    """The channel's copyright notice."""
    last_build: datetime | None = None
    """lastBuildDate: when the feed's content last changed."""
    episodes: list[Episode] = field(default_factory=list)
    """Items in listening order."""


def _duration(seconds: float) -> str:
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def _npt(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    el.text = xml_safe(text)
    return el


def render(podcast: Podcast, generator: str = "audioguide") -> bytes:
    """The feed as UTF-8 RSS 2.0 bytes; the same podcast always gives the same bytes."""
    rss = ET.Element("rss", {"version": "2.0"})
    # Declare every namespace on the root even when unused, so the output never varies.
    rss.set("xmlns:itunes", ITUNES)
    rss.set("xmlns:podcast", PODCAST)
    rss.set("xmlns:atom", ATOM)
    rss.set("xmlns:psc", PSC)
    rss.set("xmlns:content", CONTENT)
    ch = ET.SubElement(rss, "channel")
    _text(ch, "title", podcast.title)
    _text(ch, "link", podcast.link)
    _text(ch, "description", podcast.description)
    _text(ch, "language", podcast.language)
    if podcast.copyright:
        _text(ch, "copyright", podcast.copyright)
    if podcast.last_build is not None:
        _text(ch, "lastBuildDate", rfc2822(podcast.last_build))
    _text(ch, "generator", generator)
    if podcast.self_url:
        ET.SubElement(ch, "atom:link", {"href": podcast.self_url, "rel": "self", "type": "application/rss+xml"})
    _text(ch, "itunes:author", podcast.author)
    _text(ch, "itunes:summary", podcast.description)
    ET.SubElement(ch, "itunes:image", {"href": podcast.image_url})
    image = ET.SubElement(ch, "image")
    _text(image, "url", podcast.image_url)
    _text(image, "title", podcast.title)
    _text(image, "link", podcast.link)
    top = ET.SubElement(ch, "itunes:category", {"text": podcast.category[0]})
    ET.SubElement(top, "itunes:category", {"text": podcast.category[1]})
    _text(ch, "itunes:explicit", "false")
    _text(ch, "itunes:type", "serial")
    if podcast.owner_name or podcast.owner_email:
        owner = ET.SubElement(ch, "itunes:owner")
        if podcast.owner_name:
            _text(owner, "itunes:name", podcast.owner_name)
        if podcast.owner_email:
            _text(owner, "itunes:email", podcast.owner_email)
    _text(ch, "podcast:guid", podcast.guid)
    _text(ch, "podcast:locked", "yes" if podcast.locked else "no")
    _text(ch, "podcast:medium", "podcast")

    for ep in podcast.episodes:
        item = ET.SubElement(ch, "item")
        _text(item, "title", ep.title)
        _text(item, "itunes:title", ep.title)
        if ep.link:
            _text(item, "link", ep.link)
        _text(item, "description", ep.description)
        _text(item, "itunes:summary", ep.description)
        ET.SubElement(
            item, "enclosure", {"url": xml_safe(ep.media.url), "length": str(ep.media.bytes), "type": ep.media.type}
        )
        _text(item, "guid", ep.guid, isPermaLink="false")
        _text(item, "pubDate", rfc2822(ep.pub_date))
        _text(item, "itunes:duration", _duration(ep.media.duration))
        _text(item, "itunes:episodeType", ep.episode_type)
        if ep.number is not None:
            _text(item, "itunes:episode", str(ep.number))
        _text(item, "itunes:explicit", "false")
        for t in ep.transcripts:
            attrs = {"url": t.url, "type": t.type, "language": t.language}
            if t.rel:
                attrs["rel"] = t.rel
            ET.SubElement(item, "podcast:transcript", attrs)
        if ep.chapters_url:
            ET.SubElement(item, "podcast:chapters", {"url": ep.chapters_url, "type": "application/json+chapters"})
        if ep.chapter_marks:
            psc = ET.SubElement(item, "psc:chapters", {"version": "1.2"})
            for start, title in ep.chapter_marks:
                ET.SubElement(psc, "psc:chapter", {"start": _npt(start), "title": xml_safe(title)})
    ET.indent(rss, space="  ")
    body = ET.tostring(rss, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def join_url(base: str | None, rel: str) -> str:
    """``rel`` under the published address ``base`` (or left relative when there is none)."""
    return f"{base.rstrip('/')}/{rel}" if base else rel


def podcast(ctx: PublishContext, extra: tuple[Episode, ...] = ()) -> Podcast:
    """The build's feed: one episode per chapter (the contents as the trailer), then ``extra``
    (what publishers added, such as the whole-guide MP3)."""
    from .transcripts import subsection_starts

    script, options, base = ctx.script, ctx.options, ctx.options.base_url
    feed_url = join_url(base, "feed.xml") if base else None
    chapter_titles = ", ".join(c.script.title for c in ctx.chapters if c.script.kind == "chapter")
    found = Podcast(
        title=script.title,
        description=options.description
        or messages(script.language).text("publish.feed_description", title=script.title, chapters=chapter_titles),
        language=script.language,
        author=options.author,
        link=join_url(base, "index.html"),
        image_url=join_url(base, str(ctx.meta["cover"])),
        guid=podcast_guid(feed_url) if feed_url else str(ctx.guide_id),
        self_url=feed_url,
        locked=options.locked,
        owner_name=options.owner_name,
        owner_email=options.owner_email,
        copyright=options.copyright,
    )
    lang = script.language
    for chapter in ctx.chapters:
        rel = chapter.extra_files
        numbered = chapter.script.kind == "chapter"
        found.episodes.append(
            Episode(
                title=chapter.script.title,  # not the show's title again: Apple asks for that
                description=chapter.script.summary or chapter.script.title,
                guid=chapter.guid,
                pub_date=chapter.pub_date,
                link=chapter_link(base, chapter.script.number),
                media=Media(url=join_url(base, chapter.audio), bytes=chapter.bytes, duration=chapter.duration),
                number=chapter.script.number if numbered else None,
                episode_type="full" if numbered else "trailer",
                transcripts=(
                    Transcript(join_url(base, rel["vtt"]), "text/vtt", lang, "captions"),
                    Transcript(join_url(base, rel["srt"]), "application/x-subrip", lang, "captions"),
                    Transcript(join_url(base, rel["html"]), "text/html", lang),
                ),
                chapters_url=join_url(base, rel["chapters"]),
                chapter_marks=tuple((start, title) for title, start in subsection_starts(chapter)),
            )
        )
    found.episodes.extend(extra)
    return found


def chapter_link(base: str | None, number: int) -> str:
    """The listening page's address for chapter ``number`` (0 for the spoken contents).

    The page does not yet act on a fragment; ``#N`` is the address it is asked to answer to (its
    chapter buttons are in the same order), so a link made now keeps working when it does.
    """
    return join_url(base, f"index.html#{number}")


def dated(podcast: Podcast, kept: Mapping[str, datetime], published: datetime, republish: bool) -> Podcast:
    """``podcast`` with every episode dated by its place (:func:`audioguide.dates.assign`), the earlier
    build's dates ``kept`` where they still fit."""
    from dataclasses import replace

    found = assign([e.guid for e in podcast.episodes], kept, published, republish)
    return replace(podcast, episodes=[replace(e, pub_date=found[e.guid]) for e in podcast.episodes])


def render_dated(
    podcast: Podcast, generator: str, kept: datetime | None, previous: bytes | None, moment: datetime
) -> tuple[bytes, datetime]:
    """The feed's bytes and its lastBuildDate: ``kept`` (the earlier build's) while the feed is otherwise
    the same as ``previous`` (the earlier feed's bytes), else ``moment``; so a rebuild that changes
    nothing gives the same bytes, and any change moves lastBuildDate."""
    from dataclasses import replace

    if kept is not None and previous is not None:
        body = render(replace(podcast, last_build=kept), generator)
        if body == previous:
            return body, kept
    return render(replace(podcast, last_build=moment), generator), moment

"""The build's settings, in one record. A new setting goes here, in config.KEYS (for audioguide.toml) and
as a cli option; the stage that uses it reads it from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .pacing import Pacing


@dataclass
class BuildOptions:
    """What to build and how."""

    source: Path | str | None = None
    """The guide to read (a file or a web address); ``None`` builds the bundled example guide."""
    out: Path | None = None
    """The output folder; ``None`` means ``output/<guide-slug>``."""
    engine: str = "auto"
    """Speech engine name; "auto" picks Piper with a voice of the guide's language when one is installed,
    else espeak-ng (through pyttsx3) with a voice of that language."""
    voice: str | None = None
    """Engine voice id."""
    rate: int | None = None
    """Speaking rate in words per minute (engine default when ``None``)."""
    base_url: str | None = None
    """Where the build will be published; makes feed URLs absolute."""
    author: str = "audioguide"
    """Who publishes the guide (feed author, ID3 artist)."""
    title: str | None = None
    """The guide's title, instead of the one read from the source."""
    description: str | None = None
    """The feed's description, instead of one made from the chapter titles."""
    language: str | None = None
    """BCP 47 language tag of the guide; ``None``: the source's own (front matter, ``<html lang>``), else
    detected from its text, else English."""
    owner_name: str | None = None
    """itunes:owner name (Apple asks for it when a podcast is submitted)."""
    owner_email: str | None = None
    """itunes:owner email."""
    locked: bool = False
    """podcast:locked yes: ask hosting platforms not to import the feed."""
    lexicon: Path | None = None
    """A user pronunciation lexicon (TOML)."""
    contents: bool = True
    """Add a spoken contents chapter."""
    signposts: bool = True
    """End each chapter with a spoken signpost to the next."""
    cache_dir: Path | None = None
    """Sentence audio cache; ``None`` means the default cache folder."""
    pacing: Pacing = field(default_factory=Pacing)
    """Pauses between sentences, paragraphs and headings."""
    formats: tuple[str, ...] = ()
    """Extra outputs besides the chapters, feed and listening page: see :func:`audioguide.publish.formats`."""
    jobs: int = 0
    """Worker processes; 0 means one per CPU core, and more than the cores are capped at them."""
    fallback_engine: str | None = None
    """Engine to build with instead when the chosen one is offline or fails."""
    settings_file: Path | None = None
    """The settings file these came from (``None``: none was read). Make options with
    :func:`audioguide.config.resolve`, which checks every value."""
    copyright: str | None = None
    """A copyright notice for the feed (``<copyright>``) and the audio files' tags."""
    republish: bool = False
    """Give the guide a new publication time, so every episode gets a new date (apps show them as new).
    Without it a rebuild keeps the dates of the build before it (:mod:`audioguide.dates`). An action
    for one build, not a setting: audioguide.toml does not take it."""

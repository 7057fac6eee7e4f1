"""Publishers: everything a build writes from its finished chapters, and the contract they share.

A publisher is a function ``publish(ctx: PublishContext) -> Published`` in a module of this package,
registered by that module with :func:`register`. The registry is found by importing every module of
the package, so adding an output format is one new module here and nothing else: ``--formats`` help
and validation, the order of the run and the manifest's ``outputs`` all come from the registry.

A module that fails to import fails the build: nothing is skipped quietly. Optional or heavy packages
are imported inside the publisher that needs them, so that importing this package stays light.
"""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..dates import EPOCH
from ..errors import InputError
from ..ids import guide_id

if TYPE_CHECKING:
    from ..model import BuiltChapter, GuideScript
    from ..options import BuildOptions
    from .feed import Episode


@dataclass
class PublishContext:
    """What a publisher gets: the finished chapters and where to write."""

    out: Path
    """The output folder (write atomically, with fsutil.write_atomic / atomic_path)."""
    script: GuideScript
    """The speech script."""
    chapters: list[BuiltChapter]
    """Every chapter, encoded, with sentence timings (transcripts, written first, add their files)."""
    meta: dict[str, object]
    """Guide-level facts (title, language, author, base_url, ...), as in manifest.json."""
    options: BuildOptions
    """The build's options."""
    published: datetime = EPOCH
    """The guide's publication time (:mod:`audioguide.dates`); the episodes' own dates are given with
    the feed, after the publishers."""

    @property
    def guide_id(self) -> uuid.UUID:
        """The guide's id, from which every episode guid is made."""
        return guide_id(self.script.slug)


@dataclass(frozen=True)
class Published:
    """What a publisher made."""

    paths: list[str]
    """The files written, relative to the output folder (the manifest lists them under ``outputs``)."""
    episodes: tuple[Episode, ...] = ()
    """Extra feed episodes, after the chapters (the whole-guide MP3)."""
    manifest: Mapping[str, object] = field(default_factory=dict)
    """Extra top-level manifest entries (the whole-guide MP3's ``whole_guide`` record)."""


class Publisher(Protocol):
    """Writes the files of one output into ``ctx.out``."""

    def __call__(self, ctx: PublishContext) -> Published: ...


FIRST, FORMAT, LAST = 0, 50, 100
"""When a publisher runs: transcripts first (the others link to them), formats in the order asked
for, the listening page last (it shows the new build, with the feed)."""


@dataclass(frozen=True)
class Entry:
    """One registered publisher."""

    name: str
    """Its name (as given to ``--formats``, and in the manifest's ``outputs``)."""
    help: str
    """What it makes, in a few words, for ``--formats`` help."""
    publish: Publisher
    """The publisher."""
    always: bool = False
    """Runs in every build, rather than when asked for with ``--formats``."""
    order: int = FORMAT
    """When it runs (:data:`FIRST`, :data:`FORMAT`, :data:`LAST`)."""
    tools: tuple[str, ...] = ()
    """External programs it needs, checked before any synthesis."""


_REGISTRY: dict[str, Entry] = {}


def register(
    name: str, help: str, *, always: bool = False, order: int = FORMAT, tools: tuple[str, ...] = ()
) -> Callable[[Publisher], Publisher]:
    """Decorator a publisher module puts on its publisher to add it to the registry."""

    def add(function: Publisher) -> Publisher:
        _REGISTRY[name] = Entry(name=name, help=help, publish=function, always=always, order=order, tools=tools)
        return function

    return add


def registry() -> dict[str, Entry]:
    """Every publisher, by name, from importing each module of this package (an import error is raised)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items(), key=lambda item: (item[1].order, item[0])))


def formats() -> list[Entry]:
    """The outputs ``--formats`` can ask for, in the order help lists them."""
    return [entry for entry in registry().values() if not entry.always]


def formats_help() -> str:
    """``--formats`` help, from the registry."""
    return "Extra outputs, comma-separated: " + ", ".join(f"{e.name} ({e.help})" for e in formats()) + "."


def chosen(names: tuple[str, ...]) -> list[Entry]:
    """The publishers a build with ``--formats names`` runs, in order; :class:`InputError` for an unknown name."""
    found = registry()
    extra = [name for name in names if name not in found or found[name].always]
    if extra:
        raise InputError(f"Unknown format '{extra[0]}'. Choose from: {', '.join(e.name for e in formats())}.")
    run = [e for e in found.values() if e.always] + [found[name] for name in dict.fromkeys(names)]
    return sorted(run, key=lambda entry: entry.order)  # stable: formats keep the order asked for

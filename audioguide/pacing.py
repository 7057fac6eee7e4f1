"""Pacing: the pauses between sentences, paragraphs, headings and chapters (a build setting)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Pacing:
    """Pauses in seconds, chosen for listeners who tire easily."""

    sentence: float = 0.45
    """After a sentence inside a paragraph."""
    paragraph: float = 0.9
    """After the last sentence of a paragraph, a list item or a heading."""
    heading: float = 1.4
    """Before a subsection heading or the chapter's closing signpost."""
    lead_in: float = 0.4
    """Silence at the start of every chapter."""
    tail: float = 1.2
    """Silence at the end of every chapter."""

    def after(self, kind: str) -> float:
        """The pause that follows an utterance whose ``pause_after`` is ``kind``."""
        return {"sentence": self.sentence, "paragraph": self.paragraph, "heading": self.heading}.get(kind, 0.25)

    @classmethod
    def chosen(cls, given: str | Mapping[str, object], where: str = "--pauses") -> dict[str, float]:
        """The pauses named in ``sentence=0.6,tail=2`` (or a mapping, as in audioguide.toml's
        ``[pauses]``), checked: ``Pacing(**chosen)`` keeps the defaults for the rest.
        :class:`InputError` says what is wrong."""
        from .errors import InputError

        names = [f.name for f in fields(cls)]
        pairs: list[tuple[str, object]] = []
        if isinstance(given, str):
            for part in filter(None, (p.strip() for p in given.split(","))):
                label, sep, text = part.partition("=")
                if not sep:
                    raise InputError(f"{where}: write each pause as name=seconds, e.g. sentence=0.6 (got '{part}').")
                pairs.append((label.strip(), text.strip()))
        else:
            pairs = list(given.items())
        chosen: dict[str, float] = {}
        for name, value in pairs:
            key = name.replace("-", "_")
            if key not in names:
                raise InputError(f"{where}: there is no pause called '{name}'. Choose from: {', '.join(names)}.")
            number = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            try:
                seconds = float(value) if number else math.nan  # type: ignore[arg-type]
            except ValueError:
                seconds = math.nan
            if not 0 <= seconds <= 10:
                raise InputError(f"{where}: {name} should be a number of seconds from 0 to 10 (got '{value}').")
            chosen[key] = seconds
        return chosen

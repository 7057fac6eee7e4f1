"""Synthesis through a content-addressed cache: one WAV per sentence, made once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .engines import Engine
from .errors import EngineError
from .fsutil import atomic_path


def default_cache_dir() -> Path:
    """Where synthesised sentences are kept: $AUDIOGUIDE_CACHE, else the user's cache folder."""
    if os.environ.get("AUDIOGUIDE_CACHE"):
        return Path(os.environ["AUDIOGUIDE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "audioguide"


def cache_key(engine_identity: str, speech: str) -> str:
    """The cache key of one sentence: everything that changes its sound."""
    return hashlib.sha256(f"{engine_identity}\x00{speech}".encode()).hexdigest()


class SpeechCache:
    """Sentence audio on disk, named by :func:`cache_key`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Where the audio for ``key`` lives."""
        return self.root / "speech" / key[:2] / f"{key}.wav"

    def synthesize_all(
        self,
        engine: Engine,
        speeches: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Path]:
        """Make sure every text in ``speeches`` has audio; return the paths in order."""
        identity = engine.identity()
        paths: list[Path] = []
        total = len(speeches)
        for done, speech in enumerate(speeches, 1):
            target = self.path(cache_key(identity, speech))
            if not target.exists():
                with atomic_path(target) as tmp:
                    engine.synthesize(speech, tmp)
                    if not tmp.exists() or tmp.stat().st_size == 0:
                        raise EngineError(f"The {engine.name} engine made no audio for: {speech[:60]}")
            paths.append(target)
            if progress:
                progress(done, total)
        return paths

"""Small file-system helpers: atomic writes and safe names."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}


def slugify(text: str, fallback: str = "section", max_length: int = 48) -> str:
    """A lower-case ASCII name made from ``text`` that is safe as a file name on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    slug = slug.strip("-")
    if not slug or slug in _WINDOWS_RESERVED:
        slug = fallback if not slug else f"{slug}-{fallback}"
    return slug


def unique_slugs(titles: list[str], fallback: str = "section") -> list[str]:
    """Slugs for ``titles`` in order, made unique by numbering repeats."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for title in titles:
        base = slugify(title, fallback)
        n = seen.get(base, 0) + 1
        seen[base] = n
        out.append(base if n == 1 else f"{base}-{n}")
    return out


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one step.

    On any error the temporary file is removed and ``target`` is left exactly as it was.
    """
    target = Path(target)
    with content_named(target.parent, lambda _tmp: target.name) as tmp:
        yield tmp


def write_atomic(target: Path, data: bytes | str) -> None:
    """Write ``data`` to ``target`` so that readers see either the old or the new file, never half.

    A file that already holds exactly ``data`` is left alone.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:  # the same bytes already there (a rebuild of an unchanged part): nothing to do
        if target.stat().st_size == len(payload) and target.read_bytes() == payload:
            return
    except OSError:
        pass
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)


def clean_stale_parts(folder: Path) -> None:
    """Remove temporary ``.part`` files an interrupted build left behind."""
    if folder.is_dir():
        for part in folder.rglob(".*.part"):
            part.unlink(missing_ok=True)


@contextmanager
def content_named(folder: Path, name_for: Callable[[Path], str]) -> Iterator[Path]:
    """Yield a temporary file in ``folder``; afterwards move it to ``name_for(tmp)`` in one step.

    Use it for files named after their own contents (a hash), known only once written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write to {folder}: {exc.strerror or exc}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name_for(tmp))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"Cannot write in {folder}: {exc.strerror or exc}.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def default_cache_dir() -> Path:
    """Where synthesised sentences are kept: $AUDIOGUIDE_CACHE, else the user's cache folder."""
    if os.environ.get("AUDIOGUIDE_CACHE"):
        return Path(os.environ["AUDIOGUIDE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "audioguide"

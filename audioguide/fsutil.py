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


# ---- checked cache files ------------------------------------------------------------------------
# A cached file carries its own checksum in a small file beside it ("<name>.sha256": the digest and
# the size), written after the file itself; a file whose checksum is missing or does not match is
# damaged (or was cut short by a stop between the two writes) and is made again.


def checksum_path(path: Path) -> Path:
    """The checksum file kept beside the cached file ``path``."""
    path = Path(path)
    return path.with_name(path.name + ".sha256")


def _digest_of(path: Path) -> tuple[str, int]:
    import hashlib

    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def seal(path: Path, data: bytes | None = None) -> None:
    """Write the checksum file of the cached file ``path`` (of ``data``, when its bytes are at hand)."""
    import hashlib

    if data is None:
        digest, size = _digest_of(path)
    else:
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
    with atomic_path(checksum_path(path)) as tmp:
        tmp.write_text(f"{digest} {size}\n", encoding="ascii")


def write_checked(target: Path, data: bytes) -> None:
    """Write ``data`` to the cache file ``target`` atomically, with its checksum."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    seal(target, data)


def _sealed(path: Path) -> tuple[str, int] | None:
    try:
        digest, size = checksum_path(path).read_text(encoding="ascii").split()
        return digest, int(size)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def check(path: Path) -> bool | None:
    """Whether the cached file ``path`` is whole: ``True`` when it matches its checksum, ``False`` when it
    is damaged (it differs from its checksum), ``None`` when it or its checksum is not there (never made,
    made by an older version, or a stop came between the two writes): make it."""
    path = Path(path)
    sealed = _sealed(path)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if sealed is None:
        return None
    if sealed[1] != size:
        return False
    try:
        return _digest_of(path) == sealed
    except OSError:
        return False


def drop(path: Path) -> None:
    """Remove a cached file and its checksum."""
    Path(path).unlink(missing_ok=True)
    checksum_path(path).unlink(missing_ok=True)


def read_checked(path: Path) -> bytes | None:
    """The bytes of the cached file ``path`` if they match its checksum; else ``None`` (and a damaged file
    is removed, so that it is made again)."""
    import hashlib

    sealed = _sealed(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if sealed is None or sealed != (hashlib.sha256(data).hexdigest(), len(data)):
        drop(path)
        return None
    return data


# ---- the output folder's lock -------------------------------------------------------------------


@contextmanager
def folder_lock(lock: Path, folder: Path) -> Iterator[None]:
    """Hold the advisory lock file ``lock`` for the output folder ``folder`` while the block runs.

    The lock file holds the holder's process id. The operating system lets go of the lock when its
    holder ends, however it ends, so a lock left by a build that was killed is never in the way.
    Another build holding it gives a clear :class:`OutputError` at once.
    """
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"Cannot write to the output folder {folder}: {exc.strerror or exc}.") from exc
    try:
        if not _try_lock(fd):
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            except OSError:
                holder = "unknown"
            raise OutputError(
                f"Another audioguide build (process {holder}) is writing to {folder}. "
                "Wait for it to finish, or build into another folder with --out."
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
    finally:
        os.close(fd)  # closing lets go of the lock


def _try_lock(fd: int) -> bool:
    """Take the lock on ``fd`` without waiting; whether it was free."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, read up to ``limit`` bytes; :class:`InputError` (one line,
    naming ``what``, e.g. "settings file") if it is not a regular file or is larger."""
    import stat

    from .errors import InputError

    path = Path(path)
    try:
        # Without waiting: a FIFO would otherwise block until something writes to it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError(f"The {what} {path} is not a regular file.")
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"The {what} {path} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"The {what} {path} is a folder, not a file.") from None
    except OSError as exc:
        raise InputError(f"The {what} {path} cannot be read: {exc.strerror or exc}.") from None
    if len(data) > limit:
        raise InputError(
            f"The {what} {path} is larger than {limit // 1000:,} kB; audioguide reads {what}s up to that size."
        )
    return data

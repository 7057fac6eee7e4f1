"""Serve a build over HTTP so podcast apps on this computer or network can subscribe to it."""

from __future__ import annotations

import hashlib
import posixpath
import re
import socket
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import manifest
from .errors import InputError, OutputError
from .publish import feed as feedmod

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".chapters.json": "application/json+chapters",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".epub": "application/epub+zip",
    ".smil": "application/smil+xml",
    ".opf": "application/oebps-package+xml",
}


_HOST = re.compile(r"(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")
"""A Host header that is a plain name or address and port, nothing else."""


def rebase_feed(data: bytes, old_base: str | None, new_base: str) -> bytes:
    """The feed with every link made absolute under ``new_base`` (the address it is served at)."""
    root = ET.fromstring(data)
    new_base = new_base.rstrip("/") + "/"

    def move(value: str) -> str:
        if old_base and value.startswith(old_base.rstrip("/") + "/"):
            value = value[len(old_base.rstrip("/")) + 1 :]
        elif re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
            return value
        return new_base + value.lstrip("/")

    channel = root.find("channel")
    if channel is None:
        raise InputError("feed.xml has no channel; rebuild the guide.")
    for el in root.iter():
        for attr in ("url", "href"):
            if attr in el.attrib:
                el.set(attr, move(el.attrib[attr]))
        if el.tag in ("link", "url") and el.text:
            el.text = move(el.text.strip())
    atom = f"{{{feedmod.ATOM}}}link"
    self_link = channel.find(atom)
    if self_link is None:
        self_link = ET.Element(atom, {"rel": "self", "type": "application/rss+xml"})
        channel.insert(0, self_link)
    self_link.set("href", new_base + "feed.xml")
    ET.indent(root, space="  ")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"


IDLE_TIMEOUT = 30.0
"""Seconds a connection may sit idle (or a client take over one read or write) before it is closed."""
WORKERS = 32
"""Connections served at once: a household's or a classroom's devices, each downloading."""
BACKLOG = 256
"""Connections the system holds before they are accepted, so a burst is never refused."""
MAX_WAITING = 1024
"""Accepted connections waiting for a worker; beyond that a connection gets 503 and is closed."""
MAX_RANGES = 32
"""More byte ranges than this in one request, and the whole file is sent instead."""


@dataclass(frozen=True)
class _Entity:
    """What one response is about: its bytes (or file), length, validators and type."""

    size: int
    etag: str
    mtime: int
    ctype: str
    path: Path | None = None
    body: bytes | None = None
    vary_host: bool = False


def parse_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The byte ranges a Range header asks for, as inclusive (first, last) pairs within ``size``.

    None means the header is to be ignored (another unit, bad syntax, too many ranges): the whole
    representation is sent. An empty list means no range can be satisfied (416). RFC 9110 section
    14.1.1: ``range-unit "=" 1#range-spec``; the list is read as the RFC asks recipients to read
    lists, allowing optional whitespace around elements and empty elements. Numbers of any length
    are compared as digit strings first, so a 5,000-digit number costs nothing.
    """
    unit, eq, spec = header.partition("=")
    if not eq or unit.strip(" \t").lower() != "bytes" or unit != unit.strip(" \t"):
        return None
    ranges: list[tuple[int, int]] = []
    elements = [e.strip(" \t") for e in spec.split(",")]
    if not any(elements) or sum(1 for e in elements if e) > MAX_RANGES:
        return None
    digits = re.compile(r"[0-9]+")
    for element in elements:
        if not element:
            continue
        first, dash, last = element.partition("-")
        if not dash or (first and not digits.fullmatch(first)) or (last and not digits.fullmatch(last)):
            return None
        if not first:
            if not last:
                return None
            length = _bounded(last, size)
            if length > 0 and size > 0:
                ranges.append((size - min(length, size), size - 1))
            continue
        start = _bounded(first, size)
        stop = _bounded(last, size) if last else size - 1
        if last and stop < start:
            return None  # invalid: last before first
        if start < size:
            ranges.append((start, min(stop, size - 1)))
    return ranges


def _bounded(number: str, size: int) -> int:
    """A digit string as an int, or ``size`` when it is at least that big (however long it is)."""
    number = number.lstrip("0") or "0"
    if len(number) > len(str(size)):
        return size
    return min(int(number), size)


def _coalesce(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or adjacent ranges merged (RFC 9110 allows it; it stops many-small-overlaps abuse)."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _etag_list(header: str) -> list[str]:
    return [t.strip(" \t") for t in header.split(",") if t.strip(" \t")]


def _weak_equal(a: str, b: str) -> bool:
    return a.removeprefix("W/") == b.removeprefix("W/")


class GuideRequestHandler(SimpleHTTPRequestHandler):
    """Static files from one folder over HTTP/1.1: validators and 304s, byte ranges (one or many),
    podcast MIME types, and the feed rebased on the address the app reached us at."""

    server_version = "audioguide"
    protocol_version = "HTTP/1.1"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    timeout = IDLE_TIMEOUT

    def __init__(
        self, *args: Any, directory: str, public_base: str, names: frozenset[str] = frozenset(), **kwargs: Any
    ) -> None:
        self.public_base = public_base
        self.names = names
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the CLI says where it serves; podcast apps make many requests

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True  # a slow, idle or vanished client: let the connection go

    def _base_for_client(self) -> str:
        """The address for the feed's links: the Host the app used if it is one of ours, otherwise the
        address this connection actually arrived at (so a forged Host never reaches the feed)."""
        local, port = self.connection.getsockname()[:2]
        host = (self.headers.get("Host") or "").strip().lower()
        if host and _HOST.fullmatch(host):
            name, _, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
            if not name:
                name, given = host, ""
            if name in self.names and (given or "80") == str(port):
                return f"http://{host}/"
        local = f"[{local}]" if ":" in local else local
        return f"http://{local}:{port}/"

    def _safe_path(self) -> Path | None:
        """The file asked for, or None when it is missing, hidden or outside the folder."""
        root = Path(self.directory).resolve()
        raw = unquote(urlsplit(self.path).path)
        if "\x00" in raw or "\\" in raw:
            return None
        parts = [p for p in posixpath.normpath(raw).split("/") if p]
        if any(p in ("..", ".") or p.startswith(".") for p in parts):
            return None
        target = root.joinpath(*parts).resolve() if parts else root
        if target != root and root not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _entity(self, target: Path) -> _Entity:
        root = Path(self.directory).resolve()
        stat = target.stat()
        if target == root / "feed.xml":
            info = manifest.load(root) or {}
            body = rebase_feed(target.read_bytes(), info.get("base_url"), self._base_for_client())
            tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            return _Entity(len(body), tag, int(stat.st_mtime), MIME_TYPES[".xml"], body=body, vary_host=True)
        ctype = MIME_TYPES[".chapters.json"] if target.name.endswith(".chapters.json") else self.guess_type(str(target))
        tag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}-{stat.st_ino:x}"'
        return _Entity(stat.st_size, tag, int(stat.st_mtime), ctype, path=target)

    def do_GET(self) -> None:
        self._respond(head_only=False)

    def do_HEAD(self) -> None:
        self._respond(head_only=True)

    def _not_modified(self, entity: _Entity) -> bool:
        """RFC 9110 section 13.1.2 and 13.1.3: If-None-Match wins; If-Modified-Since only without it."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = _etag_list(inm)
            return "*" in tags or any(_weak_equal(t, entity.etag) for t in tags)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            when = _parse_date(ims)
            return when is not None and entity.mtime <= when
        return False

    def _if_range_holds(self, entity: _Entity) -> bool:
        """RFC 9110 section 13.1.5: a Range counts only while the If-Range validator still matches (strongly)."""
        value = (self.headers.get("If-Range") or "").strip()
        if not value:
            return True
        if value.startswith(('"', "W/")):
            return value == entity.etag  # a weak tag never matches strongly
        when = _parse_date(value)
        return when is not None and when == entity.mtime

    def _respond(self, head_only: bool) -> None:
        target = self._safe_path()
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        try:
            entity = self._entity(target)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        if self._not_modified(entity):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(entity)
            self.end_headers()
            return
        ranges = None
        header = self.headers.get("Range")
        if header is not None and self._if_range_holds(entity):
            ranges = parse_ranges(header, entity.size)
        if ranges is not None and not ranges:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{entity.size}")
            self.send_header("Content-Length", "0")
            self._validators(entity)
            self.end_headers()
            return
        pieces: list[bytes | tuple[int, int]]
        if ranges is None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", entity.ctype)
            pieces = [(0, entity.size)] if entity.size else []
        else:
            ranges = _coalesce(ranges)
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            if len(ranges) == 1:
                first, last = ranges[0]
                self.send_header("Content-Type", entity.ctype)
                self.send_header("Content-Range", f"bytes {first}-{last}/{entity.size}")
                pieces = [(first, last - first + 1)]
            else:
                boundary = entity.etag.strip('"W/')[:24] + "-" + hashlib.sha256(str(header).encode()).hexdigest()[:16]
                self.send_header("Content-Type", f"multipart/byteranges; boundary={boundary}")
                pieces = []
                for first, last in ranges:
                    pieces.append(
                        (
                            f"\r\n--{boundary}\r\nContent-Type: {entity.ctype}\r\n"
                            f"Content-Range: bytes {first}-{last}/{entity.size}\r\n\r\n"
                        ).encode("latin-1")
                    )
                    pieces.append((first, last - first + 1))
                pieces.append(f"\r\n--{boundary}--\r\n".encode("latin-1"))
        length = sum(len(p) if isinstance(p, bytes) else p[1] for p in pieces)
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self._validators(entity)
        self.end_headers()
        if not head_only:
            self._send_pieces(entity, pieces)

    def _validators(self, entity: _Entity) -> None:
        self.send_header("ETag", entity.etag)
        self.send_header("Last-Modified", self.date_time_string(entity.mtime))
        self.send_header("Cache-Control", "no-cache")  # apps may keep it, but ask again (a 304 is cheap)
        if entity.vary_host:
            self.send_header("Vary", "Host")

    def _send_pieces(self, entity: _Entity, pieces: list[bytes | tuple[int, int]]) -> None:
        try:
            if entity.body is not None:
                for piece in pieces:
                    if isinstance(piece, bytes):
                        self.wfile.write(piece)
                    else:
                        self.wfile.write(entity.body[piece[0] : piece[0] + piece[1]])
                return
            assert entity.path is not None
            with open(entity.path, "rb") as fh:
                for piece in pieces:
                    if isinstance(piece, bytes):
                        self.wfile.write(piece)
                        continue
                    fh.seek(piece[0])
                    remaining = piece[1]
                    while remaining > 0:
                        chunk = fh.read(min(64 * 1024, remaining))
                        if not chunk:
                            raise OSError("the file shrank while it was sent")
                        self.wfile.write(chunk)
                        remaining -= len(chunk)
        except OSError:
            self.close_connection = True  # the app stopped listening, or the file changed: end this connection


def _parse_date(value: str) -> int | None:
    """An HTTP date as a Unix time, or None when it is not one."""
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    try:
        return int(when.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


class GuideServer(HTTPServer):
    """An HTTP server with a bounded pool of worker threads, a deep listen backlog, and idle
    connections closed after ``idle_timeout`` seconds; :meth:`server_close` ends open connections."""

    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(
        self, address: tuple[str, int], handler: Any, *, workers: int = WORKERS, waiting: int = MAX_WAITING
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audioguide-serve")
        self._slots = threading.BoundedSemaphore(workers + waiting)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.public_base = ""
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._open_lock:
            self._open.add(request)
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one connection's trouble never stops the server
            pass
        finally:
            with self._open_lock:
                self._open.discard(request)
            self.shutdown_request(request)
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open = list(self._open)
        for conn in still_open:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_server(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    workers: int = WORKERS,
) -> GuideServer:
    """An HTTP server for the build in ``folder`` (port 0 picks a free port).

    Feed links follow the Host header only for the names this server answers to (the address it
    printed, the address it listens on, and localhost when it listens on loopback); any other Host
    gets the address the connection arrived at.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"There is no build folder at {folder}. Build a guide first with 'audioguide build'.")
    if not (folder / "feed.xml").is_file():
        raise InputError(f"{folder} has no feed.xml; is it a build folder? Build a guide first.")
    directory = str(folder.resolve())
    handler = partial(GuideRequestHandler, directory=directory, public_base="")
    try:
        server = GuideServer((host, port), handler, workers=workers)
    except (OSError, OverflowError) as exc:
        message = getattr(exc, "strerror", None) or exc
        raise OutputError(f"Cannot listen on {host}:{port}: {message}. Try another --port.") from exc
    everywhere = host in ("0.0.0.0", "::", "")
    shown_host = _network_address() if everywhere else host
    names = {shown_host.lower(), host.lower()}
    if everywhere or host.startswith("127.") or host in ("::1", "localhost"):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    names |= {f"[{n}]" for n in names if ":" in n and not n.startswith("[")}
    base = f"http://{shown_host}:{server.server_address[1]}/"
    timed = type("TimedGuideRequestHandler", (GuideRequestHandler,), {"timeout": idle_timeout})
    server.RequestHandlerClass = partial(timed, directory=directory, public_base=base, names=frozenset(names))
    server.public_base = base
    return server


def _network_address() -> str:
    """An address other devices on the network can reach this computer at, for the printed feed URL.

    Served feeds follow the address each app used, so this only decides what is printed.
    """
    import socket
    import subprocess

    try:
        found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5, check=False)
        for address in found.stdout.split():
            if not address.startswith(("127.", "::1", "fe80")) and ":" not in address:
                return address
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"
    return address


def default_folder() -> Path | None:
    """The newest build under output/, for ``audioguide serve`` with no folder."""
    builds = [p.parent for p in Path("output").glob("*/feed.xml")]
    return max(builds, key=lambda p: (p / "feed.xml").stat().st_mtime) if builds else None


__all__ = ["GuideRequestHandler", "GuideServer", "default_folder", "make_server", "parse_ranges", "rebase_feed"]

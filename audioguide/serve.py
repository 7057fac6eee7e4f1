"""Serve a build over HTTP so podcast apps on this computer or network can subscribe to it."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
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
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
    )


class GuideRequestHandler(SimpleHTTPRequestHandler):
    """Static files from one folder, with Range requests, podcast MIME types and a rebased feed."""

    server_version = "audioguide"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def __init__(self, *args: Any, directory: str, public_base: str, **kwargs: Any) -> None:
        self.public_base = public_base
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the CLI says where it serves; podcast apps make many requests

    def _base_for_client(self) -> str:
        """The address the app used to reach us (its Host header), so the feed's links work for it.

        A phone on the network asks for http://192.168.1.20:8000/feed.xml even when the server
        listens on 0.0.0.0; links to 0.0.0.0 would be useless to it.
        """
        host = (self.headers.get("Host") or "").strip()
        if host and _HOST.fullmatch(host):
            return f"http://{host}/"
        return self.public_base

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

    def send_head(self) -> Any:  # noqa: C901 - one place for the whole response head
        target = self._safe_path()
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        root = Path(self.directory).resolve()
        if target == root / "feed.xml":
            info = manifest.load(root) or {}
            body = rebase_feed(target.read_bytes(), info.get("base_url"), self._base_for_client())
            return self._send_bytes(body, MIME_TYPES[".xml"])
        ctype = self.guess_type(str(target))
        size = target.stat().st_size
        start, end = 0, size - 1
        status = HTTPStatus.OK
        header = self.headers.get("Range")
        if header:
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
            if not match or (match.group(1) == "" and match.group(2) == ""):
                self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                return None
            if match.group(1) == "":
                start = max(0, size - int(match.group(2)))
            else:
                start = int(match.group(1))
                if match.group(2):
                    end = min(int(match.group(2)), size - 1)
            if start >= size or start > end:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            status = HTTPStatus.PARTIAL_CONTENT
        fh = open(target, "rb")  # noqa: SIM115 - closed by copyfile's caller
        fh.seek(start)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Last-Modified", self.date_time_string(int(target.stat().st_mtime)))
        self.end_headers()
        self._remaining = end - start + 1
        return fh

    def _send_bytes(self, body: bytes, ctype: str) -> Any:
        import io

        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._remaining = len(body)
        return io.BytesIO(body)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining = getattr(self, "_remaining", None)
        while remaining is None or remaining > 0:
            chunk = source.read(64 * 1024 if remaining is None else min(64 * 1024, remaining))
            if not chunk:
                break
            try:
                outputfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the app stopped listening; that is fine
            if remaining is not None:
                remaining -= len(chunk)


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server for the build in ``folder`` (port 0 picks a free port)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"There is no build folder at {folder}. Build a guide first with 'audioguide build'.")
    if not (folder / "feed.xml").is_file():
        raise InputError(f"{folder} has no feed.xml; is it a build folder? Build a guide first.")

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    try:
        server = _Server((host, port), partial(GuideRequestHandler, directory=str(folder.resolve()), public_base=""))
    except OSError as exc:
        raise OutputError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Try another --port.") from exc
    shown_host = _network_address() if host in ("0.0.0.0", "::", "") else host
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    base = f"http://{shown_host}:{server.server_address[1]}/"
    server.RequestHandlerClass = partial(GuideRequestHandler, directory=str(folder.resolve()), public_base=base)  # type: ignore[assignment]
    server.public_base = base  # type: ignore[attr-defined]
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


__all__ = ["GuideRequestHandler", "default_folder", "make_server", "rebase_feed"]

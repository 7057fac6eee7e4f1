"""Fetch a guide from a web address: redirects followed, the server's charset kept, a size limit and a
timeout, a User-Agent naming audioguide. The HTTP session is a parameter, so tests pass their own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from . import __version__
from .errors import InputError
from .readers.base import MAX_SOURCE_BYTES

USER_AGENT = f"audioguide/{__version__} (turns health guidance into audio; +https://pypi.org/project/audioguide/)"
"""What audioguide calls itself to web servers."""
TIMEOUT = 20.0
"""Seconds to wait for the server to connect or to send the next piece."""
MAX_REDIRECTS = 10
"""Redirects followed before giving up."""


@dataclass(frozen=True)
class Fetched:
    """A page fetched from the web."""

    url: str
    """The address it was finally fetched from, after redirects."""
    data: bytes
    """The body, as sent."""
    content_type: str | None
    """The media type the server gave ("text/html"), without parameters."""
    charset: str | None
    """The character set the server named in Content-Type, if any."""
    name: str
    """A file name for messages and format detection (the address's last part)."""


def _fail(url: str, why: str) -> InputError:
    return InputError(f"Could not fetch {url}: {why}. Save the page and give the file instead.")


def fetch(url: str, session: Any = None, timeout: float = TIMEOUT, limit: int = MAX_SOURCE_BYTES) -> Fetched:
    """Fetch ``url`` with ``session`` (a ``requests.Session``-like object; a new one when None)."""
    import requests

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise _fail(url, "it is not an http or https web address")
    own = session is None
    if own:
        session = requests.Session()
        session.max_redirects = MAX_REDIRECTS
    try:
        response = session.get(
            url,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"},
            timeout=timeout,
            stream=True,
            allow_redirects=True,
        )
        try:
            if response.status_code >= 400:
                raise _fail(url, f"the server answered {response.status_code} {response.reason or ''}".rstrip())
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _fail(url, f"the page is larger than {limit // (1024 * 1024)} MB")
            pieces: list[bytes] = []
            total = 0
            for piece in response.iter_content(chunk_size=1 << 16):
                total += len(piece)
                if total > limit:
                    raise _fail(url, f"the page is larger than {limit // (1024 * 1024)} MB")
                pieces.append(piece)
            final = str(response.url or url)
            header = response.headers.get("Content-Type") or ""
        finally:
            response.close()
    except requests.exceptions.TooManyRedirects as exc:
        raise _fail(url, f"it redirects more than {MAX_REDIRECTS} times") from exc
    except requests.exceptions.Timeout as exc:
        raise _fail(url, f"the server did not answer within {timeout:g} seconds") from exc
    except requests.exceptions.ConnectionError as exc:
        raise _fail(url, "the server cannot be reached (are you offline?)") from exc
    except requests.exceptions.RequestException as exc:
        raise _fail(url, str(exc) or type(exc).__name__) from exc
    finally:
        if own:
            session.close()
    media = header.split(";")[0].strip().lower() or None
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", header, re.I)
    last = unquote(urlsplit(final).path.rstrip("/").rsplit("/", 1)[-1]) or urlsplit(final).hostname or "page"
    if "." not in last and media in ("text/html", "application/xhtml+xml"):
        last += ".html"
    return Fetched(
        url=final,
        data=b"".join(pieces),
        content_type=media,
        charset=match.group(1) if match else None,
        name=last,
    )

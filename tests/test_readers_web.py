"""Web addresses as SOURCE, served by a local http.server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reader_fixtures import div_soup_page, guide_blocks, leaflet_pdf
from typer.testing import CliRunner

from audioguide import fetch as fetch_module
from audioguide.build import example_guide_path, load_document
from audioguide.cli import app
from audioguide.errors import InputError
from audioguide.reader import read_document

ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {}
SEEN: list[dict[str, str]] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        SEEN.append(dict(self.headers))
        if self.path == "/slow":
            time.sleep(1.5)
        status, headers, body = ROUTES.get(self.path, (404, {"Content-Type": "text/plain"}, b"not here"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    title, blocks = guide_blocks(example_guide_path().read_text(encoding="utf-8"))
    page = div_soup_page(title, blocks)
    ROUTES.update(
        {
            "/guide": (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")),
            "/moved": (301, {"Location": "/guide"}, b""),
            "/leaflet.pdf": (200, {"Content-Type": "application/pdf"}, leaflet_pdf(title, blocks)),
            # Windows-1252 bytes, said so only in the header: "£" and a curly apostrophe.
            "/cp1252": (
                200,
                {"Content-Type": "text/html; charset=windows-1252"},
                "<html lang='en'><body><h1>Costs</h1><p>It costs \u00a35 and it\u2019s free for carers.</p>"
                "</body></html>".encode("cp1252"),
            ),
            "/gone": (410, {"Content-Type": "text/plain"}, b"gone"),
            "/big": (200, {"Content-Type": "text/html"}, b"<p>" + b"word " * 50_000 + b"</p>"),
            "/slow": (200, {"Content-Type": "text/html"}, b"<p>late</p>"),
            "/loop": (302, {"Location": "/loop"}, b""),
        }
    )
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_a_served_page_and_leaflet_read_like_the_markdown(server: str) -> None:
    reference = load_document(None)
    for path in ("/guide", "/moved", "/leaflet.pdf"):
        doc = read_document(server + path)
        assert doc.title == reference.title
        assert [(s.title, s.level, s.paragraphs) for s in doc.sections] == [
            (s.title, s.level, s.paragraphs) for s in reference.sections
        ], path
    assert any("audioguide/" in h.get("User-Agent", "") for h in SEEN)


def test_the_servers_charset_is_honoured(server: str) -> None:
    doc = read_document(server + "/cp1252")
    assert doc.sections[0].paragraphs == ("It costs \u00a35 and it\u2019s free for carers.",)
    assert doc.language == "en"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/gone", "the server answered 410"),
        ("/nothing-here", "the server answered 404"),
        ("/slow", "did not answer within"),
        ("/loop", "redirects more than"),
        ("/big", "larger than"),
    ],
)
def test_fetch_failures_are_one_line(server: str, path: str, why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "TIMEOUT", 0.5)
    monkeypatch.setattr(fetch_module.fetch, "__defaults__", (None, 0.5, 100_000))
    with pytest.raises(InputError) as caught:
        read_document(server + path)
    message = str(caught.value)
    assert message.startswith(f"Could not fetch {server}{path}: ")
    assert why in message and message.endswith("Save the page and give the file instead.")
    assert "\n" not in message


def test_a_session_is_passed_in() -> None:
    """Anything that talks to the network takes its session as a parameter (here a fake one)."""

    class Response:
        status_code, reason, url = 200, "OK", "https://example.org/help/rest"
        headers = {"Content-Type": "text/html; charset=utf-8"}

        def iter_content(self, chunk_size: int) -> Iterator[bytes]:
            yield b"<html lang='cy'><title>Gorffwys</title><body><h2>Cysgu</h2><p>Mae gorffwys yn helpu.</p>"

        def close(self) -> None:
            pass

    class Session:
        asked: list[tuple[str, dict[str, str]]] = []

        def get(self, url: str, headers: dict[str, str], **kwargs: object) -> Response:
            self.asked.append((url, headers))
            return Response()

    session = Session()
    doc = read_document("https://example.org/help/rest", session=session)
    assert (doc.title, doc.language, doc.sections[0].title) == ("Gorffwys", "cy", "Cysgu")
    assert session.asked[0][1]["User-Agent"].startswith("audioguide/")


def test_cli_reads_a_web_address_and_writes_nothing_when_offline(server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["sections", server + "/guide"])
    assert result.exit_code == 0, result.output
    assert "read by the html reader; language en-GB" in result.output
    assert "Living with inclusion body myositis" in result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "http://127.0.0.1:9/guide", "--out", str(out)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "Error: Could not fetch http://127.0.0.1:9/guide: the server cannot be reached (are you offline?). "
        "Save the page and give the file instead."
    ]
    assert not out.exists()

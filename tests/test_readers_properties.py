"""Whatever bytes arrive, every reader gives a Document or one clear InputError line, never another error."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from reader_fixtures import Block, guide_docx, leaflet_pdf

from audioguide.errors import InputError
from audioguide.model import Document
from audioguide.reader import read_bytes

_PDF = leaflet_pdf("A guide", [Block("h1", "One"), Block("p", "Some text to read aloud.")])
_DOCX = guide_docx("A guide", [Block("h1", "One"), Block("p", "Some text to read aloud.")])


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _damaged(base: bytes) -> st.SearchStrategy[bytes]:
    """``base`` with a slice replaced by random bytes, or cut short."""
    return st.tuples(st.integers(0, len(base)), st.integers(0, 400), st.binary(max_size=64)).map(
        lambda t: base[: t[0]] + t[2] + base[t[0] + t[1] :]
    )


SOURCES = st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b),
    st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
    _damaged(_PDF),
    _damaged(_DOCX),
    st.dictionaries(
        st.sampled_from(["word/document.xml", "mimetype", "META-INF/container.xml", "OEBPS/a.opf", "x.txt"]),
        st.binary(max_size=200),
        max_size=4,
    ).map(_zip),
)


@settings(max_examples=120, deadline=None)
@given(data=SOURCES, name=st.sampled_from(["guide.pdf", "guide.docx", "guide.epub", "guide.txt", "guide"]))
def test_any_bytes_give_a_document_or_one_clear_line(data: bytes, name: str) -> None:
    try:
        doc = read_bytes(data, name)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return
    assert isinstance(doc, Document) and doc.sections

"""Make reader test inputs at test time: leaflets as PDF (reportlab), Word documents (python-docx) and
web pages, from a small outline of headings and paragraphs written for these tests."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Block:
    """One piece of a made-up guide."""

    kind: str  # "h1" (chapter), "h2" (subsection), "p", "li", "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def guide_blocks(markdown: str) -> tuple[str, list[Block]]:
    """The title and blocks of a Markdown guide (# title, ## chapters, ### subsections)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    title = ""
    blocks: list[Block] = []
    in_item = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            text = tokens[i + 1].content
            level = int(t.tag[1])
            if level == 1:
                title = text
            else:
                blocks.append(Block("h1" if level == 2 else "h2", text))
            i += 3
            continue
        if t.type == "list_item_open":
            in_item = True
        elif t.type == "list_item_close":
            in_item = False
        elif t.type == "inline":
            blocks.append(Block("li" if in_item else "p", t.content))
        i += 1
    return title, blocks


# ----------------------------------------------------------------------------- PDF


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if stringWidth(candidate, font, size) > width and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def leaflet_pdf(
    title: str,
    blocks: list[Block],
    *,
    header: str = "Living well with a muscle condition",
    footer: str = "Northfield Myositis Trust, registered charity 1234567",
    two_columns_from: int | None = None,
    outline: bool = False,
    heading_font: str = "Helvetica-Bold",
    heading_sizes: tuple[float, float] = (15, 12.5),
    compress: bool = True,
    encrypt: str | None = None,
    properties_title: str = "",
) -> bytes:
    """A leaflet: title in a large bold font, chapters and subsections in smaller bold fonts, body text,
    a running header and footer with page numbers on every page. Blocks from ``two_columns_from`` on are
    set in two columns on a page of their own; ``outline`` adds bookmarks for every heading."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1 if compress else 0, encrypt=encrypt)
    pdf.setTitle(properties_title)
    width, height = A4
    margin = 60
    state = {"page": 1, "y": height - 90.0, "x": float(margin), "col_width": width - 2 * margin, "col": 0, "cols": 1}

    def furniture() -> None:
        pdf.setFont("Helvetica", 8)
        pdf.drawString(margin, height - 40, header)
        pdf.drawString(margin, 35, footer)
        pdf.drawRightString(width - margin, 35, f"Page {state['page']}")

    def new_page() -> None:
        pdf.showPage()
        state["page"] += 1
        state["y"] = height - 90.0
        state["col"] = 0
        state["x"] = float(margin)
        furniture()

    def need(space: float) -> None:
        if state["y"] - space < 70:
            if state["cols"] == 2 and state["col"] == 0:
                state["col"] = 1
                state["x"] = margin + state["col_width"] + 30
                state["y"] = state["top"]
            else:
                new_page()
                if state["cols"] == 2:
                    state["top"] = state["y"]

    def put(text: str, font: str, size: float, gap: float, indent: float = 0, key: str | None = None) -> None:
        lines = _wrap(text, font, size, state["col_width"] - indent)
        for k, line in enumerate(lines):
            need(size * 1.35)
            pdf.setFont(font, size)
            pdf.drawString(state["x"] + indent, state["y"], line)
            if key is not None and k == 0 and outline:
                pdf.bookmarkPage(key, fit="XYZ", top=state["y"] + size)
            state["y"] -= size * 1.35
        state["y"] -= gap

    furniture()
    put(title, "Helvetica-Bold", 22, 12)
    for n, block in enumerate(blocks):
        if two_columns_from is not None and n == two_columns_from:
            new_page()
            state["cols"] = 2
            state["col_width"] = (width - 2 * margin - 30) / 2
            state["top"] = state["y"]
        if block.kind in ("h1", "h2"):
            size = heading_sizes[0] if block.kind == "h1" else heading_sizes[1]
            need(size * 4)
            key = f"h{n}"
            put(block.text, heading_font, size, 4, key=key)
            if outline:
                pdf.addOutlineEntry(block.text, key, level=0 if block.kind == "h1" else 1)
        elif block.kind == "li":
            put("\u2022 " + block.text, "Helvetica", 10.5, 3, indent=10)
        elif block.kind == "hyphenated":  # lines given as written, to break a word across two of them
            for line in block.rows[0]:
                need(14)
                pdf.setFont("Helvetica", 10.5)
                pdf.drawString(state["x"], state["y"], line)
                state["y"] -= 10.5 * 1.35
            state["y"] -= 6
        else:
            put(block.text, "Helvetica", 10.5, 6)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """Two pages that are pictures only, as a scanner makes them."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for y in range(40, 520, 18):
        draw.line((30, y, 370, y), fill=0, width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(2):
        pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 50, 100, 480, 670)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages, one short line each."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for n in range(pages):
        pdf.drawString(72, 720, f"Line on page {n + 1}.")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


# ----------------------------------------------------------------------------- Word


def guide_docx(title: str, blocks: list[Block], *, styles: bool = True, core_title: bool = True) -> bytes:
    """A Word document: the title in the Title style (and the title property), chapters as Heading 1,
    subsections as Heading 2, lists, tables. Without ``styles``, headings are bold Normal paragraphs."""
    import docx

    document = docx.Document()
    if core_title:
        document.core_properties.title = title
    document.core_properties.author = "Northfield Myositis Trust"
    if styles:
        document.add_paragraph(title, style="Title")
    for block in blocks:
        if block.kind in ("h1", "h2"):
            if styles:
                document.add_heading(block.text, level=1 if block.kind == "h1" else 2)
            else:  # direct formatting only, as many documents are made: bold, and larger for chapters
                from docx.shared import Pt

                run = document.add_paragraph().add_run(block.text)
                run.bold = True
                run.font.size = Pt(16 if block.kind == "h1" else 13)
        elif block.kind == "li":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- web pages

FURNITURE = [
    "We use cookies to make this site work and to see how it is used.",
    "Accept all cookies",
    "Manage cookie settings",
    "Home",
    "Conditions A to Z",
    "Our shop",
    "Give £10 today to fund a support worker",
    "Share on Facebook",
    "You might also like",
    "Registered in England, charity number 7654321",
    "Sign up for our emails",
]


def div_soup_page(title: str, blocks: list[Block], lang: str = "en-GB", site: str = "Northfield Myositis Trust") -> str:
    """A page built from divs only, as many charity sites are: a cookie banner, a menu, a sidebar with
    related links and a donate box, share buttons and a footer around the guide's content."""
    import html

    body: list[str] = []
    for block in blocks:
        text = html.escape(block.text)
        if block.kind == "h1":
            body.append(f'<div class="content-block"><h2 class="title">{text}</h2></div>')
        elif block.kind == "h2":
            body.append(f"<h3>{text}</h3>")
        elif block.kind == "li":
            body.append(f"<ul><li>{text}</li></ul>")
        elif block.kind == "table":
            head = "".join(f"<th>{html.escape(c)}</th>" for c in block.rows[0])
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block.rows[1:]
            )
            body.append(f"<table><tr>{head}</tr>{rows}</table>")
        else:
            body.append(f'<div class="text">{text}</div>')
    f = [html.escape(x) for x in FURNITURE]
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta name="description" content="A guide from {site}."></head>
<body>
<div class="cookie-banner" id="cookieBanner"><div>{f[0]}</div>
  <div class="btn">{f[1]}</div><div class="btn">{f[2]}</div></div>
<div class="top-bar"><div class="logo">{site}</div>
  <div class="main-menu"><div><a href="/">{f[3]}</a></div><div><a href="/az">{f[4]}</a></div>
  <div><a href="/shop">{f[5]}</a></div></div></div>
<div class="wrapper">
  <div class="col-left">
    <div class="page-body"><h1>{html.escape(title)}</h1>
{chr(10).join(body)}
    </div>
    <div class="share-links"><a href="#">{f[7]}</a></div>
  </div>
  <div class="col-right sidebar"><div class="donate-box">{f[6]}</div>
    <div class="related-links"><h4>{f[8]}</h4><div><a href="/x">Fatigue and energy</a></div></div></div>
</div>
<div class="site-footer"><div>{f[9]}</div><div><a href="/signup">{f[10]}</a></div></div>
</body></html>"""


def write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def platypus_leaflet() -> tuple[bytes, list[tuple[str, int]], list[str], list[str]]:
    """A leaflet laid out by reportlab's document templates rather than by hand: sample-stylesheet
    headings, a running header and footer drawn on every page, a bullet list, a table, several pages.

    Returns the PDF, its expected outline, phrases that must survive and furniture that must not."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Heading1"], styles["Heading2"]
    story = [Paragraph("Looking after your voice", styles["Title"])]
    outline = [("Introduction", 1)]
    story.append(
        Paragraph(
            "Some muscle conditions affect the muscles used for speaking. Your voice may get quieter or tire "
            "towards the end of the day. This leaflet suggests ways to make talking easier.",
            body,
        )
    )
    sections = [
        (
            "Why voices change",
            1,
            "Speaking uses the muscles of the chest, throat, lips and tongue. When they weaken, words can "
            "sound slurred or soft, especially when you are tired.",
        ),
        (
            "Everyday tips",
            1,
            "Small changes help most people. Face the person you are talking to and cut down background noise.",
        ),
        ("Pacing your talking", 2, "Plan important conversations for the time of day when you feel strongest."),
        ("Drinks and posture", 2, "Sip water often. Sitting upright gives your breath more support."),
        (
            "Equipment that can help",
            1,
            "A small voice amplifier clips to your clothes and makes you louder without extra effort.",
        ),
        ("Who to ask", 1, "A speech and language therapist can assess your voice and suggest exercises."),
    ]
    for title, level, text in sections:
        story.append(Paragraph(title, h1 if level == 1 else h2))
        outline.append((title, level))
        for n in range(5):
            story.append(Paragraph(f"{text} Point {n + 1} of this part adds a little more detail to read.", body))
        if title == "Everyday tips":
            story.append(
                ListFlowable(
                    [
                        ListItem(Paragraph(t, body))
                        for t in ("rest your voice before a phone call", "use short sentences")
                    ],
                    bulletType="bullet",
                )
            )
        if title == "Equipment that can help":
            table = Table(
                [
                    ["Aid", "What it does"],
                    ["Amplifier", "Makes your voice louder"],
                    ["Text-to-speech app", "Speaks what you type"],
                ]
            )
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
            story.extend([Spacer(1, 6), table])

    def furniture(canvas, doc) -> None:  # noqa: ANN001 - reportlab's callback
        canvas.saveState()
        canvas.setFont("Times-Italic", 8)
        canvas.drawString(72, A4[1] - 36, "Westfield Voice Service: patient information")
        canvas.drawRightString(A4[0] - 72, 30, f"{doc.page}")
        canvas.drawString(72, 30, "Leaflet WVS-12, reviewed 2026")
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="Looking after your voice", author="Westfield Voice Service").build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    keep = [
        "This leaflet suggests ways to make talking easier.",
        "Rest your voice before a phone call",
        "Sip water often.",
    ]
    drop = ["Westfield Voice Service: patient information", "Leaflet WVS-12"]
    return out.getvalue(), outline, keep, drop


def tagged_pdf(blocks: list[Block]) -> bytes:
    """A tagged PDF whose headings look exactly like its body text (same font and size): only the
    marked-content tags (H1, H2, P) say which lines are headings."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("Helvetica", 11)
    y = 760.0
    for mcid, block in enumerate(blocks):
        tag = {"h1": "H1", "h2": "H2"}.get(block.kind, "P")
        pdf._code.append(f"/{tag} <</MCID {mcid}>> BDC")  # noqa: SLF001 - reportlab has no API for marked content
        for line in _wrap(block.text, "Helvetica", 11, 450):
            pdf.drawString(72, y, line)
            y -= 15
        pdf._code.append("EMC")  # noqa: SLF001
        y -= 8
    pdf.showPage()
    pdf.save()
    return out.getvalue()

"""A printable subscribe card, the size of a bank card: title, a large QR code, the feed address in large type.

Black on white only (the highest contrast a printer gives), drawn with Pillow at 300 dots per inch and
saved as ``card.png`` and as a one-page ``card.pdf`` of exactly 85.6 by 54 mm. The same guide and
address give the same bytes.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

from ..i18n import messages

if TYPE_CHECKING:
    from collections.abc import Callable

    from PIL import Image, ImageDraw, ImageFont

PNG = "card.png"
PDF = "card.pdf"
DPI = 300
WIDTH_MM, HEIGHT_MM = 85.6, 54.0
"""ISO/IEC 7810 ID-1, the size of bank and alert cards, so it fits a wallet or a card holder."""
WIDTH = round(WIDTH_MM / 25.4 * DPI)
HEIGHT = round(HEIGHT_MM / 25.4 * DPI)
MARGIN = 30
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


def card_image_bytes(title: str, feed_url: str, language: str = "en") -> tuple[bytes, bytes]:
    """The card as (PNG bytes, PDF bytes), its words in ``language``."""
    image = _draw(title, feed_url, language)
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=False, dpi=(DPI, DPI))
    pdf = io.BytesIO()
    fixed = time.gmtime(0)  # no build time in the file, so a rebuild gives the same bytes
    image.save(
        pdf,
        format="PDF",
        resolution=DPI,
        title=messages(language).text("publish.card_title", title=title),
        creationDate=fixed,
        modDate=fixed,
    )
    return png.getvalue(), pdf.getvalue()


def _draw(title: str, feed_url: str, language: str) -> Image.Image:
    import segno
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), outline=BLACK, width=6)  # where to cut

    # The feed address along the bottom, across the whole card, in the largest type that fits 2 lines.
    inner = WIDTH - 2 * MARGIN
    # Never cut short: a wrong address is worse than a smaller code, so the last size keeps every line.
    address_font, address_lines = _fit(
        draw, _break_url, feed_url, inner, (54, 48, 44, 40, 36, 32, 28, 26, 24), 2, whole=True
    )
    line_height = _line_height(draw, address_font)
    address_top = HEIGHT - MARGIN - line_height * len(address_lines)

    # A large QR code on the left, filling the height above the address.
    code = segno.make(feed_url, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    side = address_top - MARGIN - 16
    modules = len(matrix) + 4  # a quiet zone of 2 modules each side; the white card gives the rest
    unit = side // modules
    side = unit * modules
    left, top = MARGIN - 6, MARGIN
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = left + (x + 2) * unit, top + (y + 2) * unit
                draw.rectangle((x0, y0, x0 + unit - 1, y0 + unit - 1), fill=BLACK)

    # The title and what to say to a phone, beside the code.
    text_left = left + side + 12
    width = WIDTH - MARGIN - text_left
    height = address_top - MARGIN - 16
    title_font, title_lines = _fit(draw, _break_words, title, width, (64, 56, 50, 44, 40, 36, 32, 28), 4, bold=True)
    say = messages(language).text("publish.card_ask", title=title)
    scan = messages(language).text("publish.card_scan")
    y = MARGIN
    for line in title_lines:
        draw.text((text_left, y), line, font=title_font, fill=BLACK)
        y += _line_height(draw, title_font)
    y += 10
    draw.rectangle((text_left, y, WIDTH - MARGIN, y + 5), fill=BLACK)
    y += 18
    room = height - (y - MARGIN)
    say_sizes = tuple(size for size in (40, 36, 32, 30, 28, 26, 24) if size <= title_font.size) or (24,)
    say_font, say_lines = _fit(draw, _break_words, say, width, say_sizes, max(1, room // 34 - 1))
    for line in say_lines:
        draw.text((text_left, y), line, font=say_font, fill=BLACK)
        y += _line_height(draw, say_font)
    scan_font = _font(28)
    if y + _line_height(draw, scan_font) <= address_top - 12:
        draw.text((text_left, y + 6), scan, font=scan_font, fill=BLACK)

    y = address_top
    for line in address_lines:
        draw.text((MARGIN, y), line, font=address_font, fill=BLACK)
        y += line_height
    return image


FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans{bold}.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans{bold}.ttf",
    "/Library/Fonts/Arial{bold}.ttf",
    "C:/Windows/Fonts/arial{bold_win}.ttf",
)
"""Fonts with accented and non-Latin letters, tried in turn; Pillow's own font (Latin only) is the last resort."""


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    for pattern in FONTS:
        path = pattern.format(bold="-Bold" if bold else "", bold_win="bd" if bold else "")
        try:
            return ImageFont.truetype(path, size=size)
        except OSError:
            continue
    font = ImageFont.load_default(size=size)
    return font  # type: ignore[return-value]


def _line_height(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont) -> int:
    box = draw.textbbox((0, 0), "Ag/", font=font)
    return int(box[3] - box[1]) + max(6, int(font.size) // 5)


def _fit(
    draw: ImageDraw.ImageDraw,
    breaker: Callable[[ImageDraw.ImageDraw, str, ImageFont.FreeTypeFont, int], list[str]],
    text: str,
    width: int,
    sizes: tuple[int, ...],
    max_lines: int,
    *,
    bold: bool = False,
    whole: bool = False,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font in ``sizes`` at which ``breaker`` puts ``text`` in ``max_lines`` lines of ``width``.

    When none does, the smallest, with the lines cut to ``max_lines`` (or all of them when ``whole``).
    """
    font = _font(sizes[-1], bold)
    lines: list[str] = []
    for size in sizes:
        font = _font(size, bold)
        lines = breaker(draw, text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    if whole or len(lines) <= max_lines:
        return font, lines
    return font, [*lines[: max_lines - 1], lines[max_lines - 1].rstrip(" ,;:") + "…"]


def _fits(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> bool:
    return draw.textlength(text, font=font) <= width


def _break_words(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and not _fits(draw, candidate, font, width):
            lines.append(line)
            line = word
        else:
            line = candidate
        while not _fits(draw, line, font, width) and len(line) > 1:  # one word wider than the card
            cut = max(1, next((i for i in range(len(line), 0, -1) if _fits(draw, line[:i], font, width)), 1))
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _break_url(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break an address into lines, preferring to break after a ``/``, ``.`` or ``-``."""
    lines: list[str] = []
    rest = text
    while rest:
        if _fits(draw, rest, font, width):
            lines.append(rest)
            break
        cut = next((i for i in range(len(rest), 0, -1) if _fits(draw, rest[:i], font, width)), 1)
        soft = max((rest.rfind(ch, 0, cut) for ch in "/.-"), default=-1)
        if soft > cut // 2:
            cut = soft + 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines

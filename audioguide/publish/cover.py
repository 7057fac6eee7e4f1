"""Cover art made locally: a square, high-contrast PNG with the guide's title in large letters."""

from __future__ import annotations

import hashlib
import io
import textwrap
from pathlib import Path

from .. import __version__
from ..errors import OutputError
from ..fsutil import read_checked, write_checked

SIZE = 1400
"""Width and height in pixels (Apple asks for 1400 to 3000)."""
BACKGROUND = (12, 35, 64)
"""Deep navy."""
FOREGROUND = (255, 214, 0)
"""Bright yellow: contrast ratio above 10:1 against the background."""


SUBTITLE = "An audio guide"
"""The line under the title, in English; a build passes its language's (``publish.cover_subtitle``)."""


def cover_png(title: str, subtitle: str = SUBTITLE) -> bytes:
    """The cover as PNG bytes; the same title always gives the same bytes."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 110
    for size in (150, 130, 112, 96, 84, 72, 60):
        font = ImageFont.load_default(size=size)
        width_chars = max(6, int((SIZE - 2 * margin) / (size * 0.55)))
        lines = textwrap.wrap(title, width=width_chars)[:7]
        heights = [draw.textbbox((0, 0), line, font=font)[3] for line in lines]
        widest = max(draw.textbbox((0, 0), line, font=font)[2] for line in lines) if lines else 0
        if widest <= SIZE - 2 * margin and sum(heights) + 30 * len(lines) <= SIZE - 2 * margin - 200:
            break
    y: float = margin
    for line in lines:
        draw.text((margin, y), line, font=font, fill=FOREGROUND)
        y += draw.textbbox((0, 0), line, font=font)[3] + 30
    small = ImageFont.load_default(size=64)
    draw.rectangle((margin, SIZE - margin - 120, SIZE - margin, SIZE - margin - 110), fill=FOREGROUND)
    draw.text((margin, SIZE - margin - 80), subtitle, font=small, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def cached_path(title: str, root: Path, subtitle: str = SUBTITLE) -> Path:
    """Where the cover for ``title`` (and ``subtitle``) is kept in the cache folder ``root``."""
    key = hashlib.sha256(f"{__version__}\x00{SIZE}\x00{title}\x00{subtitle}".encode()).hexdigest()
    return Path(root) / "covers" / f"{key}.png"


def cached_png(title: str, root: Path, subtitle: str = SUBTITLE) -> bytes:
    """The cover for ``title``, drawn once and kept in the cache with its checksum (drawing takes longer
    than a rebuild); a kept cover that differs from its checksum is drawn again."""
    kept = cached_path(title, root, subtitle)
    found = read_checked(kept)
    if found is not None:
        return found
    data = cover_png(title, subtitle)
    try:
        write_checked(kept, data)
    except (OSError, OutputError):
        pass  # a cache that can't be written only costs time
    return data

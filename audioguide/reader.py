"""Compatibility facade: the readers now live in :mod:`audioguide.readers`, one module per format."""

from __future__ import annotations

from .readers import (
    MAX_SOURCE_BYTES,
    decode_source,
    detect_format,
    is_url,
    parse,
    read_bytes,
    read_document,
    read_source,
    sniff_format,
    strip_controls,
)

__all__ = [
    "MAX_SOURCE_BYTES",
    "decode_source",
    "detect_format",
    "is_url",
    "parse",
    "read_bytes",
    "read_document",
    "read_source",
    "sniff_format",
    "strip_controls",
]

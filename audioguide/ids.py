"""Stable identifiers shared by the feed, the chapters and the talking books."""

from __future__ import annotations

import uuid

GUIDE_NAMESPACE = uuid.UUID("6f3b4b7e-2f8a-5c1d-9a57-0d1e5a7c4b21")
"""UUIDv5 namespace for audioguide's episode guids."""


def guide_id(slug: str) -> uuid.UUID:
    """The guide's own id, from which every episode guid is made."""
    return uuid.uuid5(GUIDE_NAMESPACE, slug)

"""audioguide: turn written health guidance into accessible audio."""

__version__ = "0.1.0"

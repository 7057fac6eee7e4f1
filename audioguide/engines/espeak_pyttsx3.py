"""The default engine: espeak-ng on Linux (driven directly through libespeak-ng), pyttsx3's system
voices on macOS and Windows.

On Linux this module is its own small driver over libespeak-ng (ctypes), not pyttsx3's, for three reasons
measured on espeak-ng 1.51:

- **The same text gives the same samples.** libespeak-ng keeps state from one utterance to the next
  (the wave generator's flutter position, phase and gain, the echo buffer) that no API call resets:
  the same sentence said after another one comes out a few samples longer or shorter and different
  throughout, so audio depended on what a worker happened to say before. Each sentence here gets a
  fresh copy of the library (loaded, initialised, used, unloaded), which is exactly the state the
  ``espeak-ng`` program starts from: the samples equal ``espeak-ng --stdout`` byte for byte.
- **Synchronous synthesis.** pyttsx3 runs espeak-ng asynchronously and writes the file from the
  end-of-message callback, which could drop the last block of audio or write an empty file, and it
  printed "Audio saved to ..." for every sentence from espeak-ng's thread, past any redirection.
- **Phoneme input.** Text is synthesised with espeak-ng's ``espeakPHONEMES`` flag, so ``[[h@'loU]]``
  inside speech text is spoken as phonemes (as the ``espeak-ng`` program does), not spelled out.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
import threading
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from ..errors import EngineError
from . import Voice, register

DEFAULT_RATE = 165
"""Words per minute: a little slower than espeak-ng's 175-200, for listeners who tire easily."""

DEFAULT_VOICE = "gmw/en"
"""The voice pyttsx3 chose on Linux (espeak-ng's own default, British English), kept so the sound stays."""

_LOCK = threading.Lock()
"""One sentence at a time per process: loading and unloading the library is process-wide."""

# espeak-ng's API constants (speak_lib.h).
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_PHONEMES = 0x100
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
_RATE = 1
_VOLUME = 2
_EE_OK = 0
SYNTH_FLAGS = _CHARS_UTF8 | _PHONEMES | _ENDPAUSE
"""What every sentence is synthesised with: UTF-8 text, ``[[...]]`` phoneme input, the closing pause."""

_LIBRARY_NAMES = ("libespeak-ng.so.1", "/usr/local/lib/libespeak-ng.so.1")


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


class _VoiceInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


def _library_path() -> str | None:
    """Where libespeak-ng is, or None when espeak-ng is not installed."""
    for name in _LIBRARY_NAMES:
        try:
            handle = ctypes.CDLL(name)
        except OSError:
            continue
        _dlclose(handle)  # opened only to see that it loads: nothing of it is kept
        return name
    return None


def _dlclose(lib: ctypes.CDLL) -> None:
    import _ctypes

    _ctypes.dlclose(lib._handle)


def _still_loaded(path: str) -> bool:
    try:
        lib = ctypes.CDLL(path, mode=getattr(os, "RTLD_NOLOAD", 4))
    except OSError:
        return False
    _dlclose(lib)  # the no-load open counted once more
    return True


class _Library:
    """Opens a fresh libespeak-ng for each use: its state then starts where the ``espeak-ng`` program's does.

    The library is unloaded after each use (checked); if something else in this process holds it open
    (so unloading would not reset it), a private copy of the file is used instead.
    """

    _path: ClassVar[str | None] = None
    _private: ClassVar[str | None] = None

    @classmethod
    @contextmanager
    def fresh(cls) -> Iterator[tuple[ctypes.CDLL, int]]:
        if cls._path is None:
            cls._path = _library_path()
            if cls._path is None:
                raise EngineError("espeak-ng is not installed. Run: sudo apt-get install espeak-ng")
        path = cls._private or cls._path
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_LOCAL)
        except OSError as exc:
            raise EngineError(f"espeak-ng could not be loaded ({exc}). Reinstall espeak-ng.") from exc
        _declare(lib)
        # espeak-ng 1.51 draws noise (breathy and Klatt voices) from libc's rand(): start it where a
        # fresh process does.
        _libc().srand(1)
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_DONT_EXIT)
        try:
            if rate <= 0:
                raise EngineError("espeak-ng could not start (its data files are missing?). Reinstall espeak-ng.")
            yield lib, rate
        finally:
            if rate > 0:
                lib.espeak_Terminate()
            _dlclose(lib)
            if _still_loaded(path):
                if cls._private is not None:
                    raise EngineError("espeak-ng could not be given a fresh start for each sentence.")
                cls._private = _private_copy(cls._path)


def _private_copy(path: str) -> str:
    """A copy of the library only this module opens (so that closing it really unloads it)."""
    found = ctypes.util.find_library("espeak-ng")
    source = path if os.path.isabs(path) else _loaded_file(path) or found
    if not source or not os.path.isfile(source):
        raise EngineError("espeak-ng could not be given a fresh start for each sentence.")
    folder = tempfile.mkdtemp(prefix="audioguide-espeak-")
    import atexit

    atexit.register(shutil.rmtree, folder, True)
    target = os.path.join(folder, "libespeak-ng.so.1")
    shutil.copyfile(source, target)
    return target


def _loaded_file(name: str) -> str | None:
    """The file a loaded library came from (Linux: /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                fields = line.split()
                if len(fields) >= 6 and os.path.basename(fields[5]).startswith(name.split(".so")[0] + ".so"):
                    return fields[5]
    except OSError:
        return None
    return None


_LIBC: list[Any] = []


def _libc() -> Any:
    if not _LIBC:
        _LIBC.append(ctypes.CDLL(None))
    return _LIBC[0]


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_Callback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceInfo))
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = ctypes.c_char_p


def _languages(pointer: int | None) -> tuple[str, ...]:
    """espeak-ng's language list: a priority byte, then a NUL-terminated name, repeated; empty name ends it."""
    out: list[str] = []
    if not pointer:
        return ()
    offset = 0
    while True:
        priority = ctypes.c_ubyte.from_address(pointer + offset).value
        if priority == 0:
            break
        name = ctypes.string_at(pointer + offset + 1)
        out.append(name.decode("utf-8", "replace"))
        offset += len(name) + 2
    return tuple(out)


def espeak_voices() -> list[Voice]:
    """The voices espeak-ng has here (``id`` is what ``--voice`` takes)."""
    with _LOCK, _Library.fresh() as (lib, _):
        found = lib.espeak_ListVoices(None)
        out: list[Voice] = []
        i = 0
        while found[i]:
            v = found[i].contents
            out.append(
                Voice(
                    id=(v.identifier or b"").decode("utf-8", "replace").lower(),
                    name=(v.name or b"").decode("utf-8", "replace"),
                    languages=_languages(v.languages),
                )
            )
            i += 1
        return out


def espeak_version() -> str:
    with _LOCK, _Library.fresh() as (lib, _):
        return (lib.espeak_Info(None) or b"?").decode("ascii", "replace").split()[0]


def espeak_synthesize(text: str, voice: str, rate: int) -> tuple[bytes, int]:
    """``text`` spoken by espeak-ng from a fresh state: 16-bit mono samples and their sample rate."""
    chunks: list[bytes] = []

    def collect(wav: Any, count: int, events: Any) -> int:
        if count > 0 and wav:
            chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    callback = _Callback(collect)
    data = text.encode("utf-8")
    with _LOCK, _Library.fresh() as (lib, sample_rate):
        lib.espeak_SetSynthCallback(callback)
        if lib.espeak_SetVoiceByName(voice.encode("utf-8")) != _EE_OK:
            raise EngineError(f"espeak-ng has no voice called '{voice}'. See the list with: audioguide voices")
        lib.espeak_SetParameter(_RATE, int(rate), 0)
        lib.espeak_SetParameter(_VOLUME, 100, 0)
        status = lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, SYNTH_FLAGS, None, None)
        if status != _EE_OK:
            raise EngineError(f"espeak-ng could not speak: {text[:60]} (error {status})")
        return b"".join(chunks), sample_rate


@register
class Pyttsx3Engine:
    """espeak-ng on Linux (own driver); pyttsx3's NSSpeechSynthesizer on macOS and SAPI5 on Windows."""

    name: ClassVar[str] = "pyttsx3"
    summary: ClassVar[str] = "Offline voice: espeak-ng on Linux, the system voices through pyttsx3 on macOS/Windows."
    offline: ClassVar[bool] = True
    rank: ClassVar[int] = 0

    _engine: ClassVar[Any] = None

    def __init__(self, voice: str | None = None, rate: int | None = None, language: str = "en") -> None:
        self.voice = voice
        self.rate = rate or DEFAULT_RATE
        self.language = language

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if sys.platform.startswith("linux"):
            if _library_path() is None:
                return "espeak-ng is not installed. Run: sudo apt-get install espeak-ng"
            return None
        try:
            import pyttsx3  # noqa: F401
        except ImportError:
            return "the pyttsx3 package is not installed. Run: pip install pyttsx3"
        try:
            cls._driver()
        except Exception as exc:  # pyttsx3 raises many kinds when no speech back end exists
            return f"pyttsx3 could not start a system voice ({exc})."
        return None

    def fresh_process(self) -> bool:
        """Whether synthesis workers must start afresh. On Linux nothing of espeak-ng outlives a
        sentence (no thread, the library unloaded), so forking is always safe; elsewhere a forked
        copy of a started system voice can deadlock."""
        if sys.platform.startswith("linux"):
            return False
        return type(self)._engine is not None

    @classmethod
    def _driver(cls) -> Any:
        if cls._engine is None:
            import pyttsx3

            try:
                engine = pyttsx3.init()
            except Exception as exc:  # pyttsx3 raises many kinds when no speech back end exists
                raise EngineError(f"pyttsx3 could not start a voice ({exc}).") from exc
            engine.connect("finished-utterance", cls._on_finished)
            cls._engine = engine
        return cls._engine

    def voices(self) -> list[Voice]:
        if sys.platform.startswith("linux"):
            return espeak_voices()
        engine = self._driver()
        out: list[Voice] = []
        for v in engine.getProperty("voices") or []:
            langs = tuple(
                lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
                for lang in (getattr(v, "languages", None) or [])
            )
            out.append(Voice(id=str(v.id), name=str(getattr(v, "name", v.id)), languages=langs))
        return out

    def _voice_id(self) -> str | None:
        if self.voice:
            found = self.voices()
            known = {v.id: v for v in found}
            by_name = {v.name.lower(): v for v in found}
            if self.voice in known:
                return self.voice
            if self.voice.lower() in by_name:
                return by_name[self.voice.lower()].id
            raise EngineError(f"pyttsx3 has no voice called '{self.voice}'. See the list with: audioguide voices")
        return None

    _resolved: ClassVar[dict[str, str]] = {}
    """Voice names (as given to ``--voice``) to espeak-ng identifiers, looked up once per process."""

    def identity(self) -> str:
        if sys.platform.startswith("linux"):
            return f"espeak-ng/{espeak_version()}/fresh-state/{self.voice or 'default'}/{self.rate}"
        import pyttsx3

        version = getattr(pyttsx3, "__version__", "?")
        return f"pyttsx3/2/{version}/{sys.platform}/{self.voice or 'default'}/{self.rate}"

    def synthesize(self, text: str, dest: Path) -> None:
        dest = Path(dest)
        if sys.platform.startswith("linux"):
            key = self.voice or ""
            if key not in self._resolved:
                self._resolved[key] = self._voice_id() or DEFAULT_VOICE
            pcm, rate = espeak_synthesize(text, self._resolved[key], self.rate)
            with wave.open(str(dest), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(rate)
                wav.writeframes(pcm)
            return
        self._synthesize_pyttsx3(text, dest)

    _finished: ClassVar[list[int]] = [0]
    """How many finished-utterance events pyttsx3 has sent."""

    @classmethod
    def _on_finished(cls, name: str | None = None, completed: bool = True) -> None:
        cls._finished[0] += 1

    _warmed: ClassVar[list[bool]] = [False]
    """Whether this process has spoken once through pyttsx3 (its first sentence can ignore the rate)."""

    def _synthesize_pyttsx3(self, text: str, dest: Path) -> None:
        """macOS and Windows: the system voice through pyttsx3."""
        with _LOCK:
            engine = self._driver()
            voice_id = self._voice_id()
            if voice_id:
                engine.setProperty("voice", voice_id)
            engine.setProperty("rate", self.rate)
            if not self._warmed[0]:
                with tempfile.TemporaryDirectory(prefix="audioguide-warm-") as tmp:
                    self._speak(engine, "Ready.", Path(tmp) / "warm.wav")
                self._warmed[0] = True
            from ..wav import wav_samples  # here, so listing engines stays light

            # pyttsx3's espeak driver writes the file when espeak says the message ended, and that
            # callback can race the audio of the message: now and then the file has no audio at all.
            for _ in range(3):
                self._speak(engine, text, dest)
                if wav_samples(dest) > 0:
                    return
            raise EngineError(f"pyttsx3 made an empty recording three times for: {text[:60]}")

    def _speak(self, engine: Any, text: str, dest: Path) -> None:
        import time

        dest.unlink(missing_ok=True)
        before = self._finished[0]
        engine.save_to_file(text, str(dest))
        engine.runAndWait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._finished[0] > before and _wav_complete(dest):
                return
            time.sleep(0.005)
        if not _wav_complete(dest):
            raise EngineError("pyttsx3 did not finish writing its audio within 30 seconds.")


def _wav_complete(path: Path) -> bool:
    """True once ``path`` holds a whole WAV (its RIFF size matches the file's) or AIFF file."""
    try:
        size = path.stat().st_size
        if size < 44:
            return False
        with open(path, "rb") as fh:
            head = fh.read(12)
        if head[:4] != b"RIFF":
            return head[:4] == b"FORM"  # AIFF from macOS voices
        return int.from_bytes(head[4:8], "little") + 8 == size
    except OSError:
        return False

"""The pipeline's direction, checked on every module's imports (read with ast, so lazy imports and
imports only for type checking count too).

LAYERS below is the one table of where each module sits; docs/ARCHITECTURE.md describes it. A module
may import its own layer and those before it, never a later one. A new module must be added here.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

import audioguide

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "audioguide",
            "audioguide.errors",
            "audioguide.model",
            "audioguide.ids",
            "audioguide.fsutil",
            "audioguide.pacing",
            "audioguide.options",
            "audioguide.langtag",
            "audioguide.config",
            "audioguide.wav",
            "audioguide.tools",
            "audioguide.workers",
            "audioguide.loudness",
            "audioguide.mp3",
            "audioguide.dates",
        ),
    ),
    ("language", ("audioguide.i18n", "audioguide.i18n.*")),
    ("read", ("audioguide.reader", "audioguide.readers", "audioguide.readers.*", "audioguide.fetch")),
    ("speech", ("audioguide.speech", "audioguide.speech.*", "audioguide.script", "audioguide.speech_memo")),
    ("synthesise", ("audioguide.engines", "audioguide.engines.*", "audioguide.synth")),
    ("audio", ("audioguide.audio", "audioguide.audio.*")),
    ("publish", ("audioguide.publish", "audioguide.publish.*", "audioguide.manifest")),
    ("top", ("audioguide.build", "audioguide.staging", "audioguide.cli", "audioguide.serve", "audioguide.__main__")),
]
"""Layers in pipeline order, each with the modules in it (fnmatch patterns)."""

KNOWN: dict[tuple[str, str], str] = {
    ("audioguide.readers.base", "audioguide.speech"): (
        "the reader cleans paragraphs and drops debris lines with speech.clean and speech.debris; "
        "those belong with the reader (owned by the reader/speech work, not moved here)"
    ),
}
"""Imports against the direction that are known and waiting for their owners; nothing may be added."""

ROOT = Path(audioguide.__file__).parent


def layer_of(module: str) -> int:
    for index, (_, patterns) in enumerate(LAYERS):
        if any(fnmatchcase(module, p) for p in patterns):
            return index
    raise LookupError(module)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(name: str) -> bool:
    where = ROOT.parent.joinpath(*name.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def imports_of(module: str, source: str, is_package: bool = False) -> set[str]:
    """The audioguide modules that ``source`` (the text of ``module``) imports, anywhere in it."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "audioguide"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "audioguide":
                continue
            for alias in node.names:  # `from . import manifest` imports a module; `from .x import y` a name
                sub = f"{target}.{alias.name}"
                found.add(sub if _exists(sub) else target)
    found.discard(module)
    return found


def modules() -> list[tuple[str, Path]]:
    return sorted((module_name(p), p) for p in ROOT.rglob("*.py"))


def violations() -> list[tuple[str, str]]:
    wrong = []
    for name, path in modules():
        mine = layer_of(name)
        for other in imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py"):
            if layer_of(other) > mine:
                wrong.append((name, other))
    return wrong


def test_every_module_has_a_layer() -> None:
    missing = []
    for name, _ in modules():
        try:
            layer_of(name)
        except LookupError:
            missing.append(name)
    assert not missing, f"add these modules to LAYERS in {__file__}: {missing}"


def test_no_import_runs_against_the_pipeline() -> None:
    found = violations()
    new = [
        f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
        for a, b in found
        if (a, b) not in KNOWN
    ]
    assert not new, "imports against read -> speech -> synthesise -> audio -> publish -> top:\n" + "\n".join(new)
    stale = [pair for pair in KNOWN if pair not in found]
    assert not stale, f"these known exceptions are fixed: remove them from KNOWN: {stale}"


def test_earlier_stages_never_import_audio_rendering() -> None:
    """WAV reading is foundation: reader, speech, engines and synth stand without the audio package."""
    for name, path in modules():
        if layer_of(name) <= layer_of("audioguide.synth"):
            assert not any(
                m == "audioguide.audio" or m.startswith("audioguide.audio.")
                for m in imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
            ), name


@pytest.mark.parametrize(
    ("module", "source", "expected", "against"),
    [
        ("audioguide.synth", "from .audio.render import Tags\n", {"audioguide.audio.render"}, True),
        ("audioguide.synth", "def f():\n    from .build import build\n", {"audioguide.build"}, True),
        ("audioguide.publish.daisy", "from ..build import PublishContext\n", {"audioguide.build"}, True),
        ("audioguide.publish.daisy", "from . import talkingbook\n", {"audioguide.publish.talkingbook"}, False),
        ("audioguide.publish", "from .feed import Episode\n", {"audioguide.publish.feed"}, False),
        ("audioguide.reader", "import audioguide.cli\n", {"audioguide.cli"}, True),
        ("audioguide.build", "from .reader import parse\n", {"audioguide.reader"}, False),
        ("audioguide.reader", "import json\nfrom typing import Any\n", set(), False),
    ],
)
def test_imports_are_resolved(module: str, source: str, expected: set[str], against: bool) -> None:
    """The checker sees relative, absolute, lazy and package imports (else the test above proves nothing)."""
    assert imports_of(module, source, is_package=module == "audioguide.publish") == expected
    assert any(layer_of(m) > layer_of(module) for m in expected) == against

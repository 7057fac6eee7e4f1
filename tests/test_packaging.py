"""The wheel: built from the source, its metadata (licence, classifiers), installed into a fresh
virtual environment, where ``audioguide`` runs and builds a guide. Offline: the build uses the
setuptools already installed, and the fresh environment borrows this one's dependencies."""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy, so nothing (build/, *.egg-info) is written into the working tree.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "audioguide", src / "audioguide", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (found,) = out.glob("audioguide-*.whl")
    return found


def test_wheel_metadata(wheel: Path) -> None:
    from trove_classifiers import classifiers as known

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode())
        licence = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licence and b"MIT License" in zf.read(licence[0])
        entry_points = zf.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    classifiers = meta.get_all("Classifier")
    assert classifiers and set(classifiers) <= known, set(classifiers) - known
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: the expression says it
    assert meta["Requires-Python"] == ">=3.10"
    assert "audioguide = audioguide.cli:main" in entry_points
    for needed in (
        "audioguide/py.typed",
        "audioguide/data/example-guide.md",
        "audioguide/publish/page_assets/listen.js",
    ):
        assert needed in names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_installed_wheel_runs_in_a_fresh_environment(wheel: Path, tmp_path: Path, fixtures: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    # The fresh environment's own site-packages gets the wheel; this environment's packages serve as
    # its dependencies (a plain path: its .pth files, such as an editable audioguide, are not run).
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["AUDIOGUIDE_CACHE"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only now (pip would otherwise take the borrowed editable audioguide for this one, installed already).
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(bindir / "audioguide"), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    found = subprocess.run(
        [str(python), "-c", "import audioguide; print(audioguide.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert found.returncode == 0, found.stderr
    where = found.stdout.strip()
    assert Path(where).is_relative_to(env_dir), where  # the installed wheel, not this checkout
    assert "build" in run("--help")
    shutil.copy(fixtures / "guides" / "simple.md", tmp_path / "guide.md")
    run("build", "guide.md", "--engine", "fake", "--out", "out")
    data = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert data["chapters"] and all((tmp_path / "out" / c["audio"]).is_file() for c in data["chapters"])
    assert (tmp_path / "out" / "feed.xml").is_file() and (tmp_path / "out" / "index.html").is_file()

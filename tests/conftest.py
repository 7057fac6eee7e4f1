"""Shared fixtures: every test gets its own synthesis cache unless it asks for the shared one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("audioguide", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("audioguide")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the synthesis cache at a temporary folder so tests never touch ~/.cache."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("AUDIOGUIDE_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache shared by the real-engine tests, so each sentence is spoken once per run."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture
def fixtures() -> Path:
    """The folder of test inputs."""
    return FIXTURES


def pytest_report_header(config: pytest.Config) -> str:
    return f"audioguide cache for tests: temporary (AUDIOGUIDE_CACHE was {os.environ.get('AUDIOGUIDE_CACHE')!r})"

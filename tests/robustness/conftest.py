"""Counts what the robustness suite tried, and prints the tally at the end of the run."""

from __future__ import annotations

from collections import Counter

import pytest

TALLY: Counter[str] = Counter()


@pytest.fixture
def tally() -> Counter[str]:
    """Record "input", "fault" and "outcome:<kind>" as a test tries them."""
    return TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY:
        outcomes = ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(TALLY.items()) if k.startswith("outcome:"))
        terminalreporter.write_line(
            f"robustness: {TALLY['input']} inputs tried, {TALLY['fault']} faults injected; outcomes: {outcomes}"
        )

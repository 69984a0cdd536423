"""Shared fixtures: results that learning tests record for the end-of-run summary."""

import pytest

_LEARNING_RESULTS: list[str] = []


@pytest.fixture
def record_result():
    """Call with a line; it is printed in pytest's terminal summary."""
    return _LEARNING_RESULTS.append


def pytest_terminal_summary(terminalreporter):
    if _LEARNING_RESULTS:
        terminalreporter.section("learning results")
        for line in _LEARNING_RESULTS:
            terminalreporter.write_line(line)

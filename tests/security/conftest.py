"""Prints what the schemathesis run sent at the end of the session (the issue asks for it)."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.security.test_schemathesis import summary

    line = summary()
    if line:
        terminalreporter.write_line(line)

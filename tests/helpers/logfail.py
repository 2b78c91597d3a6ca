"""Fail a test when the program logs a WARNING or worse that the test did not expect
(after qutebrowser's tests/helpers/logfail.py).

A test expects such a record in one of two ways:

- ``with caplog.at_level(logging.WARNING, logger="desk.ui"):`` around the code that logs
  (any level up to the record's; the logger named or one of its ancestors), and then
  ideally asserts on ``caplog.records``. Name the logger: at WARNING the root logger
  is where it already was, so a bare ``caplog.at_level(logging.WARNING)`` opts in to nothing;
- ``@pytest.mark.expect_log("desk.ui")``: records of that logger and its children are
  expected for the whole test (for code that logs from fixtures or another thread).

Records are collected while the test runs (the DB worker thread logs too) and the test
fails after its body has run, listing them: failing inside ``emit`` would raise in the
program's own ``log.warning`` call, on whatever thread made it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

MARKER = "expect_log"


class LogFailHandler(logging.Handler):
    """Collects the records of WARNING and above that the test did not opt in to."""

    def __init__(self, caplog: pytest.LogCaptureFixture, expected: tuple[str, ...] = ()) -> None:
        super().__init__(logging.WARNING)
        self.caplog = caplog
        self.expected_loggers = expected
        self.unexpected: list[logging.LogRecord] = []
        # the root logger's level is WARNING already: only a change to it is an opt-in
        self.root_level = logging.getLogger().level

    def is_expected(self, record: logging.LogRecord) -> bool:
        chain = _chain(record.name)
        if any(name in self.expected_loggers for name in chain):
            return True
        # caplog.at_level(level, logger=name) sets both the capture handler's level and
        # the level of ``name``: the record is expected when it comes from ``name`` (or
        # below it) and is at least as severe as the level asked for
        wanted = self.caplog.handler.level
        if wanted == logging.NOTSET or wanted > record.levelno:
            return False
        root = logging.getLogger()
        return any(logging.getLogger(name).level == wanted for name in chain[:-1]) or (
            root.level == wanted != self.root_level
        )

    def emit(self, record: logging.LogRecord) -> None:
        if not self.is_expected(record):
            self.unexpected.append(record)

    def report(self) -> str:
        lines = [
            f"{r.levelname} {r.name}: {r.getMessage()}"
            + (f" ({r.exc_info[0].__name__})" if r.exc_info and r.exc_info[0] else "")
            for r in self.unexpected
        ]
        return (
            "unexpected log records (expect them with caplog.at_level(level, logger=…) "
            f"or @pytest.mark.{MARKER}(logger)):\n  " + "\n  ".join(lines)
        )


def _chain(name: str) -> list[str]:
    """``desk.ui.ops`` → ``["desk.ui.ops", "desk.ui", "desk", "root"]``."""
    parts = name.split(".") if name != "root" else []
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + ["root"]


_handler_key = pytest.StashKey[LogFailHandler]()

# a mainland mobile number, alone or inside a word: what the log must never hold
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class PrivacyHandler(logging.Handler):
    """Collects the program's records — INFO and up, what an office's log holds — that
    carry a phone number (业主信息属于个人隐私: the log is read by whoever fixes the PC)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]}"
        if PHONE.search(text):
            self.leaks.append(f"{record.levelname} {record.name}: {text}")


@pytest.fixture(autouse=True)
def no_phone_in_the_log() -> Iterator[None]:
    """Autouse: every test of the day is watched; a record with a phone number fails it."""
    logger = logging.getLogger("desk")
    handler = PrivacyHandler()
    level = logger.level
    logger.setLevel(min(level or logging.INFO, logging.INFO))  # at least what offices log
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)
    logger.setLevel(level)
    if handler.leaks:
        pytest.fail("a phone number reached the log:\n  " + "\n  ".join(handler.leaks))


@pytest.fixture(autouse=True)
def fail_on_unexpected_log(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[LogFailHandler]:
    """Autouse: watch the root logger for the whole test (setup, body, teardown)."""
    expected = tuple(
        name for mark in request.node.iter_markers(MARKER) for name in (mark.args or ("root",))
    )
    handler = LogFailHandler(caplog, expected)
    request.node.stash[_handler_key] = handler
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    if handler.unexpected:  # logged during teardown (the body's were reported already)
        pytest.fail(handler.report(), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the body passed: fail it for what it logged unexpectedly (setup included)."""
    handler = item.stash.get(_handler_key, None)
    try:
        result = yield
    except BaseException:
        if handler is not None:  # the failure is the story; the records are in its log
            handler.unexpected.clear()
        raise
    if handler is not None and handler.unexpected:
        text = handler.report()
        handler.unexpected.clear()
        pytest.fail(text, pytrace=False)
    return result

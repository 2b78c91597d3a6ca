"""The log guard (logfail.py) fails a test for a WARNING it did not expect, and only then."""

from __future__ import annotations

import logging

import pytest

from helpers.logfail import LogFailHandler

pytest_plugins = ["pytester"]

INNER_TESTS = """
import logging

import pytest

log = logging.getLogger("logfail.demo")


def test_unexpected_warning():
    log.warning("the disk is nearly full")


def test_unexpected_error_from_a_thread():
    import threading

    t = threading.Thread(target=lambda: log.error("worker broke"))
    t.start()
    t.join()


def test_info_is_fine():
    log.info("saved")


def test_expected_with_caplog(caplog):
    with caplog.at_level(logging.WARNING, logger="logfail"):  # an ancestor is enough
        log.error("expected")
    assert caplog.records[0].getMessage() == "expected"


def test_caplog_for_another_logger_does_not_cover_it(caplog):
    with caplog.at_level(logging.WARNING, logger="somewhere.else"):
        log.warning("not covered")


def test_reading_caplog_alone_does_not_cover_it(caplog):
    log.warning("not covered either")
    assert "covered" in caplog.text


@pytest.mark.expect_log("logfail.demo")
def test_expected_with_the_marker():
    log.warning("expected")


@pytest.fixture
def noisy_teardown():
    yield
    log.warning("logged while cleaning up")


def test_warning_in_teardown(noisy_teardown):
    pass
"""


@pytest.mark.expect_log("logfail.demo")  # the inner run logs on the same root logger
def test_the_guard_fails_only_the_tests_with_unexpected_records(pytester: pytest.Pytester):
    pytester.makeconftest(
        "from helpers.logfail import fail_on_unexpected_log, pytest_runtest_call  # noqa\n"
    )
    pytester.makeini("[pytest]\nmarkers =\n    expect_log(*loggers): expected\n")
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=4, errors=1)
    outcomes = {
        r.nodeid.split("::")[-1]: r.outcome
        for r in result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
        if r.when == "call"
    }
    assert [name for name, outcome in outcomes.items() if outcome == "failed"] == [
        "test_unexpected_warning",
        "test_unexpected_error_from_a_thread",
        "test_caplog_for_another_logger_does_not_cover_it",
        "test_reading_caplog_alone_does_not_cover_it",
    ]
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_warning_in_teardown*",
            "*unexpected log records*",
            "*WARNING logfail.demo: logged while cleaning up*",
            "*_ test_unexpected_warning _*",
            "*unexpected log records*",
            "*WARNING logfail.demo: the disk is nearly full*",
        ]
    )


def test_a_record_is_expected_from_the_logger_named_or_below_it(caplog):
    handler = LogFailHandler(caplog, expected=("desk.services.io.backup",))

    def record(name: str, level: int = logging.WARNING) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, "msg", None, None)

    assert handler.is_expected(record("desk.services.io.backup"))
    assert handler.is_expected(record("desk.services.io.backup.usb"))
    assert not handler.is_expected(record("desk.services"))
    assert not handler.is_expected(record("desk.services.backupx"))
    with caplog.at_level(logging.WARNING, logger="desk.ui"):
        assert handler.is_expected(record("desk.ui.ops", logging.ERROR))
        assert not handler.is_expected(record("desk.models"))
    assert not handler.is_expected(record("desk.ui.ops"))  # only while at_level lasts

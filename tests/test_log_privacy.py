"""The log holds no phone number: every test of the day runs under ``no_phone_in_the_log``
(tests/helpers/logfail.py). This proves the watch sees one."""

from __future__ import annotations

import logging

from helpers.logfail import PHONE, PrivacyHandler


def test_the_watch_sees_a_phone_number_in_a_record() -> None:
    logger = logging.getLogger("privacy-selftest")  # not under desk: the day's watch stays out
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = PrivacyHandler()
    logger.addHandler(handler)
    try:
        logger.info("saved call for %s", "13812345678")
        logger.info("saved call LD-20261206-001 (room 3-2-1201)")
    finally:
        logger.removeHandler(handler)
    assert len(handler.leaks) == 1 and "13812345678" in handler.leaks[0]


def test_serials_dates_and_masked_phones_are_not_phones() -> None:
    for text in ("LD-20261206-001", "2026-12-06 17:30", "138****5678", "202612061730"):
        assert PHONE.search(text) is None, text
    assert PHONE.search("电话13812345678。") is not None

"""The log holds no resident's ID tail and no record's text (业主信息属于个人隐私): a day of
saves, a correction, a void and refusals goes through the window's operations with the
desk's log captured at its most talkative, and nothing typed reaches it. (Phone numbers
are watched in every test: tests/helpers/logfail.py.)"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from helpers.ui import WAIT

from desk.services.records import calls, visits
from desk.services.records.calls import CallDraft
from desk.services.records.visits import VisitDraft

ID_TAIL = "7Q3X"
CALL_TEXT = "楼上邻居深夜装修噪音扰民"
REASON = "来电人要求更正内容"
VISITOR = "欧阳子谦"


@pytest.mark.expect_log("desk.ui")  # the refusals are logged by kind and field
def test_a_day_of_operations_logs_no_typed_text(qtbot, ops, on_duty, caplog):
    caplog.set_level(logging.DEBUG, logger="desk")
    done: list[object] = []
    refused: list[BaseException] = []

    def run(op) -> None:
        before = len(done) + len(refused)
        ops.write(op, done.append, refused.append)
        qtbot.waitUntil(lambda: len(done) + len(refused) > before, timeout=WAIT)

    stranger = VisitDraft(
        VISITOR, "找物业经理", "", "13812345678", is_resident=False, id_tail=ID_TAIL,
        visiting="3-2-1201",
    )  # fmt: skip
    complaint = CallDraft("投诉", CALL_TEXT, caller_name=VISITOR)
    run(lambda ctx: visits.create(ctx, stranger))
    visit_id = done[-1].id  # type: ignore[attr-defined]
    run(lambda ctx: calls.create_call(ctx, complaint))
    call_id = done[-1].id  # type: ignore[attr-defined]
    longer = replace(complaint, content=CALL_TEXT + "，已两晚")
    run(lambda ctx: calls.correct(ctx, call_id, longer, REASON))
    run(lambda ctx: visits.void(ctx, visit_id, "重复登记：" + VISITOR))
    # refusals that repeat what was typed in their message
    run(lambda ctx: visits.create(ctx, replace(stranger, id_tail="7Q3")))
    run(lambda ctx: calls.create_call(ctx, replace(complaint, phone="1381234")))
    assert len(refused) == 2 and len(done) == 4

    logged = "\n".join(
        f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records if r.name.startswith("desk")
    )
    for secret in (ID_TAIL, "7Q3", CALL_TEXT, REASON, VISITOR, "1381234", "重复登记"):
        assert secret not in logged, secret
    assert "operation refused" in logged  # the log still says what happened

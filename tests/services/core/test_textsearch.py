"""Text search over records: any substring from one character, kept current on every save."""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import Call, LoanItem, Staff, db, migrate
from desk.services.core import audit, textsearch
from desk.services.core.transactions import reading
from desk.services.records import calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import Completion, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at


def call(write, content: str = "咨询停车月卡", **kw) -> int:
    with write() as ctx:
        return calls.create_call(ctx, CallDraft(kw.pop("call_type", "咨询"), content, **kw)).id


def find(read, query: str, kind: str = "call", limit: int = 50) -> list[int]:
    with read() as ctx:
        return textsearch.search_ids(ctx.session, kind, query, limit)


# --- what a query finds -------------------------------------------------------------------------


def test_one_character_finds_chinese_text(write, read) -> None:
    leak = call(write, "楼上漏水，天花板滴水")
    other = call(write, "咨询物业费")
    assert find(read, "漏") == [leak]
    assert find(read, "水") == [leak]
    assert find(read, "费") == [other]
    assert find(read, "电") == []


def test_two_character_name_and_order_of_characters(write, read) -> None:
    wei = call(write, caller_name="张伟")
    other = call(write, caller_name="伟张明")
    assert find(read, "张伟") == [wei]
    assert find(read, "伟张") == [other]


def test_digits_any_length_and_phone_tail(write, read) -> None:
    mine = call(write, phone="138 1234 5678")
    other = call(write, phone="13900001111")
    assert find(read, "5678") == [mine]
    assert find(read, "345678") == [mine]
    assert find(read, "13812345678") == [mine]
    assert find(read, "78") == [mine]  # a two-character tail: the prefix index
    assert find(read, "8") == [mine]  # one character: spelled out as prefixes
    assert find(read, "1111") == [other]
    assert sorted(find(read, "1")) == sorted([mine, other])
    assert find(read, "99") == []
    assert find(read, "56789") == []


def test_serial_in_any_case_and_width(write, read) -> None:
    first = call(write)
    second = call(write)
    assert find(read, "LD-20261123-001") == [first]
    assert find(read, "ld20261123002") == [second]
    assert find(read, "ＬＤ－２０２６１１２３－００２") == [second]
    assert find(read, "20261123") == [second, first]  # newest first


def test_room_in_any_written_form(write, read) -> None:
    mine = call(write, room="3-2-1201")
    call(write, room="3-2-1202")
    assert find(read, "3-2-1201") == [mine]
    assert find(read, "３－２－１２０１") == [mine]
    assert find(read, "21201") == [mine]


def test_mixed_text_letters_digits_and_chinese(write, read) -> None:
    mine = call(write, "3号楼2单元WiFi密码忘了")
    call(write, "13号楼电梯")
    assert find(read, "3号楼2") == [mine]
    assert find(read, "号楼2单") == [mine]
    assert find(read, "wifi") == [mine]
    assert find(read, "Fi密") == [mine]
    assert find(read, "i密码") == [mine]
    assert find(read, "2单元w") == [mine]
    assert sorted(find(read, "3号楼")) == sorted(find(read, "号楼"))  # 13号楼 contains 3号楼
    assert find(read, "23号楼") == []


def test_spaces_and_punctuation_are_ignored(write, read) -> None:
    mine = call(write, "水电班 李师傅：明天上午来")
    assert find(read, "班李师") == [mine]
    assert find(read, "李师傅明天") == [mine]
    assert find(read, "李 师 傅") == [mine]


def test_a_phrase_never_runs_across_two_fields(write, read) -> None:
    call(write, caller_name="王", phone="13812345678")
    assert find(read, "王138") == []
    assert find(read, "王") and find(read, "138")


@pytest.mark.parametrize(
    "query",
    ['"', '张"伟', "AND", "OR", "NOT", "NEAR(张 伟)", "*", "张*", "(", ")", "^张", "-张", "a:b",
     "col:张", "'", "\\", "%", "_", "\x00", "\ud800", "张\ud800伟", " ", "！", "“张伟”", "{}", ";"],
)  # fmt: skip
def test_any_query_text_is_safe(write, read, query) -> None:
    mine = call(write, caller_name="张伟", content="and or not near")
    found = find(read, query)
    assert isinstance(found, list)
    if textsearch.normalize(query.encode("utf-8", "ignore").decode("utf-8")) in ("张伟", "and"):
        assert found == [mine]


def test_empty_query_is_no_filter(write, read) -> None:
    ids = [call(write) for _ in range(3)]
    assert find(read, "") == ids[::-1]
    assert find(read, "  —、") == ids[::-1]
    assert find(read, "", limit=2) == ids[:0:-1]
    assert find(read, "咨询", limit=0) == []


def test_unknown_kind_is_an_error(read) -> None:
    with read() as ctx, pytest.raises(ValueError, match="no text index"):
        textsearch.search_ids(ctx.session, "resident", "张", 10)


# --- every record kind, indexed when saved ------------------------------------------------------


@pytest.fixture(params=["tail", "indexed"])
def one_of_each(request, write, staff_id) -> dict[str, int]:
    """One record of each kind, still in the tail of new records or already indexed."""
    with write() as ctx:
        item = loans.add_item(ctx, "折叠梯", 2)
        ids = {
            "visit": visits.create(
                ctx, VisitDraft("访客甲", "咨询装修手续", outcome="转部门处理", dept_head="工程部")
            ).id,
            "call": calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=staff_id)).id,
            "workorder": workorders.create(
                ctx, WorkOrderDraft("卫生间地漏堵塞", "水电", room="5-1-301")
            ).id,
            "complaint": complaints.create(
                ctx, ComplaintDraft("楼上装修噪音扰民", "物业管理", complainant="投诉人乙")
            ).id,
            "loan": loans.lend(
                ctx, LoanDraft(item.id, "借用人丙", NOW + timedelta(hours=2), phone="13700001111")
            ).id,
        }
    if request.param == "indexed":
        with write() as ctx:
            assert textsearch.catch_up(ctx.session) == dict.fromkeys(textsearch.KINDS, 1)
    return ids


@pytest.mark.parametrize(
    ("kind", "query"),
    [("visit", "装修手续"), ("visit", "访客甲"), ("call", "王经理"), ("call", "转告"),
     ("workorder", "地漏"), ("workorder", "5-1-301"), ("workorder", "水电"),
     ("complaint", "噪音"), ("complaint", "投诉人乙"), ("loan", "折叠梯"), ("loan", "借用人丙")],
)  # fmt: skip
def test_every_kind_is_indexed_when_created(read, one_of_each, kind, query) -> None:
    assert find(read, query, kind) == [one_of_each[kind]]
    assert all(find(read, query, k) == [] for k in textsearch.KINDS if k != kind)


def test_voided_records_are_still_found_also_by_the_reason(write, read, one_of_each) -> None:
    with write() as ctx:
        workorders.void(ctx, one_of_each["workorder"], "业主重复报修")
        loans.void(ctx, one_of_each["loan"], "登记错误")
    assert find(read, "地漏", "workorder") == [one_of_each["workorder"]]
    assert find(read, "重复报修", "workorder") == [one_of_each["workorder"]]
    assert find(read, "登记错误", "loan") == [one_of_each["loan"]]


def test_changes_are_reindexed(write, read, one_of_each) -> None:
    order = one_of_each["workorder"]
    with write() as ctx:
        workorders.dispatch(ctx, order, "水电班 李师傅")
    assert find(read, "李师傅", "workorder") == [order]
    with write() as ctx:
        workorders.start(ctx, order)
        workorders.complete(ctx, order, Completion("疏通地漏", cause="头发堵塞"))
    assert find(read, "疏通", "workorder") == [order]
    assert find(read, "头发", "workorder") == [order]
    complaint = one_of_each["complaint"]
    with write() as ctx:
        complaints.start(ctx, complaint, measures="先电话安抚")
    assert find(read, "安抚", "complaint") == [complaint]
    with write() as ctx:
        complaints.answer(ctx, complaint, "已协调楼上住户", measures="上门协调")
    assert find(read, "安抚", "complaint") == []  # the old text is gone from the index
    assert find(read, "上门协调", "complaint") == [complaint]
    assert find(read, "楼上住户", "complaint") == [complaint]


def test_changes_of_fields_not_in_the_text_write_nothing(write, read, one_of_each) -> None:
    with write() as ctx:
        textsearch.catch_up(ctx.session)
    with read() as ctx:
        before = _index_rows(ctx.session)
    with write() as ctx:
        visits.close(ctx, one_of_each["visit"], "已告知")
        calls.mark_delivered(ctx, one_of_each["call"])  # message state only
    with read() as ctx:
        after = _index_rows(ctx.session)
    assert after["call"] == before["call"]
    assert after["visit"] != before["visit"]


def _index_rows(session) -> dict[str, list[tuple]]:
    con = db.driver(session)
    return {
        k: con.execute(f"SELECT rowid, body FROM {k}_fts ORDER BY rowid").fetchall()
        for k in textsearch.KINDS
    }


def test_renaming_a_colleague_or_an_item_reindexes_what_shows_the_name(
    write, read, one_of_each, staff_id
) -> None:
    with write() as ctx:
        audit.change(ctx, ctx.session.get(Staff, staff_id), {"name": "赵主任"})
        item = ctx.session.exec(select(LoanItem).where(LoanItem.name == "折叠梯")).one()
        audit.change(ctx, item, {"name": "铝合金梯"})
    assert find(read, "赵主任") == [one_of_each["call"]]
    assert find(read, "王经理") == []
    assert find(read, "铝合金梯", "loan") == [one_of_each["loan"]]
    assert find(read, "折叠梯", "loan") == []


def test_index_matches_a_full_rebuild(write, read, one_of_each) -> None:
    with write() as ctx:
        workorders.dispatch(ctx, one_of_each["workorder"], "土建班")
        complaints.start(ctx, one_of_each["complaint"], measures="电话沟通")
        textsearch.catch_up(ctx.session)
    with read() as ctx:
        kept = _index_rows(ctx.session)
    with write() as ctx:
        assert textsearch.rebuild(db.driver(ctx.session)) == dict.fromkeys(textsearch.KINDS, 1)
        check = db.driver(ctx.session)
        for kind in textsearch.KINDS:
            check.execute(f"INSERT INTO {kind}_fts ({kind}_fts) VALUES ('integrity-check')")
    with read() as ctx:
        assert _index_rows(ctx.session) == kept


def test_new_records_wait_in_a_short_tail_then_go_into_the_index(write, read) -> None:
    def indexed() -> int:
        with read() as ctx:
            return textsearch.indexed_up_to(db.driver(ctx.session), "call")

    made = [call(write, f"第{i}号留言") for i in range(textsearch.BATCH - 1)]
    assert indexed() == 0  # all in the tail, all found
    assert find(read, "号留言", limit=100) == made[::-1]
    made.append(call(write, "这一条让尾巴满了"))
    assert indexed() == made[-1]  # the save that filled the tail indexed it
    made.append(call(write, "又一条"))
    assert indexed() == made[-2]
    assert find(read, "条") == [made[-1], made[-2]]
    assert find(read, "第3号") == [made[3]]


def test_a_change_to_a_record_in_the_tail_is_seen_when_it_is_indexed(write, read) -> None:
    order = None
    with write() as ctx:
        order = workorders.create(ctx, WorkOrderDraft("门锁坏了", "门窗", room="1-1-101")).id
        workorders.dispatch(ctx, order, "门窗班 周师傅")  # same transaction, not flushed
        textsearch.catch_up(ctx.session)
    assert find(read, "周师傅", "workorder") == [order]


# --- the migration fills the index of an existing office file -----------------------------------


def _insert(con: sqlite3.Connection, table: str, **values: object) -> int:
    """A row with every NOT NULL column filled (text "", numbers 0, times NOW) plus values."""
    for _cid, name, kind, notnull, default, pk in con.execute(f'PRAGMA table_info("{table}")'):
        if notnull and not pk and default is None and name not in values:
            kind = kind.upper()
            if "INT" in kind or "BOOL" in kind:
                values[name] = 0
            elif "DATETIME" in kind:
                values[name] = "2026-11-20 09:00:00.000000"
            else:
                values[name] = ""
    names = ", ".join(f'"{n}"' for n in values)
    marks = ", ".join("?" for _ in values)
    cur = con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [*values.values()])
    return cur.lastrowid


def test_migration_0003_indexes_the_records_already_there(tmp_path) -> None:
    path = tmp_path / "office.sqlite3"
    engine = db.make_engine(path)
    migrate.upgrade(engine, path, "0002")
    engine.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("BEGIN")
    colleague = _insert(con, "staff", name="李客服", role="前台")
    item = _insert(con, "loanitem", name="手推车", kind="物品", stock=3)
    ids = {
        "call": _insert(
            con, "call", serial="LD-20261120-001", call_type="转告", content="请回电话",
            phone="13812345678", message_for_id=colleague, state="有效",
        ),
        "visit": _insert(con, "visit", serial="LF-20261120-001", reason="咨询装修",
                         person_name="陈先生", state="待处理", outcome="当场解决"),
        "workorder": _insert(con, "workorder", serial="PG-20261120-001", description="厨房漏水",
                             category="水电", room_text="3-2-1201", state="待派工",
                             urgency="一般", channel="来电"),
        "complaint": _insert(con, "complaint", serial="TS-20261120-001", description="噪音扰民",
                             category="物业管理", state="已受理", severity="轻微",
                             level="前台/部门", channel="来电"),
        "loan": _insert(con, "loan", serial="JY-20261120-001", item_id=item, quantity=1,
                        person_name="借用人", state="借出"),
    }  # fmt: skip
    con.execute("COMMIT")
    con.close()

    engine = db.make_engine(path)
    try:
        assert migrate.upgrade(engine, path) is not None  # the file was copied aside first
        with reading(engine) as ctx:
            for kind, query in [
                ("call", "5678"), ("call", "李客服"), ("call", "转告"), ("visit", "装修"),
                ("visit", "陈先生"), ("workorder", "3-2-1201"), ("workorder", "漏水"),
                ("complaint", "噪音"), ("loan", "手推车"), ("loan", "JY-20261120-001"),
            ]:  # fmt: skip
                assert textsearch.search_ids(ctx.session, kind, query, 10) == [ids[kind]], query
    finally:
        engine.dispose()


def _migration_module():
    path = migrate.MIGRATIONS_DIR / "versions" / "0003_record_search.py"
    spec = importlib.util.spec_from_file_location("rev_0003", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_frozen_rules_are_todays_rules(monkeypatch) -> None:
    """The same fields read the same way and segmented alike; the order of the fields in a
    body may differ (today's is the registry's), as it changes no match: a phrase never
    runs across the separator."""
    rev = _migration_module()
    assert rev.KINDS == textsearch.KINDS
    assert rev.TOKENIZE == textsearch.TOKENIZE
    for kind, fields in textsearch.FIELDS.items():
        theirs = [f"{f.table}.{f.fk}" if isinstance(f, textsearch._Lookup) else f for f in fields]
        assert sorted(rev.FIELDS[kind]) == sorted(theirs)
        monkeypatch.setitem(rev.FIELDS, kind, tuple(theirs))  # in today's order
        assert rev._source(kind) == textsearch.source_sql(kind)


def test_bodies_in_the_migrations_field_order_find_the_same(write, read, one_of_each) -> None:
    """Records indexed by migration 0003 (its own field order) are found as if indexed today."""
    rev = _migration_module()
    with write() as ctx:
        textsearch.catch_up(ctx.session)
        con = db.driver(ctx.session)
        for kind in textsearch.KINDS:
            rows = con.execute(rev._source(kind)).fetchall()
            con.executemany(
                f"UPDATE {kind}_fts SET body = ? WHERE rowid = ?",
                [(rev._body(r[1:]), r[0]) for r in rows],
            )
    for kind, query in [("call", "王经理"), ("call", "转告"), ("call", "请回电"),
                        ("loan", "折叠梯"), ("loan", "借用人丙"), ("loan", "1111")]:  # fmt: skip
        assert find(read, query, kind) == [one_of_each[kind]], (kind, query)
    assert find(read, "转告请", "call") == find(read, "梯借", "loan") == []


# --- properties -----------------------------------------------------------------------------------

ALPHABET = list("张伟王李水电梯漏号楼单元室abcWXY0123456789-— ，。：１２３Ａｂ\"*()'𠮷é\x00_")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30) | st.none(), max_size=6))
def test_whole_record_segmentation_equals_field_by_field(values) -> None:
    expected = textsearch.SEP.join(
        f" {' '.join(t)} " for v in values if (t := textsearch.tokens(v or ""))
    ).strip()
    assert textsearch.body_of(values) == expected
    assert _migration_module()._body(values) == expected


@pytest.fixture
def corpus(write, staff_id, monkeypatch) -> dict[int, list[str]]:
    """A few calls with odd text (the newest 6 in the tail); their field values as stored."""
    import random

    monkeypatch.setattr(textsearch, "BATCH", 7)
    rng = random.Random(4)
    texts = [
        "".join(rng.choice(ALPHABET[:-2]) for _ in range(rng.randint(1, 12))) for _ in range(40)
    ]
    for i in range(0, 40, 2):
        with write() as ctx:
            content = texts[i].strip() or "空"
            calls.create_call(ctx, CallDraft("其他", content, caller_name=texts[i + 1][:40]))
    stored = {}
    with write() as ctx:
        for c in ctx.session.exec(select(Call)).all():
            stored[c.id] = [
                textsearch._text(getattr(c, f))
                for f in textsearch.FIELDS["call"]
                if isinstance(f, str)
            ]
    return stored


def _expected(corpus: dict[int, list[str]], query: str) -> list[int]:
    norm = textsearch.normalize(query.encode("utf-8", "ignore").decode("utf-8"))
    hits = [
        i for i, fields in corpus.items() if any(norm in textsearch.normalize(f) for f in fields)
    ]
    return sorted(hits, reverse=True)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_search_agrees_with_a_plain_substring_check(read, corpus, data) -> None:
    texts = [f for fields in corpus.values() for f in fields if f]
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    query = data.draw(
        st.sampled_from([source[start:end]])
        | st.text(alphabet=st.sampled_from(ALPHABET), max_size=6)
        | st.text(max_size=4)
    )
    assert find(read, query, limit=1000) == _expected(corpus, query)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text())
def test_search_never_raises(read, query) -> None:
    with read() as ctx:
        for kind in textsearch.KINDS:
            assert isinstance(textsearch.search_ids(ctx.session, kind, query, 5), list)

"""desk calendar: the office's own 调休/放假 days, listed, set and cleared by a 主管/经理."""

from __future__ import annotations

from datetime import date

from helpers.office import MANAGER_PASSWORD

from desk import cli
from desk.services.core.calendar import WorkCalendar
from desk.services.core.transactions import reading
from desk.services.io.database import open_database


def run(db, *args: str) -> int:
    return cli.main(["--db", str(db), "calendar", *args])


def working_days(db) -> dict[date, bool]:
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            return WorkCalendar.load(ctx.session).overrides
    finally:
        engine.dispose()


def test_list_set_change_and_clear(tmp_path, capsys, log_in_as):
    db = tmp_path / "office.sqlite3"
    log_in_as("赵敏", MANAGER_PASSWORD)
    assert cli.main(["--db", str(db), "init", "--office", "幸福里", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    assert run(db) == 0
    assert "没有节假日调整" in capsys.readouterr().out

    assert run(db, "--holiday", "2026-12-31", "--note", "年终盘点") == 0
    assert capsys.readouterr().out.strip() == "2026-12-31：放假（公共日历：工作日）"
    assert run(db, "--workday", "2026年10月11日") == 0  # typed as the date filters read it
    assert capsys.readouterr().out.strip() == "2026-10-11：上班（公共日历：周末）"
    assert working_days(db) == {date(2026, 12, 31): False, date(2026, 10, 11): True}

    assert run(db) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026-10-11\t上班\t公共日历：周末",
        "2026-12-31\t放假\t公共日历：工作日\t年终盘点",
    ]
    assert run(db, "--workday", "2026-12-31") == 0  # changed, still one row
    capsys.readouterr()
    assert working_days(db) == {date(2026, 12, 31): True, date(2026, 10, 11): True}

    assert run(db, "--clear", "2026-12-31") == 0
    assert capsys.readouterr().out.strip() == "2026-12-31：已取消调整，按公共日历（工作日）"
    assert run(db, "--clear", "2026-12-31") == 0
    assert "本来就没有调整" in capsys.readouterr().out
    assert working_days(db) == {date(2026, 10, 11): True}


def test_mistakes_are_named_and_change_nothing(tmp_path, capsys, log_in_as):
    db = tmp_path / "office.sqlite3"
    log_in_as("赵敏", MANAGER_PASSWORD)
    assert cli.main(["--db", str(db), "init", "--office", "幸福里", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    assert run(db, "--holiday", "2026-02-30") == 2
    assert "看不懂的日期：2026-02-30" in capsys.readouterr().err
    assert run(db, "--holiday", "") == 2
    assert "请写出日期" in capsys.readouterr().err
    assert run(db, "--note", "没有日期") == 2
    assert "--note 只和" in capsys.readouterr().err
    assert run(db, "--clear", "2026-12-31", "--note", "取消的原因") == 2
    assert "--note 只和" in capsys.readouterr().err
    assert run(db, "--holiday", "2026-12-31", "--note", "长" * 101) == 2
    assert "不能超过100个字" in capsys.readouterr().err
    assert working_days(db) == {}

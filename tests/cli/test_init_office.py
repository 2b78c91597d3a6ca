"""desk init: the new office can lend at once, from the common items and keys; its first
经理's password comes from the terminal (typed twice) or from DESK_PASSWORD."""

from __future__ import annotations

from pathlib import Path

from helpers.office import MANAGER_PASSWORD
from sqlmodel import select

from desk.cli import main
from desk.models import Staff
from desk.models.enums import LoanKind, StaffRole
from desk.services.core import accounts
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import loans


def test_init_seeds_the_common_loan_items_and_keys_once(tmp_path, capsys, monkeypatch):
    db = tmp_path / "office.sqlite3"
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    capsys.readouterr()
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            catalogue = loans.catalogue(ctx)
    finally:
        engine.dispose()
    assert sorted(i.name for i in catalogue) == sorted(n for _k, n, _s in loans.STARTER_ITEMS)
    assert {i.kind for i in catalogue} == {LoanKind.ITEM, LoanKind.KEY}


def manager_can_log_in(db: Path, password: str) -> bool:
    """Whether the office's first 经理 logs in with ``password`` (the try is committed)."""
    engine = open_database(db, create=False)
    try:
        with writing(engine) as ctx:
            manager = ctx.session.exec(select(Staff)).one()
            assert manager.role == StaffRole.MANAGER
            return accounts.check_login(ctx, manager.id, password) is None
    finally:
        engine.dispose()


def test_a_script_gives_the_first_managers_password_in_the_environment(
    tmp_path, capsys, monkeypatch
):
    db = tmp_path / "office.sqlite3"
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    assert capsys.readouterr().out.strip() == str(db)
    assert not manager_can_log_in(db, "别的密码123")
    assert manager_can_log_in(db, MANAGER_PASSWORD)


def test_at_a_terminal_the_password_is_asked_twice(tmp_path, capsys, terminal):
    db = tmp_path / "office.sqlite3"
    prompts = terminal(secrets=["新口令2026", "新口令2026"])
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    assert len(prompts) == 2 and "赵敏" in prompts[0] and "再输入一次" in prompts[1]
    assert manager_can_log_in(db, "新口令2026")


def test_two_different_passwords_write_nothing(tmp_path, capsys, terminal):
    db = tmp_path / "office.sqlite3"
    terminal(secrets=["新口令2026", "新口令2027"])
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    assert "两次输入的密码不一样" in capsys.readouterr().err
    assert not db.exists()


def test_a_weak_password_is_refused_before_it_is_asked_again(tmp_path, capsys, terminal):
    db = tmp_path / "office.sqlite3"
    prompts = terminal(secrets=["12345"])
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    assert "至少要 6 个字符" in capsys.readouterr().err
    assert len(prompts) == 1 and not db.exists()


def test_a_weak_password_in_the_environment_is_refused(tmp_path, capsys, monkeypatch):
    db = tmp_path / "office.sqlite3"
    monkeypatch.setenv("DESK_PASSWORD", "aaaaaaaa")
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    assert "同一个字符" in capsys.readouterr().err
    assert not db.exists()


def test_without_a_terminal_or_the_variable_init_says_how(tmp_path, capsys):
    db = tmp_path / "office.sqlite3"
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 2
    err = capsys.readouterr().err
    assert "DESK_PASSWORD" in err and "终端" in err
    assert not db.exists()


def test_an_office_already_set_up_is_refused_before_any_prompt(tmp_path, capsys, monkeypatch):
    db = tmp_path / "office.sqlite3"
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    monkeypatch.delenv("DESK_PASSWORD")  # no terminal either: the refusal comes first
    capsys.readouterr()
    assert main(["--db", str(db), "init", "--office", "别的中心", "--staff", "钱经理"]) == 2
    assert "已经设置过办公室" in capsys.readouterr().err

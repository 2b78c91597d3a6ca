"""The admin subcommands need a 主管 or 经理 who proves who they are (issue 15): at the
terminal (name, then password) or through DESK_USER and DESK_PASSWORD. Wrong passwords
count towards the lock-out as at 上班 in the window; every refusal exits 2 in Chinese and
changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from helpers.office import MANAGER_PASSWORD
from sqlmodel import select

from desk import cli
from desk.models import AuditEvent, CalendarOverride, Staff
from desk.services.core import accounts
from desk.services.core.transactions import reading, writing
from desk.services.io import backup
from desk.services.io.database import open_database
from desk.services.records import staff

SUPERVISOR_PASSWORD = "主管口令2026"
RECEPTIONIST_PASSWORD = "前台口令2026"


def run(db: Path, *args: str) -> int:
    return cli.main(["--db", str(db), *args])


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    """赵敏 (经理, from init), 李娜 (主管) and 王芳 (前台) with passwords, 陈静 (前台)
    without one yet."""
    db = tmp_path / "office.sqlite3"
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert run(db, "init", "--office", "幸福里物业服务中心", "--staff", "赵敏") == 0
    monkeypatch.delenv("DESK_PASSWORD")
    engine = open_database(db, create=False)
    try:
        with writing(engine) as ctx:
            manager = ctx.session.exec(select(Staff).where(Staff.name == "赵敏")).one()
            ctx.staff_id = manager.id
            for name, role, password in (
                ("李娜", "主管", SUPERVISOR_PASSWORD),
                ("王芳", "前台", RECEPTIONIST_PASSWORD),
                ("陈静", "前台", None),
            ):
                person = staff.add(ctx, name, role)
                if password is not None:
                    accounts.set_password(ctx, person.id, password)
    finally:
        engine.dispose()
    capsys.readouterr()
    return db


def account(db: Path, name: str) -> Staff:
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            person = ctx.session.exec(select(Staff).where(Staff.name == name)).one()
            ctx.session.expunge(person)
            return person
    finally:
        engine.dispose()


def login_audit(db: Path, name: str) -> list[str]:
    """The reasons of the log-in rows audited on ``name``'s account."""
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            person = ctx.session.exec(select(Staff).where(Staff.name == name)).one()
            rows = ctx.session.exec(
                select(AuditEvent).where(
                    AuditEvent.entity == "staff", AuditEvent.entity_id == person.id
                )
            ).all()
            return [r.reason for r in rows if r.reason.startswith("登录")]
    finally:
        engine.dispose()


def names(db: Path) -> list[str]:
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            return [s.name for s in staff.active(ctx)]
    finally:
        engine.dispose()


def overrides(db: Path) -> list[CalendarOverride]:
    engine = open_database(db, create=False)
    try:
        with reading(engine) as ctx:
            return list(ctx.session.exec(select(CalendarOverride)).all())
    finally:
        engine.dispose()


def admin_commands(db: Path, tmp_path: Path) -> dict[str, tuple[str, ...]]:
    """Each admin subcommand, in a form that would change or export something."""
    made = backup.make(db, tmp_path / "u盘", datetime(2026, 11, 23, 10, 0)).path
    residents = tmp_path / "名单.csv"
    residents.write_text("房号,姓名,电话\n3-2-1201,张三,13700001001\n", encoding="utf-8")
    return {
        "staff": ("staff", "--add", "新同事"),
        "settings": ("settings", "office.greeting", "您好"),
        "calendar": ("calendar", "--holiday", "2026-12-31"),
        "restore": ("restore", str(made)),
        "import-residents": ("import-residents", str(residents)),
        "export-residents": ("export-residents", str(tmp_path / "一览表.xlsx")),
    }


ADMIN = ("staff", "settings", "calendar", "restore", "import-residents", "export-residents")


@pytest.mark.parametrize("command", ADMIN)
def test_without_a_terminal_or_the_variables_every_admin_command_is_refused(
    office, tmp_path, capsys, command
):
    args = admin_commands(office, tmp_path)[command]
    assert run(office, *args) == 2
    err = capsys.readouterr().err
    assert "主管或经理登录" in err and "DESK_USER" in err and "DESK_PASSWORD" in err
    assert names(office) == ["赵敏", "李娜", "王芳", "陈静"] and overrides(office) == []
    assert not (tmp_path / "一览表.xlsx").exists()
    assert not list(tmp_path.glob("*.before-restore-*"))


@pytest.mark.parametrize("command", ADMIN)
def test_a_receptionist_with_the_right_password_is_refused(
    office, tmp_path, capsys, log_in_as, command
):
    args = admin_commands(office, tmp_path)[command]
    log_in_as("王芳", RECEPTIONIST_PASSWORD)
    assert run(office, *args) == 2
    assert f"{command} 只有主管或经理可以使用，王芳是前台" in capsys.readouterr().err
    assert names(office) == ["赵敏", "李娜", "王芳", "陈静"] and overrides(office) == []
    assert not (tmp_path / "一览表.xlsx").exists()
    assert not list(tmp_path.glob("*.before-restore-*"))


@pytest.mark.parametrize("command", ADMIN)
def test_a_supervisor_may_use_every_admin_command(office, tmp_path, capsys, log_in_as, command):
    args = admin_commands(office, tmp_path)[command]
    log_in_as("李娜", SUPERVISOR_PASSWORD)
    assert run(office, *args) == 0, capsys.readouterr().err


def test_wrong_passwords_count_lock_the_account_and_are_audited(office, capsys, log_in_as):
    log_in_as("李娜", "猜的密码000")
    for left in (4, 3, 2, 1):
        assert run(office, "staff") == 2
        assert f"再错 {left} 次账号将被锁定" in capsys.readouterr().err
    assert run(office, "staff") == 2
    assert "账号已锁定" in capsys.readouterr().err
    assert account(office, "李娜").locked_until is not None
    log_in_as("李娜", SUPERVISOR_PASSWORD)  # the right one waits for the lock to end
    assert run(office, "staff") == 2
    assert "账号已锁定" in capsys.readouterr().err
    reasons = login_audit(office, "李娜")
    assert sum("密码错误" in r for r in reasons) == 4
    assert any("账号锁定 1 分钟" in r for r in reasons)
    assert any("锁定中" in r for r in reasons)


def test_a_right_password_clears_the_count(office, capsys, log_in_as):
    log_in_as("李娜", "猜的密码000")
    assert run(office, "staff") == 2
    assert account(office, "李娜").failed_logins == 1
    log_in_as("李娜", SUPERVISOR_PASSWORD)
    assert run(office, "staff") == 0
    assert account(office, "李娜").failed_logins == 0


def test_an_unknown_name_is_refused(office, capsys, log_in_as):
    log_in_as("不存在的人", SUPERVISOR_PASSWORD)
    assert run(office, "staff") == 2
    assert "人员名单里没有“不存在的人”" in capsys.readouterr().err


def test_someone_without_a_password_is_sent_to_the_window_first(office, capsys, log_in_as):
    log_in_as("陈静", "随便什么密码")
    assert run(office, "staff") == 2
    assert "请先在程序窗口里上班一次" in capsys.readouterr().err


def test_someone_who_has_left_cannot_log_in(office, capsys, log_in_as):
    log_in_as("赵敏", MANAGER_PASSWORD)
    assert run(office, "staff") == 0
    engine = open_database(office, create=False)
    try:
        with writing(engine) as ctx:
            ctx.staff_id = ctx.session.exec(select(Staff.id).where(Staff.name == "赵敏")).one()
            li = ctx.session.exec(select(Staff.id).where(Staff.name == "李娜")).one()
            staff.deactivate(ctx, li)
    finally:
        engine.dispose()
    capsys.readouterr()
    log_in_as("李娜", SUPERVISOR_PASSWORD)
    assert run(office, "staff") == 2
    assert "已停用" in capsys.readouterr().err


def test_a_supervisor_cannot_add_a_manager(office, capsys, log_in_as):
    log_in_as("李娜", SUPERVISOR_PASSWORD)
    assert run(office, "staff", "--add", "钱经理", "--role", "经理") == 2
    assert "只有经理可以" in capsys.readouterr().err
    assert "钱经理" not in names(office)
    log_in_as("赵敏", MANAGER_PASSWORD)  # the 经理 may
    assert run(office, "staff", "--add", "钱经理", "--role", "经理") == 0
    assert "钱经理\t经理" in capsys.readouterr().out.splitlines()


def test_at_a_terminal_name_and_password_are_asked(office, capsys, terminal, monkeypatch):
    prompts = terminal(lines=["李娜"], secrets=[SUPERVISOR_PASSWORD])
    assert run(office, "staff", "--add", "新同事") == 0
    out = capsys.readouterr().out
    assert "姓名（主管或经理）：" in out  # input()'s prompt
    assert prompts == ["李娜 的密码："]
    assert "新同事\t前台" in out.splitlines()


def test_the_name_from_the_environment_and_the_password_typed(
    office, capsys, terminal, monkeypatch
):
    monkeypatch.setenv("DESK_USER", "李娜")
    prompts = terminal(secrets=["猜的密码000"])
    assert run(office, "staff") == 2
    assert prompts == ["李娜 的密码："]
    assert "密码不对" in capsys.readouterr().err
    assert account(office, "李娜").failed_logins == 1


def test_leaving_the_prompt_changes_nothing(office, capsys, terminal):
    terminal(lines=[])  # Ctrl+D at the name
    assert run(office, "staff", "--add", "新同事") == 2
    assert "已取消" in capsys.readouterr().err
    assert "新同事" not in names(office)


def test_restore_over_a_missing_file_asks_nobody(office, tmp_path, capsys):
    made = backup.make(office, tmp_path / "u盘", datetime(2026, 11, 23, 10, 0)).path
    gone = tmp_path / "新电脑" / "office.sqlite3"
    gone.parent.mkdir()
    assert run(gone, "restore", str(made)) == 0
    assert f"已用 {made} 恢复" in capsys.readouterr().out
    assert names(gone) == ["赵敏", "李娜", "王芳", "陈静"]


def test_restore_over_a_damaged_file_asks_nobody(office, tmp_path, capsys):
    made = backup.make(office, tmp_path / "u盘", datetime(2026, 11, 23, 10, 0)).path
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    assert run(damaged, "check") == 2
    capsys.readouterr()
    assert run(damaged, "restore", str(made)) == 0
    assert names(damaged) == ["赵敏", "李娜", "王芳", "陈静"]
    assert list(tmp_path.glob("damaged.sqlite3.before-restore-*"))  # kept aside


def test_help_names_the_variables(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "DESK_USER" in capsys.readouterr().out
    for command in ADMIN:
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        out = capsys.readouterr().out
        assert "DESK_USER" in out and "DESK_PASSWORD" in out, command
    with pytest.raises(SystemExit):
        cli.main(["init", "--help"])
    assert "DESK_PASSWORD" in capsys.readouterr().out


def test_what_a_command_does_is_in_the_name_of_who_logged_in(office, tmp_path, log_in_as):
    commands = admin_commands(office, tmp_path)
    log_in_as("李娜", SUPERVISOR_PASSWORD)
    for command in ("import-residents", "export-residents", "calendar", "settings"):
        assert run(office, *commands[command]) == 0
    li = account(office, "李娜").id
    engine = open_database(office, create=False)
    try:
        with reading(engine) as ctx:
            rows = ctx.session.exec(select(AuditEvent).where(AuditEvent.entity != "staff")).all()
    finally:
        engine.dispose()
    by_li = {r.entity for r in rows if r.staff_id == li}
    assert {"resident", "export", "calendaroverride", "setting"} <= by_li
    [export] = [r for r in rows if r.entity == "export"]
    assert (export.new, export.reason) == ("1", "一览表.xlsx")

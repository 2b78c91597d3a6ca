"""desk staff: list the office's staff and add one without the window (a 主管/经理 logs in)."""

from __future__ import annotations

from helpers.office import MANAGER_PASSWORD

from desk.cli import main


def test_add_and_list(tmp_path, capsys, monkeypatch, log_in_as):
    db = str(tmp_path / "office.sqlite3")
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)
    assert main(["--db", db, "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    log_in_as("赵敏")
    assert main(["--db", db, "staff", "--add", "李娜", "--role", "主管"]) == 0
    assert capsys.readouterr().out.splitlines() == ["赵敏\t经理", "李娜\t主管"]
    assert main(["--db", db, "staff", "--add", "李娜"]) == 2
    assert "已经有一位" in capsys.readouterr().err


def test_a_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite3"), "staff"]) == 2
    assert "init" in capsys.readouterr().err

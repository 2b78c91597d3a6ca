"""desk settings: list the settings, change one (checked like the dialog does)."""

from __future__ import annotations

from desk.cli import main


def test_list_and_change(tmp_path, capsys):
    db = str(tmp_path / "office.sqlite3")
    assert main(["--db", db, "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "settings", "lists.shifts", "白班 08:00-20:00；夜班 20:00-08:00"]) == 0
    out = capsys.readouterr().out
    assert "lists.shifts\t班次\t白班 08:00-20:00；夜班 20:00-08:00" in out.splitlines()
    assert main(["--db", db, "settings", "sla.workorder.紧急.response", "3x"]) == 2
    assert "无法识别" in capsys.readouterr().err

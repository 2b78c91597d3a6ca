"""desk backup / desk restore: what an office does from the command line, or a helper
over the phone, when the window cannot open."""

from __future__ import annotations

from helpers.office import MANAGER_PASSWORD

from desk.cli import main


def test_backup_list_and_restore(tmp_path, capsys, log_in_as):
    db = tmp_path / "office.sqlite3"
    log_in_as("赵敏", MANAGER_PASSWORD)  # init reads DESK_PASSWORD; backup needs no log-in
    assert main(["--db", str(db), "init", "--office", "幸福里物业服务中心", "--staff", "赵敏"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "backup"]) == 0
    made = capsys.readouterr().out.strip().split("（")[0]
    assert made.startswith(str(tmp_path / "backups" / "office-")) and made.endswith(".sqlite3")
    assert main(["--db", str(db), "backup", "--to", str(tmp_path / "U盘")]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "backup", "--list"]) == 0
    assert capsys.readouterr().out.startswith(made + "\t")
    assert main(["--db", made, "check"]) == 0  # a backup checks like the database
    assert "完好；结构版本" in capsys.readouterr().out

    assert main(["--db", str(db), "staff", "--add", "李娜"]) == 0
    assert main(["--db", str(db), "restore", made]) == 0
    out = capsys.readouterr().out
    assert f"已用 {made} 恢复" in out and "before-restore" in out
    assert main(["--db", str(db), "staff"]) == 0
    assert capsys.readouterr().out.splitlines() == ["赵敏\t经理"]  # 李娜 came after it


def test_clear_errors(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite3"), "backup"]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "x.sqlite3"), "restore", str(tmp_path / "no")]) == 2
    assert "找不到备份文件" in capsys.readouterr().err

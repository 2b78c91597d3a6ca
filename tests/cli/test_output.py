"""The admin commands print Chinese wherever their output goes: a Windows set to another
language writes cp1252 into pipes and files, where Chinese would crash every message."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from desk import cli


def test_a_stream_that_cannot_hold_chinese_switches_to_utf8(monkeypatch):
    western = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    chinese = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    monkeypatch.setattr(sys, "stdout", western)
    monkeypatch.setattr(sys, "stderr", chinese)
    cli.chinese_capable_output()
    assert sys.stdout.encoding == "utf-8"
    assert sys.stderr.encoding == "gbk"  # Chinese Windows: its own code page stays
    print("错误：单号", file=sys.stdout)
    sys.stdout.flush()
    assert western.buffer.getvalue().decode("utf-8") == "错误：单号\n"


def test_help_through_a_cp1252_pipe(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "DESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "desk", "--help"], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "物业前台" in done.stdout.decode("utf-8")

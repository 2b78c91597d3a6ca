"""Before the window: a missing system library Qt needs ends in a Chinese message naming the
Debian packages and exit code 2 — never Qt's core dump or a raw ImportError."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desk import cli, qt_libraries

ROOT = Path(__file__).resolve().parent.parent
X11 = {"DISPLAY": ":0"}


def loader(*absent: str, reason: str = "cannot open shared object file"):
    """A stand-in for the dynamic loader that cannot find ``absent``; records what it tried."""
    tried: list[str] = []

    def load(soname: str) -> None:
        tried.append(soname)
        if soname in absent:
            raise OSError(f"{soname}: {reason}: No such file or directory")

    load.tried = tried  # type: ignore[attr-defined]
    return load


def test_a_missing_xcb_library_names_its_package_and_the_apt_line():
    absent = qt_libraries.missing(X11, loader("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    assert absent == {
        "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-keysyms.so.1": "libxcb-keysyms1",
    }
    text = qt_libraries.message(absent)
    assert "libxcb-icccm.so.4 libxcb-keysyms.so.1" in text
    assert text.splitlines()[-1].strip() == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
    assert "libxcb-cursor0" not in text  # Qt's own message would have blamed this one


def test_offscreen_needs_no_xcb_library():
    load = loader()
    assert qt_libraries.missing({"QT_QPA_PLATFORM": "offscreen", **X11}, load) == {}
    assert set(load.tried) == set(qt_libraries.BASE)


def test_a_library_present_whose_own_dependency_is_missing_reports_the_dependency():
    def load(soname: str) -> None:
        if soname in ("libxcb-icccm.so.4", "libxcb.so.1"):
            raise OSError("libxcb.so.1: cannot open shared object file: No such file or directory")

    assert qt_libraries.missing(X11, load) == {"libxcb.so.1": "libxcb1"}


def test_two_sonames_of_one_package_name_it_once():
    absent = qt_libraries.missing({}, loader("libglib-2.0.so.0", "libgthread-2.0.so.0"))
    assert qt_libraries.message(absent).endswith("sudo apt-get install libglib2.0-0")


def test_nothing_is_checked_off_linux():
    assert qt_libraries.missing(X11, loader(*qt_libraries.BASE), platform="win32") == {}


@pytest.mark.parametrize(
    ("env", "xcb"),
    [
        ({}, False),  # no display: nothing would open a window through X
        ({"DISPLAY": ":0"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":0"}, True),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, False),
    ],
)
def test_which_platform_needs_the_xcb_libraries(env, xcb):
    assert qt_libraries.uses_xcb(env) is xcb


def test_an_import_error_from_pyside6_becomes_the_message(monkeypatch):
    def broken_qt() -> None:
        raise ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(qt_libraries, "load_library", lambda soname: None)
    text = qt_libraries.preflight({"QT_QPA_PLATFORM": "offscreen"}, import_qt=broken_qt)
    assert text is not None
    assert "libEGL.so.1" in text
    assert f"sudo apt-get install {' '.join(qt_libraries.apt_packages())}" in text


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, True),  # a console or ssh without -X: Qt's xcb plugin would abort (core dump)
        ({"DISPLAY": ":0"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ],
)
def test_no_display_at_all_is_said_before_qt_aborts(monkeypatch, env, refused):
    monkeypatch.setattr(qt_libraries, "load_library", lambda soname: None)
    text = qt_libraries.preflight(env, import_qt=lambda: None)
    assert (text is not None) is refused
    if refused:
        assert "DISPLAY" in text and "desk --help" in text


def test_desk_says_what_to_install_and_exits_2(monkeypatch, capsys, caplog):
    monkeypatch.setattr(qt_libraries, "load_library", loader("libxcb-cursor.so.0"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    with caplog.at_level(logging.ERROR, logger="desk.cli"):  # the log file has it too
        assert cli.main([]) == 2
    assert "libxcb-cursor0" in caplog.text
    err = capsys.readouterr().err
    assert "无法启动程序：这台电脑缺少图形界面（Qt）需要的系统库" in err
    assert "sudo apt-get install libxcb-cursor0" in err


def test_desk_with_a_broken_library_on_the_loader_path(tmp_path):
    """The real program and the real loader: a file that is no library, found first for
    ``libxcb-icccm.so.4``, is what Qt would have died on (core dump, exit code 134)."""
    fake = tmp_path / "lib"
    fake.mkdir()
    (fake / "libxcb-icccm.so.4").write_bytes(b"")
    env = {
        **os.environ,
        "LD_LIBRARY_PATH": str(fake),
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": ":987",  # no X server: were the check to pass, Qt would stop here too
        "DESK_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "desk", "--db", str(tmp_path / "desk.sqlite3")],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "libxcb-icccm.so.4" in done.stderr
    assert re.search(r"sudo apt-get install .*\blibxcb-icccm4\b", done.stderr)


def test_the_package_list_needs_nothing_installed():
    """.ci/run asks for the list before any pip install: the standard library must do (-S)."""
    done = subprocess.run(
        [sys.executable, "-S", "-m", "desk.qt_libraries", "--apt-packages"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == qt_libraries.apt_packages()


def test_the_readme_apt_line_names_every_package():
    """The README's prerequisite line (right after its two commands) is the module's list
    plus the Python venv and what the tests use; a package added here must appear there."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    apt = [line for line in lines if line.startswith("    sudo apt-get install ")]
    assert len(apt) == 1, apt
    named = apt[0].split()[3:]
    assert named[: len(qt_libraries.apt_packages()) + 1] == [
        "python3-venv",
        *qt_libraries.apt_packages(),
    ]

"""Before Qt starts: are the system libraries it needs on this Linux machine?

PySide6's wheels carry Qt itself, but Qt links against libraries of the distribution (GL,
fontconfig, D-Bus, GLib, and for an X11 window the xcb helpers). When one is missing the
program used to end in a raw ``ImportError: libglib-2.0.so.0`` or, for the window, in
Qt's abort (core dump, exit code 134) whose message blames ``libxcb-cursor0`` even when
``libxcb-icccm4`` is what is missing. ``preflight`` tries to load each by its soname
first, as the dynamic loader will, and says in Chinese which Debian packages to install.

This module is the one list of those packages: ``.ci/run`` asks it
(``python3 -m desk.qt_libraries --apt-packages``) and a test checks that the README's
apt-get line names the same. It imports nothing outside the standard library, so it
runs before any dependency is installed.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence

# soname → the Debian/Ubuntu package that ships it (bookworm names; the t64 renames of
# later releases, e.g. libglib2.0-0t64, are selected by apt for the old name).
BASE: dict[str, str] = {  # every platform plugin, offscreen included
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}
XCB: dict[str, str] = {  # the X11 window (platforms/libqxcb.so and libQt6XcbQpa)
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
EXIT_CODE = 2  # as the CLI's "not usable here, the message says why"


def apt_packages() -> list[str]:
    """Every package the program's window needs on Debian/Ubuntu, in a stable order."""
    return list(dict.fromkeys([*BASE.values(), *XCB.values()]))


def uses_xcb(env: Mapping[str, str]) -> bool:
    """Will Qt open its window through X11 (xcb)?

    Asked for (``QT_QPA_PLATFORM=xcb``), or Qt's default with an X display. In a Wayland
    session Qt tries Wayland first, so the xcb libraries are not demanded there; offscreen,
    or with no display at all, they are not loaded.
    """
    platform = env.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" and env.get("WAYLAND_DISPLAY"):
        return False
    return bool(env.get("DISPLAY"))


def needed(env: Mapping[str, str]) -> dict[str, str]:
    """soname → package of what Qt will load here."""
    return {**BASE, **XCB} if uses_xcb(env) else dict(BASE)


def load_library(soname: str) -> None:
    """Load as Qt will (the dynamic loader's search by soname); OSError when it cannot."""
    ctypes.CDLL(soname)


def missing(
    env: Mapping[str, str] | None = None,
    load: Callable[[str], None] | None = None,
    platform: str = sys.platform,
) -> dict[str, str]:
    """soname → package of each library that does not load; empty off Linux.

    When a library is there but one it links is not, the loader's message names that
    one (``libxcb.so.1: cannot open shared object file``), and that one is reported.
    """
    if not platform.startswith("linux"):
        return {}
    wanted = needed(os.environ if env is None else env)
    known = {**BASE, **XCB}
    absent: dict[str, str] = {}
    for soname, package in wanted.items():
        try:
            (load or load_library)(soname)
        except OSError as exc:
            named = str(exc).split(":", 1)[0].strip()
            culprit = named if named in known else soname
            absent[culprit] = known.get(culprit, package)
    return absent


def message(absent: Mapping[str, str], doing: str = "启动程序") -> str:
    """The Chinese explanation for the person starting the program: which, and what to run."""
    packages = list(dict.fromkeys(absent.values()))
    return (
        f"无法{doing}：这台电脑缺少图形界面（Qt）需要的系统库：\n"
        f"  {' '.join(absent)}\n"
        f"请让管理员安装以下软件包（Debian / Ubuntu），然后再{doing}：\n"
        f"  sudo apt-get install {' '.join(packages)}"
    )


def import_error_message(exc: ImportError, doing: str = "启动程序") -> str:
    """For an ImportError from PySide6 itself: a library missing that the list above lacks
    (or a broken installation). Names the file the loader could not open and the full line."""
    return (
        f"无法{doing}：图形界面（Qt）加载失败：{exc}\n"
        f"通常是缺少系统库。请让管理员安装以下软件包（Debian / Ubuntu），然后再{doing}：\n"
        f"  sudo apt-get install {' '.join(apt_packages())}\n"
        "如果仍然失败，请重新安装程序。"
    )


def no_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Qt left to choose on Linux with no display to open a window on (a console, ssh
    without -X): Qt's xcb plugin would abort the process (core dump)."""
    return (
        platform.startswith("linux")
        and not env.get("QT_QPA_PLATFORM", "").strip()
        and not env.get("DISPLAY")
        and not env.get("WAYLAND_DISPLAY")
    )


def no_display_message(doing: str = "启动程序") -> str:
    return (
        f"无法{doing}：没有可以显示窗口的桌面（环境变量 DISPLAY 和 WAYLAND_DISPLAY 都没有设置）。\n"
        "请在桌面里启动程序；远程登录时请用远程桌面或 ssh -X。"
        "管理用的子命令不需要窗口，见 desk --help。"
    )


def _import_qt() -> None:
    importlib.import_module("PySide6.QtWidgets")  # loads QtCore and QtGui, and their libraries


def preflight(
    env: Mapping[str, str] | None = None,
    import_qt: Callable[[], None] = _import_qt,
    doing: str = "启动程序",
) -> str | None:
    """The message to show instead of starting the window, or None when Qt can start.

    Checks the libraries first (by soname), then imports PySide6's widgets, so that a
    library this list lacks still ends in a message rather than a traceback.
    """
    env = os.environ if env is None else env
    absent = missing(env)
    if absent:
        return message(absent, doing)
    if no_display(env):
        return no_display_message(doing)
    try:
        import_qt()
    except ImportError as exc:
        return import_error_message(exc, doing)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m desk.qt_libraries", description="Qt 需要的系统库（Debian / Ubuntu）"
    )
    parser.add_argument(
        "--apt-packages", action="store_true", help="只列出软件包名（一行，空格分隔），供脚本安装"
    )
    args = parser.parse_args(argv)
    if args.apt_packages:
        print(" ".join(apt_packages()))
        return 0
    text = preflight(import_qt=lambda: None)  # the libraries only: PySide6 may be absent
    print(text or "Qt 需要的系统库都已安装。")
    return EXIT_CODE if text else 0


if __name__ == "__main__":
    sys.exit(main())

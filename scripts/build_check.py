"""Build the office package with PyInstaller, then run what was built.

    python scripts/build_check.py               # dist/desk/, work files in build/pyinstaller/
    python scripts/build_check.py --no-build    # check an existing dist/desk/ again

Needs PyInstaller (``pip install "pyinstaller>=6.10,<7"``; build-time only), on Linux
binutils and ``icupkg`` (Debian: icu-devtools) to slim Qt's ICU data, and, to read the
PDFs, poppler's ``pdffonts``/``pdftotext`` (Debian: poppler-utils). What it checks:

1. the build succeeds; the folder is at most 150 MB (10⁶ bytes), and on Linux every
   library in it finds its dependencies (``ldd``), and Qt works with the slimmed ICU data
   in it (``packaging_icu.probe``: Chinese collation, time-zone names, GB18030/Big5);
2. ``desk-admin --version`` is this checkout's version;
3. ``init`` on a new file runs the Alembic migrations from the bundle; ``check`` then
   reports the newest schema version;
4. ``demo`` fills a new file; ``form workorder --latest`` writes a PDF whose fonts are all
   embedded, and with a character outside the BMP (𠮷) and one of CJK Extension A (䶮)
   in it, the two fallback fonts are embedded too and the text reads back right — the
   bundle ships the fonts xz-compressed, so this proves they unpack; the same form as
   xlsx carries its QR code as an image; ``signed`` files that PDF against its order,
   having read the QR code back from it (pdfium renders, zxing-cpp decodes);
5. the GUI starts offscreen and quits by itself with exit code 0 (``DESK_QUIT_AFTER_MS``)
   — on the demo file with the main window up, and on a new file with the first-start
   dialog up — and logs no warning (a missing icon or Qt translation would be one); on
   Linux once more with fontconfig seeing no font, where it must add its own Chinese font
   (unpacked from the xz copy).

Exits 1 with the reason on the first failure. Every run uses a temporary data folder;
nothing touches the real profile.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import packaging_icu  # noqa: E402
import packaging_manifest as manifest  # noqa: E402
from desk import __version__  # noqa: E402

RARE = "陈𠮷祥，䶮"  # U+20BB7 (CJK Extension B: HanaMinB), U+4DAE (Extension A: DeskHanExtA)
GUI_WAIT_MS = 2500
TIMEOUT = 120  # seconds for any one run of the built program


# Programs in the folder run through this (["wine"] for the Windows build on Linux: --wine)
LAUNCHER: list[str] = []


class Failed(Exception):
    pass


def step(text: str) -> None:
    print(f"== {text}", flush=True)


def run(
    cmd: Sequence[str | Path], env: dict[str, str] | None = None, timeout: float = TIMEOUT
) -> str:
    """Run ``cmd``; its stdout, or Failed with its output when it exits non-zero."""
    shown = " ".join(str(c) for c in cmd)
    try:
        done = subprocess.run(
            [str(c) for c in cmd],
            env=env,
            stdin=subprocess.DEVNULL,  # the program must never wait for input
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise Failed(f"{shown}: no exit after {timeout} s") from exc
    if done.returncode != 0:
        raise Failed(f"{shown}: exit code {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def build(dist: Path, work: Path, python: Sequence[str | Path] = (sys.executable,)) -> float:
    """Run PyInstaller on build.spec with ``python`` (this one, or Windows' under wine)."""
    version = run([*python, "-m", "PyInstaller", "--version"]).strip() if python else ""
    if not version.startswith("6."):
        raise Failed(
            f"build.spec is written for PyInstaller 6, found {version or 'none'}: "
            'pip install "pyinstaller>=6.10,<7"'
        )
    step(f"PyInstaller {version}: building into {dist}")
    started = time.perf_counter()
    cmd = [*python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", dist, "--workpath", work, ROOT / "build.spec"]
    run(cmd, timeout=1800)
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    """Bytes of the files in ``folder``; symlinks (Linux's desk-admin) count as nothing."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def check_size(folder: Path) -> float:
    """The folder's size in MB (10⁶ bytes, the stricter reading of the issue's "150 MB";
    Windows Explorer would show the MiB figure, also printed)."""
    size = folder_size(folder)
    mb, mib = size / 10**6, size / 2**20
    print(f"   folder size: {mb:.1f} MB = {mib:.1f} MiB (limit {manifest.MAX_BUNDLE_MB} MB)")
    if mb > manifest.MAX_BUNDLE_MB:
        raise Failed(
            f"{folder} is {mb:.1f} MB, over {manifest.MAX_BUNDLE_MB} MB: see what grew "
            "(du -a | sort -n) and exclude it in packaging_manifest.py with its reason"
        )
    return mb


def check_icu(folder: Path) -> None:
    """Linux: the bundled ICU data is the slimmed one, and Qt's collation, time-zone names
    and codecs work with it (run through the installed PySide6, which is the same Qt)."""
    if not sys.platform.startswith("linux"):
        return
    found = sorted(folder.rglob(manifest.ICU_DATA_LIBRARY + ".*"))
    libraries = [path for path in found if not path.is_symlink()]
    if len(libraries) != 1:
        raise Failed(f"expected one ICU data library in the bundle, found {found}")
    size = libraries[0].stat().st_size
    if size > 10 * 2**20:
        raise Failed(f"{libraries[0].name} is {size / 2**20:.1f} MiB: build.spec did not slim it")
    try:
        report = packaging_icu.probe(libraries[0])
    except packaging_icu.IcuError as exc:
        raise Failed(str(exc)) from exc
    print(f"   {libraries[0].name}: {size / 2**20:.1f} MiB; {report}")


def check_libraries(folder: Path) -> None:
    """Linux: no bundled library needs one that should be in the bundle but is not (what
    build.spec dropped). Libraries left to the system (X11, CUPS …) only get a note when
    this machine lacks them: a desktop has them, a CI container may not."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return
    ours = ("libQt6", "libicu", "libpyside6", "libshiboken6", "libpython")
    ours += tuple(pattern.split(".so")[0] + ".so" for pattern in manifest.LINUX_LIBS_BUNDLED)
    missing: list[str] = []
    system: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if ".so" not in path.name and path.name != "desk":
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "not found" not in line:
                continue
            lib = line.split()[0]
            if lib.startswith(ours):
                missing.append(f"{path.relative_to(folder)}: {lib}")
            else:
                system.add(lib)
    if missing:
        raise Failed("bundled libraries need ones left out of the bundle:\n" + "\n".join(missing))
    if system:
        print(f"   note: left to the system, not installed here: {' '.join(sorted(system))}")


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) of each font in ``pdf``, from poppler's pdffonts."""
    if shutil.which("pdffonts") is None:
        raise Failed("pdffonts not found: install poppler-utils (Debian) or poppler")
    lines = run(["pdffonts", pdf]).splitlines()[2:]  # after the header and the dashes
    fonts = []
    for line in lines:
        # name type encoding emb sub uni object ID — emb is the 4th field from the right end
        fields = line.split()
        fonts.append((fields[0], fields[-5] == "yes"))
    return fonts


def check_embedded(pdf: Path, wanted: Sequence[str] = ()) -> list[str]:
    fonts = pdf_fonts(pdf)
    if not fonts:
        raise Failed(f"{pdf.name}: no fonts at all")
    loose = [name for name, embedded in fonts if not embedded]
    if loose:
        raise Failed(f"{pdf.name}: fonts not embedded: {loose}")
    names = [name for name, _embedded in fonts]
    for font in wanted:
        if not any(font in name for name in names):
            raise Failed(f"{pdf.name}: font {font} missing; fonts: {names}")
    return names


def check_gui(program: Path, db: Path, env: dict[str, str], title: str) -> list[str]:
    """Start the GUI offscreen; fails unless ``title`` was on screen and nothing was logged
    as a problem. The lines the run logged."""
    log = db.parent / "desk.log"
    before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    gui_env = {**env, "QT_QPA_PLATFORM": "offscreen", "DESK_QUIT_AFTER_MS": str(GUI_WAIT_MS)}
    if LAUNCHER:  # wine passes no QT_* variable on, but WINEQT_X arrives as QT_X
        gui_env["WINEQT_QPA_PLATFORM"] = "offscreen"
    run([*LAUNCHER, program, "--db", db], env=gui_env)
    lines = log.read_text(encoding="utf-8").splitlines()[len(before) :]
    quit_lines = [line for line in lines if "DESK_QUIT_AFTER_MS" in line]
    if not quit_lines:
        raise Failed("the GUI exited without its quit timer firing; log:\n" + "\n".join(lines))
    if title not in quit_lines[-1]:
        raise Failed(f"expected a window titled {title!r} on screen, log says: {quit_lines[-1]}")
    trouble = [line for line in lines if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
    if trouble:
        raise Failed("the GUI logged problems:\n" + "\n".join(trouble))
    print(f"   {quit_lines[-1].split(': ', 1)[-1]}")
    return lines


def pe_facts(exe: Path) -> tuple[int, bool]:
    """(subsystem, has an icon) of a Windows exe, read from its PE header: subsystem 2 is a
    windowed program (no console window), 3 a console one."""
    data = exe.read_bytes()
    u16 = lambda at: int.from_bytes(data[at : at + 2], "little")  # noqa: E731
    u32 = lambda at: int.from_bytes(data[at : at + 4], "little")  # noqa: E731
    pe = u32(0x3C)
    if data[:2] != b"MZ" or data[pe : pe + 4] != b"PE\0\0":
        raise Failed(f"{exe.name} is not a Windows program")
    sections, optional_size = u16(pe + 6), u16(pe + 20)
    optional = pe + 24
    subsystem = u16(optional + 68)
    directories = optional + (112 if u16(optional) == 0x20B else 96)  # PE32+ or PE32
    resources_rva = u32(directories + 2 * 8)  # data directory 2: resources
    table = optional + optional_size
    for i in range(sections):
        entry = table + 40 * i
        rva, raw_size, raw = u32(entry + 12), u32(entry + 16), u32(entry + 20)
        if resources_rva and rva <= resources_rva < rva + raw_size:
            root = raw + resources_rva - rva
            named, ids = u16(root + 12), u16(root + 14)
            types = [u32(root + 16 + 8 * k) for k in range(named, named + ids)]
            return subsystem, 14 in types  # RT_GROUP_ICON
    return subsystem, False


def check_windows_programs(folder: Path) -> None:
    """desk.exe opens no console window; desk-admin.exe is a console program; both carry
    the icon."""
    for name, subsystem, kind in (("desk.exe", 2, "windowed"), ("desk-admin.exe", 3, "console")):
        found, icon = pe_facts(folder / name)
        if found != subsystem:
            raise Failed(f"{name}: subsystem {found}, expected {subsystem} ({kind})")
        if not icon:
            raise Failed(f"{name} has no icon")
        print(f"   {name}: {kind}, with its icon")


def exercise(folder: Path, scratch: Path) -> None:
    exe = ".exe" if sys.platform == "win32" or LAUNCHER else ""
    admin = [*LAUNCHER, folder / f"desk-admin{exe}"]
    gui = folder / f"desk{exe}"
    env = {k: v for k, v in os.environ.items() if k not in ("DESK_DB", "DESK_DATA_DIR")}
    env["DESK_DATA_DIR"] = str(scratch / "profile")

    step("version")
    version = run([*admin, "--version"], env).strip()
    if version != f"desk {__version__}":
        raise Failed(f"the bundle says {version!r}, the checkout is {__version__}")

    step("migrations on a new database (init, then check)")
    new = scratch / "new" / "office.sqlite3"
    new.parent.mkdir()
    first = {**env, "DESK_PASSWORD": "检查口令2026"}  # no terminal here: init reads it
    run([*admin, "--db", new, "init", "--office", "测试物业服务中心", "--staff", "张经理"], first)
    from desk.models import migrate

    head = migrate.head_revision()
    report = run([*admin, "--db", new, "check"], env)
    if f"结构版本 {head}，最新" not in report:
        raise Failed(f"check after init: expected schema {head}, newest; got: {report}")
    print(f"   {report.strip()}")

    step("demo data and a 派工单")
    demo = scratch / "demo" / "demo.sqlite3"
    demo.parent.mkdir()
    print("   " + run([*admin, "--db", demo, "demo", "--days", "30"], env).strip())
    pdf = scratch / "workorder.pdf"
    run([*admin, "--db", demo, "form", "workorder", "--latest", "-o", pdf], env)
    print(f"   {pdf.name}: embedded {check_embedded(pdf, ['WenQuanYiMicroHei'])}")

    step("rare characters: the packed fallback fonts")
    with sqlite3.connect(demo) as conn:  # the newest order; this file is thrown away after
        conn.execute(
            "UPDATE workorder SET description = description || ? WHERE id ="
            " (SELECT id FROM workorder ORDER BY created_at DESC, id DESC LIMIT 1)",
            (f"（{RARE}）",),
        )
    conn.close()
    rare = scratch / "rare.pdf"
    run([*admin, "--db", demo, "form", "workorder", "--latest", "-o", rare], env)
    names = check_embedded(rare, ["WenQuanYiMicroHei", "DeskHanExtA", "HanaMinB"])
    print(f"   {rare.name}: embedded {names}")
    if shutil.which("pdftotext"):
        text = run(["pdftotext", rare, "-"])
        if RARE not in text:
            raise Failed(f"{rare.name}: {RARE!r} does not read back from the PDF")

    step("the same form as xlsx (openpyxl, the QR code through Pillow)")
    xlsx = scratch / "workorder.xlsx"
    run([*admin, "--db", demo, "form", "workorder", "--latest", "-o", xlsx], env)
    with zipfile.ZipFile(xlsx) as book:
        images = [n for n in book.namelist() if n.startswith("xl/media/")]
    if not images:
        raise Failed(f"{xlsx.name}: no QR code image inside")

    step("a signed 派工单 comes back: its QR code read from the PDF (pdfium, zxing-cpp)")
    with sqlite3.connect(demo) as conn:
        (serial,) = conn.execute(
            "SELECT serial FROM workorder WHERE state != '作废' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    conn.close()
    signed = scratch / "signed.pdf"
    run([*admin, "--db", demo, "form", "workorder", "--serial", serial, "-o", signed], env)
    said = run([*admin, "--db", demo, "signed", serial, signed], env)
    if f"已归档到 {serial}（二维码相符）" not in said:
        raise Failed(f"signed {serial}: the QR code was not read back: {said}")
    print(f"   {said.strip()}")

    step("the GUI starts offscreen and quits: main window on the demo file")
    check_gui(gui, demo, env, "物业前台 — ")
    step("the GUI on a new file: the first-start dialog")
    first = scratch / "first" / "desk.sqlite3"
    first.parent.mkdir()
    check_gui(gui, first, env, "欢迎使用物业前台")
    if not (sys.platform == "win32" or LAUNCHER):
        step("the GUI on a PC without a Chinese font: it adds its own (the packed copy)")
        bare = scratch / "no-cjk" / "desk.sqlite3"
        (bare.parent / "fonts").mkdir(parents=True)
        config = bare.parent / "fonts.conf"  # fontconfig sees one empty folder, no font at all
        config.write_text(
            f"<fontconfig><dir>{bare.parent / 'fonts'}</dir>"
            f"<cachedir>{bare.parent / 'cache'}</cachedir></fontconfig>",
            encoding="utf-8",
        )
        lines = check_gui(gui, bare, {**env, "FONTCONFIG_FILE": str(config)}, "欢迎使用物业前台")
        if not any("using the bundled ['WenQuanYi Micro Hei'" in line for line in lines):
            raise Failed("the bundled Chinese font was not added; log:\n" + "\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--no-build", action="store_true", help="check dist/desk as it is")
    parser.add_argument(
        "--wine",
        metavar="PYTHON_EXE",
        type=Path,
        help="build and check the Windows program on Linux: PyInstaller runs under this "
        "Windows python.exe through wine, and so do the programs built "
        "(scripts/wine_build_check.sh sets it up)",
    )
    args = parser.parse_args(argv)
    folder = args.dist / "desk"
    python: list[str | Path] = [sys.executable]
    if args.wine:
        LAUNCHER[:] = ["wine"]
        os.environ["WINEDEBUG"] = "-all"  # wine's own chatter would drown the output
        python = [*LAUNCHER, args.wine]
    started = time.perf_counter()
    try:
        took = None if args.no_build else build(args.dist, args.work, python)
        if not folder.is_dir():
            raise Failed(f"{folder} does not exist")
        step(f"size and libraries of {folder}")
        size = check_size(folder)
        if sys.platform == "win32" or LAUNCHER:
            check_windows_programs(folder)
        else:
            check_libraries(folder)
            check_icu(folder)
        with tempfile.TemporaryDirectory(prefix="desk-build-check-") as scratch:
            exercise(folder, Path(scratch))
    except Failed as exc:
        print(f"\nBUILD CHECK FAILED: {exc}", file=sys.stderr)
        return 1
    built = f"built in {took:.0f} s, " if took is not None else ""
    total = time.perf_counter() - started
    print(f"\nbuild check passed: {folder} — {size:.1f} MB; {built}{total:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

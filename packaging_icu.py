"""Qt's ICU data, cut down to what Qt uses, for the Linux office package.

The PySide6 wheels for Linux bring their own ICU. Its data library, ``libicudata.so.NN``,
is one 32 MB array (the symbol ``icudtNN_dat``) holding ICU's common data package: every
locale's collation, names of languages, currencies and units, word-break dictionaries,
190 text converters. The Windows wheels bring no ICU (Qt uses the system's).

``slim_icudata`` copies that package out of the library, removes the items
``packaging_manifest.icu_item_kept`` rejects with ICU's own ``icupkg`` (which refuses when
a kept item needs a removed one), and links the rest into a new library with the same
name and symbol. ``libicuuc`` finds it exactly as before. ``probe`` checks, through the
installed PySide6, that collation, time-zone names and codecs work on the result.

Build-time only. Needs binutils (``readelf``, ``as``, ``ld``; PyInstaller needs them on
Linux anyway) and ``icupkg`` (Debian: icu-devtools). Plain Python, no Qt imports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import packaging_manifest as manifest  # beside this file, like build.spec

TOOLS = {"readelf": "binutils", "as": "binutils", "ld": "binutils", "icupkg": "icu-devtools"}


class IcuError(Exception):
    pass


def _run(*cmd: str | Path) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if done.returncode != 0:
        shown = " ".join(str(c) for c in cmd)
        raise IcuError(f"{shown}: exit code {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def _check_tools() -> None:
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    if missing:
        raise IcuError(f"slimming Qt's ICU data needs {', '.join(missing)}; install them")


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the ``icudtNN_dat`` array in ``library``."""
    symbols = re.findall(
        r"^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)$",
        _run("readelf", "--dyn-syms", "-W", library),
        re.M,
    )
    if len(symbols) != 1:
        raise IcuError(f"{library}: expected one icudtNN_dat symbol, found {symbols}")
    value, size, section, name = symbols[0]
    sections = re.findall(
        r"^\s*\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s",
        _run("readelf", "-S", "-W", library),
        re.M,
    )
    address, offset = next((int(a, 16), int(o, 16)) for i, a, o in sections if i == section)
    return name, offset + int(value, 16) - address, int(size, 0)


def slim_icudata(library: Path, workdir: Path) -> Path:
    """``workdir/<library's name>``: ``library`` with only the ICU data items kept.

    Made again only when ``library`` or the keep rule (packaging_manifest.py) is newer.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / library.name
    rule = Path(manifest.__file__)
    if out.is_file() and out.stat().st_mtime > max(library.stat().st_mtime, rule.stat().st_mtime):
        return out
    _check_tools()
    symbol, offset, size = data_symbol(library)
    package = symbol.removesuffix("_dat") + "l"  # icudt73l: "l" = little-endian, ASCII
    with tempfile.TemporaryDirectory(dir=workdir) as tmp_name:
        tmp = Path(tmp_name)
        with library.open("rb") as lib:
            lib.seek(offset)
            (tmp / "full.dat").write_bytes(lib.read(size))
        # icupkg checks an input package's name against its ToC prefix, so both are named
        # like the package; they sit in separate folders
        (tmp / "in").mkdir()
        (tmp / "out").mkdir()
        (tmp / "full.dat").rename(tmp / "in" / f"{package}.dat")
        items = _run("icupkg", "-l", tmp / "in" / f"{package}.dat").split()
        dropped = [item for item in items if not manifest.icu_item_kept(item)]
        if len(dropped) == len(items) or not dropped:
            raise IcuError(f"the keep rule kept {len(items) - len(dropped)} of {len(items)}")
        (tmp / "dropped.txt").write_text("\n".join(dropped) + "\n", encoding="ascii")
        # without --ignore-deps: icupkg fails if a kept item depends on a dropped one
        _run("icupkg", "-r", tmp / "dropped.txt", tmp / "in" / f"{package}.dat",
             tmp / "out" / f"{package}.dat")  # fmt: skip
        (tmp / "data.s").write_text(
            "    .section .rodata\n"
            f"    .globl {symbol}\n"
            f"    .type {symbol}, @object\n"
            "    .balign 16\n"  # ICU reads the package in place: it wants it aligned
            f"{symbol}:\n"
            f'    .incbin "out/{package}.dat"\n'
            f"    .size {symbol}, . - {symbol}\n"
            '    .section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        old = Path.cwd()
        os.chdir(tmp)  # .incbin resolves against the working folder
        try:
            _run("as", "data.s", "-o", "data.o")
        finally:
            os.chdir(old)
        _run("ld", "-shared", "-soname", library.name, "-o", tmp / library.name, tmp / "data.o")
        (tmp / library.name).replace(out)
    return out


PROBE = """
from PySide6.QtCore import (QCollator, QCoreApplication, QLocale, QStringDecoder, QTimeZone,
                            qInstallMessageHandler)
said = []
qInstallMessageHandler(lambda kind, context, text: said.append(text))
app = QCoreApplication([])
loaded = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line]
assert loaded and loaded[0] == {library!r}, loaded
collator = QCollator(QLocale("zh_CN"))
names = ["张三", "李四", "艾青", "赵六", "王五"]
assert sorted(names, key=collator.sortKey) == ["艾青", "李四", "王五", "张三", "赵六"]
zone = QTimeZone(b"Asia/Shanghai").displayName(
    QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("zh_CN"))
assert zone == "中国标准时间", zone
for codec in ("GB18030", "GBK", "Big5", "Big5-HKSCS"):
    assert QStringDecoder(codec).isValid(), codec
QCollator(QLocale("de_DE")).compare("a", "b")  # a dropped locale: ICU's root rules
assert not said, said
print("ICU data: collation, time-zone names and codecs work")
"""


def probe(library: Path) -> str:
    """Run Qt (the installed PySide6) with ``library`` as its ICU data; its report."""
    env = {**os.environ, "LD_PRELOAD": str(library), "QT_QPA_PLATFORM": "offscreen"}
    code = PROBE.format(library=str(library.resolve()))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise IcuError(f"Qt with {library.name} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()

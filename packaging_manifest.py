"""What goes into the office package besides the code: read by ``build.spec`` and checked
by ``tests/test_build_spec.py``, so every test run catches a missing font or migration
without building (``scripts/build_check.py`` builds and runs the real thing).

Each data file keeps its relative place from the checkout (``resources/…``,
``desk/models/migrations/…``), because ``desk.paths`` finds them the same way from
source and from the bundle. Only Qt's translation comes from elsewhere (the installed
PySide6) and goes to ``resources/translations``, where ``desk.ui.app`` looks when bundled.

Plain Python, no PyInstaller or Qt imports: the test imports it in the normal venv.
"""

from __future__ import annotations

import importlib.util
import lzma
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent

# Fonts for the printed forms (desk/reports/pdf_fonts.py) with the licence texts their
# licences require to travel with them, and the README that says which licence is whose
# (the 关于 dialog shows it).
FONTS = ("wqy-microhei.ttc", "DeskHanExtA.ttf", "HanaMinB.ttf")
# The bundle carries them xz-compressed (39 → 16 MB; desk/reports/pdf_fonts.py reads either)
FONT_PACKED_SUFFIX = ".xz"
FONT_LICENCES = ("WQY-MICROHEI-LICENSE.txt", "HANAZONO-LICENSE.txt", "README.md")
ICON_PNG = "resources/icons/desk.png"  # window icon, at run time
ICON_ICO = "resources/icons/desk.ico"  # exe icon (Windows), at build time only
MIGRATIONS = "desk/models/migrations"
QT_TRANSLATION = "qtbase_zh_CN.qm"  # Qt's own dialogs (file, print, message boxes) in Chinese
TRANSLATIONS_DEST = "resources/translations"


def migration_files() -> list[Path]:
    """The files Alembic reads from disk: env.py, the template, every revision.

    Alembic executes them from their paths, not through the import system, so they must be
    real files in the bundle and not only compiled into its archive.
    """
    folder = ROOT / MIGRATIONS
    return [
        folder / "env.py",
        folder / "script.py.mako",
        *sorted((folder / "versions").glob("*.py")),
    ]


def pyside6_dir() -> Path:
    """The installed PySide6 package, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("PySide6 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


# Where the PySide6 wheels keep Qt's translations: Linux and macOS in Qt/translations,
# Windows in translations (the Windows build failed on the Linux path alone)
QT_TRANSLATION_FOLDERS = ("Qt/translations", "translations")


def qt_translation() -> Path:
    for folder in QT_TRANSLATION_FOLDERS:
        path = pyside6_dir() / folder / QT_TRANSLATION
        if path.is_file():
            return path
    raise FileNotFoundError(f"{QT_TRANSLATION} is in none of PySide6's {QT_TRANSLATION_FOLDERS}")


def pack_font(name: str, into: Path) -> Path:
    """``into/<name>.xz``, compressed again only when the font is newer (about 25 s for
    HanaMinB, so a rebuild reuses it)."""
    source = ROOT / "resources/fonts" / name
    packed = into / (name + FONT_PACKED_SUFFIX)
    if not packed.is_file() or packed.stat().st_mtime < source.stat().st_mtime:
        into.mkdir(parents=True, exist_ok=True)
        partial = packed.with_name(packed.name + ".part")
        with lzma.open(partial, "wb", preset=9) as out:
            out.write(source.read_bytes())
        partial.replace(packed)
    return packed


def datas(packed_fonts: Path | None = None) -> list[tuple[str, str]]:
    """(file, folder in the bundle) pairs for PyInstaller's ``Analysis(datas=…)``.

    With ``packed_fonts`` (a build folder), the fonts go in as compressed copies made there.
    """
    if packed_fonts is None:
        fonts = [ROOT / "resources/fonts" / name for name in FONTS]
    else:
        fonts = [pack_font(name, packed_fonts) for name in FONTS]
    out = [(str(path), "resources/fonts") for path in fonts]
    out += [(str(ROOT / "resources/fonts" / name), "resources/fonts") for name in FONT_LICENCES]
    out.append((str(ROOT / ICON_PNG), "resources/icons"))
    for path in migration_files():
        out.append((str(path), path.parent.relative_to(ROOT).as_posix()))
    out.append((str(qt_translation()), TRANSLATIONS_DEST))
    return out


# Modules imported in a way PyInstaller's analysis cannot see.
HIDDEN_IMPORTS = [
    # SQLAlchemy loads the dialect named in the URL ("sqlite://…") by name at run time
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    # holidays finds a country's module through its registry (importlib), not an import
    "holidays.countries.china",
    # Alembic runs env.py and the revisions from their files; what they import
    "alembic.op",
    "alembic.context",
    "alembic.ddl.sqlite",
    "sqlmodel.sql.sqltypes",
    "unicodedata",
]

# Packages whose submodules are all needed: reportlab.graphics.barcode imports every
# barcode module through exec() when the QR encoder (qr.py) is first used.
HIDDEN_PACKAGES = ["reportlab.graphics.barcode"]

# Python data files of libraries, read beside their modules: (package, file patterns).
PACKAGE_DATA = [
    # pypinyin keeps its dictionaries as JSON next to pinyin_dict.py
    ("pypinyin", ["pinyin_dict.json", "phrases_dict.json"]),
    # holidays.China(language="zh_CN"): the Chinese names of the holidays; the 771 other
    # catalogues (other countries and languages) are not needed
    ("holidays", ["locale/zh_CN/LC_MESSAGES/CN.mo"]),
]


@dataclass(frozen=True)
class Exclusion:
    modules: tuple[str, ...]
    why: str


# Python modules left out on purpose; build.spec passes them to Analysis(excludes=…).
# Each group says why the program cannot need it. tests/test_build_spec.py checks that
# no module of the program imports one of them.
EXCLUDES = [
    Exclusion(
        (
            "PySide6.QtWebEngineCore",
            "PySide6.QtWebEngineWidgets",
            "PySide6.QtWebEngineQuick",
            "PySide6.QtWebChannel",
            "PySide6.QtWebView",
            "PySide6.QtWebSockets",
            "PySide6.QtHttpServer",
            "PySide6.QtNetworkAuth",
        ),
        "no browser or web content: forms are previewed with QtPdf, the program is offline",
    ),
    Exclusion(
        (
            "PySide6.QtQml",
            "PySide6.QtQuick",
            "PySide6.QtQuick3D",
            "PySide6.QtQuickControls2",
            "PySide6.QtQuickWidgets",
            "PySide6.QtQuickTest",
            "PySide6.QtCanvasPainter",
            "PySide6.QtRemoteObjects",
            "PySide6.QtScxml",
            "PySide6.QtStateMachine",
        ),
        "the UI is built from QtWidgets in code; no QML anywhere",
    ),
    Exclusion(
        (
            "PySide6.QtMultimedia",
            "PySide6.QtMultimediaWidgets",
            "PySide6.QtSpatialAudio",
            "PySide6.QtTextToSpeech",
        ),
        "no sound or video (this alone drops the ffmpeg libraries)",
    ),
    Exclusion(
        (
            "PySide6.Qt3DAnimation",
            "PySide6.Qt3DCore",
            "PySide6.Qt3DExtras",
            "PySide6.Qt3DInput",
            "PySide6.Qt3DLogic",
            "PySide6.Qt3DRender",
            "PySide6.QtDataVisualization",
            "PySide6.QtGraphs",
            "PySide6.QtGraphsWidgets",
        ),
        "charts are QtCharts (kept); no 3D and no second chart library",
    ),
    Exclusion(
        (
            "PySide6.QtBluetooth",
            "PySide6.QtNfc",
            "PySide6.QtPositioning",
            "PySide6.QtLocation",
            "PySide6.QtSensors",
            "PySide6.QtSerialPort",
            "PySide6.QtSerialBus",
        ),
        "no devices besides the printer, which goes through QtPrintSupport (kept)",
    ),
    Exclusion(
        (
            "PySide6.QtDesigner",
            "PySide6.QtUiTools",
            "PySide6.QtHelp",
            "PySide6.QtTest",
            "PySide6.QtSql",
            "PySide6.QtAxContainer",
            "PySide6.QtAsyncio",
        ),
        "development tools, .ui files, Qt's help viewer and Qt's SQL: widgets are built in "
        "code, help is docs/manual.md, the database goes through SQLAlchemy",
    ),
    Exclusion(
        (
            "PySide6.QtOpenGL",
            "PySide6.QtOpenGLWidgets",
            "PySide6.QtNetwork",
            "PySide6.QtDBus",
            "PySide6.QtSvg",
            "PySide6.QtSvgWidgets",
            "PySide6.QtXml",
            "PySide6.QtConcurrent",
        ),
        "Python bindings the program never imports; the Qt libraries themselves stay where a "
        "kept module links them (QtCharts needs OpenGL, QtPdf needs Network)",
    ),
    Exclusion(
        ("numpy", "yaml"),
        "only openpyxl's optional support for numpy number types pulls numpy in (and numpy "
        "pulls yaml); openpyxl works without it and the program writes plain Python numbers",
    ),
    Exclusion(
        (
            "PIL.AvifImagePlugin",
            "PIL._avif",
            "PIL.WebPImagePlugin",
            "PIL._webp",
            "PIL._imagingft",
            "PIL._imagingcms",
            "PIL._imagingtk",
            "PIL.ImageQt",
            "PIL.ImageTk",
        ),
        "Pillow only draws the forms' QR code as PNG (for xlsx): no AVIF/WebP, no text "
        "rendering, no colour management; Pillow skips plugins it cannot import",
    ),
    Exclusion(
        ("_codecs_jp", "_codecs_kr", "_codecs_iso2022", "pydoc", "pydoc_data"),
        "Japanese and Korean text codecs (CSV files are read as UTF-8 or GB18030, old .xls "
        "as their Chinese code page), and Python's interactive help",
    ),
    Exclusion(
        ("pygments", "rich", "markdown_it"),
        "only reached through Mako's syntax-highlighting extension and pydantic's debug "
        "printer, neither of which the program calls",
    ),
    Exclusion(
        ("tkinter", "_tkinter", "pytest", "_pytest", "hypothesis", "pytestqt", "IPython"),
        "the other GUI toolkit and the test tools are not part of the program",
    ),
]

# Qt plugins kept, by plugin folder; every other folder is dropped (build.spec filters
# what PyInstaller's PySide6 hooks collect, before their libraries are analysed). A folder
# maps to the file name stems kept, or None for all of it.
QT_PLUGINS_KEPT: dict[str, tuple[str, ...] | None] = {
    # the window system: Windows; X11 on Linux (Wayland desktops run it through XWayland,
    # which saves the ~3 MB of Qt's Wayland client); offscreen for scripts/build_check
    "platforms": ("qwindows", "qxcb", "qoffscreen"),
    "xcbglintegrations": None,  # the xcb platform loads one of these at start
    # desktop settings (dark mode, fonts) and portal file dialogs on Linux. Not qgtk3: it
    # needs the system's GTK 3 anyway and would drag a second, bundled pango/cairo in
    "platformthemes": ("qxdgdesktopportal",),
    # typing Chinese: ibus and compose on Linux (the virtual keyboard needs QtQuick: dropped)
    "platforminputcontexts": (
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    ),
    # the printer list and print dialog (CUPS on Linux; Windows' is built into QtPrintSupport)
    "printsupport": None,
    # the window icon is PNG, built into QtGui; only SVG, which desktop icon themes (the
    # file dialog's icons) use. Photos attached to complaints open in the system's viewer.
    "imageformats": ("qsvg",),
    "iconengines": None,
    # the native Windows look (qmodernwindowsstyle); Linux has no style plugins
    "styles": None,
}


def plugin_kept(folder: str, filename: str) -> bool:
    """Keep ``plugins/<folder>/<filename>`` in the bundle? (``libqxcb.so``, ``qxcb.dll``)"""
    if folder not in QT_PLUGINS_KEPT:
        return False
    stems = QT_PLUGINS_KEPT[folder]
    if stems is None:
        return True
    return filename.split(".")[0].removeprefix("lib") in stems


QT_TRANSLATIONS_BUNDLED = tuple(f"PySide6/{folder}/" for folder in QT_TRANSLATION_FOLDERS)


def qt_translation_entry(dest: str) -> bool:
    """Is this bundle entry one of Qt's own translations (all dropped: see datas())?"""
    return dest.replace("\\", "/").startswith(QT_TRANSLATIONS_BUNDLED)


# Windows DLLs left out: Qt's software OpenGL renderer (opengl32sw, 20 MB) and ANGLE's
# shader compiler are fallbacks for OpenGL on PCs without a graphics driver. The program
# paints with QtWidgets' raster engine only; its charts do not turn on OpenGL.
DLLS_DROPPED = ("opengl32sw.dll", "d3dcompiler_47.dll", "libEGL.dll", "libGLESv2.dll")


def dll_dropped(dest: str) -> bool:
    return dest.replace("\\", "/").rsplit("/", 1)[-1].lower() in {
        name.lower() for name in DLLS_DROPPED
    }


MAX_BUNDLE_MB = 150  # the limit for the installed folder

# Linux system libraries kept in the bundle (patterns on the file name); every other one
# from /lib or /usr/lib is left to the system (build.spec says why). These are what
# Python's own modules link: sqlite3 (its version decides FTS5 trigram search), ctypes,
# zlib/bz2/lzma (zip files: xlsx), expat (XML: xlsx), uuid, decimal.
LINUX_LIBS_BUNDLED = [
    "libsqlite3.so*",
    "libffi.so*",
    "libz.so*",
    "libbz2.so*",
    "liblzma.so*",
    "libexpat.so*",
    "libuuid.so*",
    "libmpdec.so*",
]

# Qt's ICU data (Linux only: the Windows wheels use the system's ICU). libicudata is 32 MB,
# the largest file in the folder. Qt calls ICU for four things only (the ICU symbols
# libQt6Core imports; no other Qt library imports any): case mapping, collation
# (QCollator: sorting in the file dialog), time-zone display names, and text codecs other
# than UTF and Latin-1. packaging_icu.py keeps the data those need for Chinese and English
# and drops the rest (32 → 4.7 MB); a locale without data falls back to ICU's root rules.
ICU_TREES_DROPPED = {
    "brkitr": "word and line breaking: Qt breaks text with its own tables (no ubrk_*)",
    "rbnf": "numbers spelled out in words (no unum_*)",
    "translit": "transliteration (no utrans_*)",
    "curr": "currency names (no unum_*/ucurr_*)",
    "lang": "language names (no uloc_getDisplay*: QLocale has its own CLDR tables)",
    "region": "country names (same)",
    "unit": "unit names (no unumf_*)",
}
# Chinese, simplified and traditional; English as ICU's fallback and for the C locale.
ICU_LOCALES_KEPT = ("zh", "en", "en_US", "en_US_POSIX", "en_001", "en_150", "en_GB")
# GB18030, Windows' GBK and Big5 code pages (GBK, Big5), Big5-HKSCS (ibm-1375); UTF-8 and
# Latin-1 need no tables. windows-936/950 are deltas on the IBM tables named after them.
ICU_CONVERTERS_KEPT = (
    "gb18030.cnv",
    "windows-936-2000.cnv",
    "ibm-1386_P100-2001.cnv",
    "windows-950-2000.cnv",
    "ibm-1373_P100-2002.cnv",
    "ibm-1375_P100-2008.cnv",
)
_ICU_LOCALE_ITEM = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*\.res")


def icu_item_kept(item: str) -> bool:
    """Keep this item of ICU's data package (``coll/zh.res``, ``root.res``, ``gb18030.cnv``)?

    Items that are not per locale (root, pool, supplemental data, time zones, the
    normalisation and alias tables) all stay; ``icupkg`` refuses the result when a kept
    item needs a dropped one.
    """
    tree, _, leaf = item.rpartition("/")
    if tree in ICU_TREES_DROPPED:
        return False
    if leaf.endswith(".cnv"):
        return leaf in ICU_CONVERTERS_KEPT
    if _ICU_LOCALE_ITEM.fullmatch(leaf):
        locale = leaf.removesuffix(".res")
        return locale.split("_")[0] == "zh" or locale in ICU_LOCALES_KEPT
    return True


ICU_DATA_LIBRARY = "libicudata.so"  # the library's name up to its version: libicudata.so.73

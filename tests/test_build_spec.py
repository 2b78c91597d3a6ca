"""The office package's contents, checked without building it (the build takes a minute;
scripts/build_check does it and runs the result). build.spec takes all its lists from
packaging_manifest.py, so checking the manifest checks what the spec puts in and leaves out."""

from __future__ import annotations

import ast
import importlib.util
import lzma
import sys
from pathlib import Path
from types import ModuleType

import pytest

from desk import paths
from desk.reports import pdf_fonts

ROOT = Path(__file__).resolve().parent.parent


def _load_manifest() -> ModuleType:
    """packaging_manifest.py sits beside build.spec, outside the desk package."""
    name = "packaging_manifest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging_manifest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


manifest = _load_manifest()


def bundle_layout() -> dict[str, Path]:
    """Where each data file lands in the bundle (relative path → source file)."""
    return {f"{dest}/{Path(src).name}": Path(src) for src, dest in manifest.datas()}


def test_every_data_file_of_the_spec_exists():
    for src, dest in manifest.datas():
        assert Path(src).is_file(), src
        assert not Path(dest).is_absolute() and ".." not in Path(dest).parts, dest


def test_the_fonts_the_forms_use_go_in_with_their_licences():
    layout = bundle_layout()
    for filename, _face in pdf_fonts.FONT_FILES.values():
        assert f"resources/fonts/{filename}" in layout
    readme = (ROOT / "resources/fonts/README.md").read_text(encoding="utf-8")
    for licence in {name for name in manifest.FONT_LICENCES if name.endswith(".txt")}:
        assert f"`{licence}`" in readme  # README says which font it belongs to
        assert f"resources/fonts/{licence}" in layout
    assert "resources/fonts/README.md" in layout  # the 关于 dialog reads it


def test_the_icon_and_qt_translation_go_where_the_program_looks():
    layout = bundle_layout()
    assert "resources/icons/desk.png" in layout
    assert (ROOT / manifest.ICON_ICO).is_file()  # the Windows exe's icon
    qm = layout[f"{manifest.TRANSLATIONS_DEST}/qtbase_zh_CN.qm"]
    assert qm.is_file() and qm.stat().st_size > 10_000
    assert qm == manifest.pyside6_dir() / "Qt" / "translations" / "qtbase_zh_CN.qm"


def test_every_migration_goes_in_where_desk_paths_finds_it():
    layout = bundle_layout()
    folder = paths.migrations_dir().relative_to(paths.app_dir()).as_posix()
    assert folder == manifest.MIGRATIONS
    assert f"{folder}/env.py" in layout
    revisions = sorted(p.name for p in (paths.migrations_dir() / "versions").glob("*.py"))
    assert revisions, "no migrations found"
    for name in revisions:
        assert f"{folder}/versions/{name}" in layout


def test_from_source_resources_are_the_checkout():
    assert not paths.bundled()
    assert paths.app_dir() == ROOT
    assert paths.resource("fonts", "README.md") == ROOT / "resources/fonts/README.md"
    assert paths.migrations_dir() == ROOT / "desk/models/migrations"


def test_in_the_bundle_everything_is_below_meipass(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.bundled()
    assert paths.resource("fonts", "x.ttf") == tmp_path / "resources/fonts/x.ttf"
    assert paths.migrations_dir() == tmp_path / "desk/models/migrations"
    from desk.ui.app import qt_translations_dir

    assert qt_translations_dir() == str(tmp_path / "resources/translations")


def test_a_packed_font_is_read_like_the_file(monkeypatch, tmp_path):
    """The bundle ships the fonts xz-compressed; the forms must not notice."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    source = ROOT / "resources/fonts/DeskHanExtA.ttf"
    with lzma.open(fonts / "DeskHanExtA.ttf.xz", "wb", preset=0) as out:
        out.write(source.read_bytes())
    monkeypatch.setattr(pdf_fonts, "resource", lambda *parts: tmp_path.joinpath(*parts))
    packed = pdf_fonts._font_file("DeskHanExtA.ttf")
    assert not isinstance(packed, str) and packed.read() == source.read_bytes()
    assert manifest.FONT_PACKED_SUFFIX == pdf_fonts.PACKED_SUFFIX
    with pytest.raises(pdf_fonts.DeskError, match="请重新安装程序"):
        pdf_fonts._font_file("HanaMinB.ttf")


def test_packing_is_redone_only_when_the_font_changed(monkeypatch, tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "resources/fonts").mkdir(parents=True)
    font = checkout / "resources/fonts/a.ttf"
    font.write_bytes(b"glyphs" * 1000)
    monkeypatch.setattr(manifest, "ROOT", checkout)
    packed = manifest.pack_font("a.ttf", tmp_path / "build")
    assert lzma.decompress(packed.read_bytes()) == font.read_bytes()
    stamp = packed.stat().st_mtime_ns
    assert manifest.pack_font("a.ttf", tmp_path / "build").stat().st_mtime_ns == stamp


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_the_program_imports_is_excluded():
    excluded = {m for group in manifest.EXCLUDES for m in group.modules}
    for group in manifest.EXCLUDES:
        assert group.modules and group.why  # every exclusion says why it is safe
    for path in sorted((ROOT / "desk").rglob("*.py")):
        for name in _imports_of(path):
            hit = [m for m in excluded if name == m or name.startswith(m + ".")]
            assert not hit, f"{path.relative_to(ROOT)} imports {name}, which build.spec leaves out"


def test_the_qt_modules_the_program_needs_are_kept():
    excluded = {m for group in manifest.EXCLUDES for m in group.modules}
    for module in ("QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPdf", "QtPdfWidgets"):
        assert f"PySide6.{module}" not in excluded
    assert "PySide6.QtPrintSupport" not in excluded


def test_plugins_kept_are_the_ones_named():
    kept = manifest.plugin_kept
    assert kept("platforms", "libqxcb.so") and kept("platforms", "qwindows.dll")
    assert kept("platforms", "libqoffscreen.so")  # scripts/build_check starts the GUI with it
    assert not kept("platforms", "libqeglfs.so")
    assert kept("printsupport", "libcupsprintersupport.so")
    assert kept("platforminputcontexts", "libibusplatforminputcontextplugin.so")
    assert not kept("platforminputcontexts", "libqtvirtualkeyboardplugin.so")  # QML
    assert not kept("platformthemes", "libqgtk3.so")
    assert not kept("imageformats", "libqjpeg.so") and kept("imageformats", "qsvg.dll")
    assert not kept("multimedia", "libffmpegmediaplugin.so")  # a folder not named: dropped


def test_dropped_binaries_and_translations_are_recognised():
    assert manifest.qt_translation_entry("PySide6/Qt/translations/qtbase_de.qm")
    assert manifest.qt_translation_entry("PySide6\\Qt\\translations\\qt_help_zh_CN.qm")
    assert not manifest.qt_translation_entry("resources/translations/qtbase_zh_CN.qm")
    assert manifest.qt_translation_entry("PySide6\\translations\\qtbase_de.qm")  # Windows wheels
    assert manifest.dll_dropped("PySide6\\opengl32sw.dll")
    assert not manifest.dll_dropped("PySide6/Qt6Gui.dll")


def test_hidden_imports_and_package_data_exist():
    for module in manifest.HIDDEN_IMPORTS + manifest.HIDDEN_PACKAGES:
        assert importlib.util.find_spec(module) is not None, module
    for package, patterns in manifest.PACKAGE_DATA:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations
        folder = Path(next(iter(spec.submodule_search_locations)))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: {pattern}"


def test_the_spec_reads_its_lists_from_the_manifest():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    compile(spec, "build.spec", "exec")  # valid Python
    for name in (
        "manifest.datas(",
        "manifest.HIDDEN_IMPORTS",
        "manifest.HIDDEN_PACKAGES",
        "manifest.PACKAGE_DATA",
        "manifest.EXCLUDES",
        "manifest.plugin_kept",
        "manifest.LINUX_LIBS_BUNDLED",
        "manifest.qt_translation_entry",
        "manifest.dll_dropped",
        "manifest.ICON_ICO",
        "manifest.ICU_DATA_LIBRARY",
        "packaging_icu.slim_icudata",
    ):
        assert name in spec, name
    assert "console=False" in spec and "console=True" in spec


def test_icu_data_kept_is_what_qt_uses_in_chinese_and_english():
    kept = manifest.icu_item_kept
    for item in ("coll/zh.res", "coll/zh_Hans_CN.res", "coll/root.res", "coll/ucadata.icu",
                 "zone/zh.res", "zone/root.res", "zoneinfo64.res", "metaZones.res",
                 "root.res", "pool.res", "zh_Hant_TW.res", "en_US_POSIX.res",
                 "supplementalData.res", "cnvalias.icu", "gb18030.cnv", "nfkc.nrm"):  # fmt: skip
        assert kept(item), item
    for item in ("coll/de.res", "coll/de_.res", "zone/ar.res", "fr.res", "yue_Hans_CN.res",
                 "en_AU.res", "brkitr/cjdict.dict", "curr/zh.res", "lang/zh.res",
                 "ibm-37_P100-1995.cnv", "euc-tw-2014.cnv"):  # fmt: skip
        assert not kept(item), item
    for tree, why in manifest.ICU_TREES_DROPPED.items():
        assert tree and why


def _icu_data_libraries() -> list[Path]:
    return sorted((manifest.pyside6_dir() / "Qt" / "lib").glob(manifest.ICU_DATA_LIBRARY + ".*"))


def test_slimmed_icu_data_serves_qt(tmp_path):
    """The installed PySide6's ICU data, slimmed as build.spec does: a fraction of the size,
    and Qt still collates Chinese by pinyin, names time zones and decodes GB18030/Big5."""
    libraries = [path for path in _icu_data_libraries() if not path.is_symlink()]
    if not sys.platform.startswith("linux"):
        assert not libraries  # Windows wheels use the system's ICU: nothing to slim
        return
    packaging_icu = _load_packaging_icu()
    (library,) = libraries
    slim = packaging_icu.slim_icudata(library, tmp_path)
    assert slim.name == library.name
    assert slim.stat().st_size < library.stat().st_size / 4
    name, _offset, size = packaging_icu.data_symbol(slim)
    assert name.startswith("icudt") and size < slim.stat().st_size
    assert "collation" in packaging_icu.probe(slim)
    assert packaging_icu.slim_icudata(library, tmp_path).stat().st_mtime == slim.stat().st_mtime


def _load_packaging_icu() -> ModuleType:
    spec = importlib.util.spec_from_file_location("packaging_icu", ROOT / "packaging_icu.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_qt_translation_is_found_in_the_windows_wheels_layout_too(tmp_path, monkeypatch):
    """The Windows wheels keep translations in PySide6/translations, not Qt/translations."""
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / manifest.QT_TRANSLATION).write_bytes(b"qm")
    monkeypatch.setattr(manifest, "pyside6_dir", lambda: tmp_path)
    assert manifest.qt_translation() == tmp_path / "translations" / manifest.QT_TRANSLATION
    (tmp_path / "translations" / manifest.QT_TRANSLATION).unlink()
    with pytest.raises(FileNotFoundError, match=manifest.QT_TRANSLATION):
        manifest.qt_translation()

"""Import the office's resident list (业主信息一览表) from ``.xlsx``, ``.xls`` or ``.csv``.

Three steps, so the GUI can show a preview before anything is written:

1. ``read_table(path)`` reads the first sheet that has a header row into strings. The
   header is the first row within the first 10 whose cells name at least two known
   columns (房号/房间号/门牌号…, 姓名/业主姓名…, 电话/手机…), so title rows and merged
   cells above it are skipped. Merged cells below it are filled with their value (a
   楼栋 merged down over its flats belongs to every one of them).
2. ``guess_mapping(raw)`` maps fields (``room``, ``name``, ``phones`` … see ``FIELDS``)
   to column numbers; the caller may change it. ``plan_import(session, raw, mapping)``
   decides for every row: **新增** (add), **更新** (update, with old → new per field),
   **未变** (unchanged) or **拒绝** (reject, with the reason in Chinese and the row number
   of the source file) — without writing.
3. ``apply_import(ctx, plan)`` writes it in the caller's transaction: all or nothing.

Decisions:

- **Identity**: a resident is the same person when the flat (normalised room code) and
  the name are the same. That person is updated, anyone else is added; so importing the
  same file twice changes nothing, and an updated file updates instead of duplicating.
- **Blank cells keep what is stored**: an empty phone, role, date, area or notes cell
  never erases a value. A phone cell with numbers *replaces* the stored numbers
  (``phones_mode="replace"``, the default: the office's list is the truth) or is *merged*
  into them (``phones_mode="merge"``: numbers are only ever added).
- **Duplicate rows** (the same flat and name again in one file) are rejected with the
  row number of the first one (``duplicate_of``) — never merged silently, because two
  rows that disagree cannot both be right; the person at the desk decides.
- A resident who has **moved out** is not brought back by an import (rejected with the
  reason); blank rows and repeated header rows (a list printed page by page) are skipped
  and counted.
- ``apply_import`` plans again inside the write transaction and refuses if the result
  differs from the preview (someone saved residents in between): what was shown is
  exactly what is written.
"""

from __future__ import annotations

import csv
import io
import logging
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from desk.models import Resident, Unit
from desk.models.enums import ResidentRole
from desk.models.errors import DeskError, ValidationError
from desk.models.validation import clean_text, normalize_room, parse_phones, to_halfwidth
from desk.services.core import audit, permissions, settings
from desk.services.core.context import Ctx
from desk.services.records import residents

log = logging.getLogger("desk.import")

__all__ = [
    "FIELDS",
    "Action",
    "ImportChangedError",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "PlanRow",
    "RawRow",
    "RawTable",
    "apply_import",
    "check_export",
    "export_residents_xlsx",
    "export_title",
    "guess_mapping",
    "plan_import",
    "read_table",
    "save_rejects_xlsx",
]

HEADER_SCAN_ROWS = 10
MAX_ROWS = 100_000

# field → the Chinese name shown in the mapping editor
FIELDS: dict[str, str] = {
    "room": "房号",
    "building": "楼栋",
    "entrance": "单元",
    "name": "姓名",
    "phones": "电话",
    "phones2": "其他电话",
    "role": "身份",
    "area": "建筑面积",
    "moved_in": "入住日期",
    "notes": "备注",
}

# Header texts offices use, after normalising (half-width, no blanks, no "(㎡)" etc.).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "room": (
        "房号", "房间号", "门牌号", "房屋", "房屋编号", "房屋号", "房间", "室号", "户号",
        "房产", "房号地址", "地址", "住址", "房屋地址", "房屋坐落", "坐落", "楼栋房号",
        "房间编号", "单元房号", "房产编号", "资源编号",
    ),
    "building": ("楼栋", "楼号", "栋", "栋号", "楼栋号", "楼宇", "幢", "幢号", "楼座", "座号"),
    "entrance": ("单元", "单元号"),
    "name": (
        "姓名", "业主姓名", "住户姓名", "客户名称", "客户姓名", "业主名称", "住户名称",
        "业主", "户主", "住户", "户主姓名", "名字", "产权人", "业主/住户",
    ),
    "phones": (
        "电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "移动电话",
        "联系手机", "业主电话", "业主手机", "联系号码", "手机/电话", "电话/手机", "客户电话",
    ),
    "phones2": (
        "固定电话", "座机", "座机号码", "备用电话", "家庭电话", "办公电话", "其他电话",
        "其他联系方式", "宅电", "住宅电话",
    ),
    "role": (
        "身份", "类型", "关系", "住户类型", "客户类型", "人员类型", "与业主关系", "住户身份",
        "身份类型", "业主/租户", "客户身份",
    ),
    "area": (
        "面积", "建筑面积", "房屋面积", "产权面积", "计费面积", "收费面积", "套内面积",
        "使用面积",
    ),
    "moved_in": ("入住日期", "入住时间", "交房日期", "入伙日期", "收房日期", "入住"),
    "notes": ("备注", "说明", "备注说明"),
}  # fmt: skip
_ALIAS_FIELD = {alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
# Columns that contain a known word but mean something else (身份证号 is no 身份).
_NOT_OURS = (
    "身份证", "证件", "紧急联系", "车牌", "车位", "性别", "出生", "工作单位", "微信", "邮箱",
    "民族", "籍贯", "房屋类型", "户型", "物业类型", "房屋性质", "房屋状态", "装修", "通讯",
    "联系地址", "邮寄", "工作地址", "家庭地址", "序号", "小区", "项目",
)  # fmt: skip


class ImportFileError(DeskError):
    """The file cannot be read as a resident list (the message says why and what to do)."""


class ImportChangedError(DeskError):
    """The registry changed between the preview and the import."""


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    number: int  # row number in the source file (1-based, as Excel shows it)
    cells: tuple[str, ...]


@dataclass
class RawTable:
    path: Path
    sheet: str  # sheet name ("" for csv)
    header_row: int  # source row number of the header
    header: tuple[str, ...]
    rows: list[RawRow]  # every row below the header, blank ones included
    encoding: str = ""  # csv only

    @property
    def width(self) -> int:
        return len(self.header)


def _cell_text(value: Any) -> str:
    """A cell as text: ``13812345678.0`` → ``13812345678``; dates as ``2020-05-01``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _norm_header(text: str) -> str:
    t = to_halfwidth(text)
    t = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", t)  # "面积(㎡)", "电话（手机）"
    t = re.sub(r"[\s*:：#]", "", t)
    return t.rstrip("0123456789")  # "联系电话1", "联系电话2"


def header_field(text: str) -> str | None:
    """The field a header cell names, or None."""
    t = _norm_header(text)
    if not t or len(t) > 20:
        return None
    if t in _ALIAS_FIELD:
        return _ALIAS_FIELD[t]
    if any(word in t for word in _NOT_OURS):
        return None
    # "业主联系电话": the rightmost known word is the head noun in Chinese; longest on a tie.
    best: tuple[int, int, str] | None = None
    for alias, f in _ALIAS_FIELD.items():
        at = t.rfind(alias)
        if at >= 0:
            key = (at + len(alias), len(alias), f)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _is_header(cells: tuple[str, ...]) -> bool:
    found = {header_field(c) for c in cells if c}
    found.discard(None)
    return len(found) >= 2


def _fill_merged(grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (0-based, inclusive)."""
    for r0, c0, r1, c1 in merges:
        if r0 >= len(grid):
            continue
        top = grid[r0]
        value = top[c0] if c0 < len(top) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


def _table(path: Path, sheet: str, grid: list[list[str]], encoding: str = "") -> RawTable | None:
    """Find the header in ``grid`` (rows of text, row 0 = source row 1); None if there is none."""
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if _is_header(tuple(row)):
            width = max((len(r) for r in grid[i:]), default=0)
            header = tuple(row) + ("",) * (width - len(row))
            rows = [
                RawRow(i + 2 + k, tuple(r) + ("",) * (width - len(r)))
                for k, r in enumerate(grid[i + 1 :])
            ]
            while rows and not any(rows[-1].cells):
                rows.pop()
            return RawTable(path, sheet, i + 1, header, rows, encoding)
    return None


def _too_many(path: Path) -> ImportFileError:
    return ImportFileError(f"{path.name} 超过 {MAX_ROWS} 行，请分成几个文件导入。")


def _read_xlsx(path: Path, data: bytes) -> RawTable | None:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # "Workbook contains no default style" and similar notes about other programs' files
        warnings.simplefilter("ignore")
        # from bytes: openpyxl refuses a real .xlsx whose name ends in .xls
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    package = zipfile.ZipFile(io.BytesIO(data))
    try:
        parts = _xlsx_sheet_parts(package)
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            ws.reset_dimensions()  # some programs write a wrong <dimension>; read every cell
            grid: list[list[str]] = []
            for values in ws.iter_rows(values_only=True):
                grid.append([_cell_text(v) for v in values])
                if len(grid) > MAX_ROWS:
                    raise _too_many(path)
            part = parts.get(ws.title)
            _fill_merged(grid, _xlsx_merges(package, part) if part else [])
            table = _table(path, ws.title, grid)
            if table is not None:
                return table
    finally:
        wb.close()
        package.close()
    return None


# Merged cells, read from the file itself: openpyxl's read-only mode (the fast one: 0.25 s
# for 5,000 rows, 2.5× that for a normal load) does not expose them. An .xlsx is a zip;
# its relationships (``_rels/*.rels``) say where the workbook and each sheet are, and a
# sheet's ``<mergeCell ref="A1:I1"/>`` elements come after its cells (ECMA-376 orders a
# worksheet's children).


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # strict or transitional OOXML, any prefix


def _relationships(package: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, part name) of what ``part`` refers to inside the package ("" = the package)."""
    folder, name = posixpath.split(part)
    rels = ET.fromstring(package.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    found = []
    for rel in rels:
        target = rel.get("Target", "")
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        # relative to the referring part's folder, or absolute from the package's root
        where = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        found.append((rel.get("Id", ""), rel.get("Type", ""), posixpath.normpath(where)))
    return found


def _xlsx_sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the name of its XML inside the zip; {} (no merges) if that is not found."""
    try:
        workbook = next(
            where
            for _id, kind, where in _relationships(package, "")
            if kind.endswith("/officeDocument")
        )
        targets = {rid: where for rid, _kind, where in _relationships(package, workbook)}
        parts = {}
        for el in ET.fromstring(package.read(workbook)).iter():
            if _local(el.tag) == "sheet":
                # r:id, in whichever namespace the file's flavour of the format uses
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
                if rid in targets:
                    parts[el.get("name", "")] = targets[rid]
        return parts
    except (KeyError, StopIteration, ET.ParseError) as exc:  # openpyxl read it all the same
        log.warning("merged cells not read, the workbook's parts not found: %r", exc)
        return {}


_ROOT_TAG = re.compile(rb"<[A-Za-z_][^>]*>")  # the first element's start tag
_CELLS_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")


def _xlsx_merges(package: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet (0-based, inclusive)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        refs = _merge_refs(package.read(part))
    except KeyError:  # a sheet part the package lacks: openpyxl would have said so
        return []
    merges = []
    for ref in refs:
        c0, r0, c1, r1 = range_boundaries(ref)
        merges.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return merges


def _merge_refs(xml: bytes) -> list[str]:
    """The ``ref`` of every ``<mergeCell>`` of a sheet's XML.

    Only what follows the cells is parsed, behind the root's start tag (for its namespace
    declarations): ~1 ms, where parsing 5,000 rows takes ~100 ms. ``</sheetData>`` cannot
    occur inside the cells (text and attributes always escape ``<``); anything unexpected
    makes the fragment malformed, and the whole sheet is read instead.
    """
    root = _ROOT_TAG.search(xml)
    last = xml.rfind(b"sheetData")
    cells_end = _CELLS_END.match(xml, xml.rfind(b"<", 0, last)) if root and last > 0 else None
    if root is not None and cells_end is not None:
        try:
            tail = ET.fromstring(xml[: root.end()] + xml[cells_end.end() :])
            return [el.get("ref", "") for el in tail.iter() if _local(el.tag) == "mergeCell"]
        except ET.ParseError:
            pass
    refs = []
    for _event, elem in ET.iterparse(io.BytesIO(xml)):
        tag = _local(elem.tag)
        if tag == "mergeCell":
            refs.append(elem.get("ref", ""))
        elif tag == "row":
            elem.clear()
    return refs


def _read_xls(path: Path) -> RawTable | None:
    import xlrd

    book = xlrd.open_workbook(
        str(path), formatting_info=True, on_demand=True, logfile=io.StringIO()
    )
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            if sh.visibility:
                continue
            if sh.nrows > MAX_ROWS:
                raise _too_many(path)
            grid = []
            for r in range(sh.nrows):
                row = []
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value: Any = xlrd.xldate_as_datetime(cell.value, book.datemode)
                        except (ValueError, OverflowError):
                            value = cell.value
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = None
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(cell.value)
                    else:
                        value = cell.value
                    row.append(_cell_text(value))
                grid.append(row)
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
            _fill_merged(grid, merges)
            table = _table(path, sh.name, grid)
            if table is not None:
                return table
    finally:
        book.release_resources()
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """Text of a csv file: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "无法识别文件的文字编码（应为 UTF-8 或 GBK）。请用 Excel 打开后另存为 .xlsx 再导入。"
    )


def _read_csv(path: Path, data: bytes) -> RawTable | None:
    text, encoding = _decode(data)
    sample = "\n".join(text.splitlines()[: HEADER_SCAN_ROWS + 5])
    delimiter = max((",", "\t", ";", "|"), key=sample.count)
    grid = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        grid.append([c.strip() for c in row])
        if len(grid) > MAX_ROWS:
            raise _too_many(path)
    return _table(path, "", grid, encoding)


def read_table(path: Path | str) -> RawTable:
    """Read a resident list; raises ImportFileError (with what to do) when it cannot."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ImportFileError(f"无法打开文件 {path}：{exc.strerror or exc}") from exc
    if not data.strip():
        raise ImportFileError(f"{path.name} 是空文件。")
    suffix = path.suffix.lower()
    # Decide by content, not by name: offices rename .xlsx to .xls and back.
    try:
        if data.startswith(b"PK\x03\x04"):
            table = _read_xlsx(path, data)
        elif data.startswith(b"\xd0\xcf\x11\xe0"):
            table = _read_xls(path)
        elif data.lstrip()[:1] == b"<":
            raise ImportFileError(
                f"{path.name} 不是真正的 Excel 文件（可能是网页系统导出的）。"
                "请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入。"
            )
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            raise ImportFileError(f"{path.name} 不是 Excel 文件或已损坏，请用 Excel 打开检查。")
        else:
            table = _read_csv(path, data)
    except DeskError:
        raise
    except Exception as exc:
        log.warning("cannot read %s: %r", path, exc, exc_info=True)
        raise ImportFileError(
            f"无法读取 {path.name}（文件可能已损坏、加密或正被其他程序占用）：{exc}"
        ) from exc
    if table is None:
        raise ImportFileError(
            f"{path.name} 的前 {HEADER_SCAN_ROWS} 行里找不到表头。表头应含有“房号”“姓名”“电话”"
            "等列名中的至少两个。"
        )
    return table


def guess_mapping(raw: RawTable) -> dict[str, int]:
    """``{field: column index}`` from the header names; the first column of a field wins
    (a second phone column becomes ``phones2``)."""
    mapping: dict[str, int] = {}
    for col, text in enumerate(raw.header):
        f = header_field(text)
        if f is None:
            continue
        if f == "phones" and "phones" in mapping:
            f = "phones2"
        if f not in mapping:
            mapping[f] = col
    return mapping


# ---------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------


class Action(StrEnum):
    ADD = "新增"
    UPDATE = "更新"
    UNCHANGED = "未变"
    REJECT = "拒绝"


@dataclass
class PlanRow:
    row: int  # source row number
    action: Action
    reason: str = ""  # why rejected
    name: str = ""
    room: str = ""  # unit code
    role: ResidentRole | None = None
    phones: tuple[str, ...] = ()  # full numbers, as they will be stored
    moved_in: date | None = None
    notes: str = ""
    area: float | None = None
    resident_id: int | None = None  # for updates and unchanged rows
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # 字段 → (旧, 新)
    duplicate_of: int | None = None
    cells: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    raw: RawTable
    mapping: dict[str, int]
    rows: list[PlanRow]
    skipped: int = 0  # blank rows and repeated header rows
    phones_mode: str = "replace"

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def rejects(self) -> list[PlanRow]:
        return [r for r in self.rows if r.action == Action.REJECT]

    def summary(self) -> str:
        return (
            f"新增 {self.count(Action.ADD)}，更新 {self.count(Action.UPDATE)}，"
            f"未变 {self.count(Action.UNCHANGED)}，拒绝 {self.count(Action.REJECT)}"
        )

    def signature(self) -> list[tuple[Any, ...]]:
        return [
            (r.row, r.action, r.reason, r.resident_id, tuple(sorted(r.changes.items())))
            for r in self.rows
        ]


def check_mapping(raw: RawTable, mapping: dict[str, int]) -> None:
    """Raise ValidationError when the mapping cannot work (the UI shows it at the editor)."""
    for f, col in mapping.items():
        if f not in FIELDS:
            raise ValidationError("mapping", "列对应", f"未知的字段 {f}")
        if not 0 <= col < raw.width:
            raise ValidationError("mapping", "列对应", f"{FIELDS[f]} 对应的列不存在")
    cols = list(mapping.values())
    if len(cols) != len(set(cols)):
        raise ValidationError("mapping", "列对应", "同一列不能对应两个字段")
    if "name" not in mapping:
        raise ValidationError("mapping", "列对应", "请指定“姓名”在哪一列")
    if "room" not in mapping:
        raise ValidationError("mapping", "列对应", "请指定“房号”在哪一列")


_SEVERAL_PEOPLE = re.compile(r"[、,，;；/／]|\s和\s")
_NAME_NOTE = re.compile(r"^(?P<name>.+?)\s*[(（](?P<note>[^()（）]{1,6})[)）]$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")


@dataclass
class _Values:
    name: str
    code: str
    role: ResidentRole | None
    phones: list[str] | None  # None: the cells were blank
    moved_in: date | None
    notes: str
    area: float | None


def _room_code(get: Any) -> str:
    room, building, entrance = get("room"), get("building"), get("entrance")
    if building:
        parts = [building, *([entrance] if entrance else []), *([room] if room else [])]
        combined = "-".join(p.strip().rstrip("-") for p in parts)
        try:
            return normalize_room(combined).code
        except ValidationError as first:
            if room:
                try:
                    return normalize_room(room).code
                except ValidationError:
                    pass
            raise first from None
    return normalize_room(room).code


def _row_values(cells: tuple[str, ...], mapping: dict[str, int]) -> _Values:
    def get(f: str) -> str:
        col = mapping.get(f)
        return cells[col].strip() if col is not None and col < len(cells) else ""

    name = clean_text(get("name"), field="name", label="姓名", max_len=60, required=True)
    role_text = get("role")
    if m := _NAME_NOTE.match(name):  # "张三（租户）"
        try:
            role_in_name = residents.parse_role(m["note"])
        except ValidationError:
            pass
        else:
            name = m["name"]
            role_text = role_text or role_in_name.value
    if _SEVERAL_PEOPLE.search(name):
        raise ValidationError(
            "name", "姓名", f"「{name[:20]}」像是几个人，一行只能写一位住户，请分成几行"
        )
    name = " ".join(name.split())
    if len(name) > 40:
        raise ValidationError("name", "姓名", f"不能超过40个字（现在{len(name)}个字）")
    code = _room_code(get)

    phones: list[str] | None = None
    for f, label in (("phones", "电话"), ("phones2", "其他电话")):
        text = get(f)
        if not text:
            continue
        if _SCIENTIFIC.match(to_halfwidth(text)):
            raise ValidationError(
                f,
                label,
                f"「{text}」被 Excel 显示成了科学计数法，号码已经丢失；"
                "请把这一列设为“文本”格式、重新填写号码后再导入",
            )
        found = parse_phones(text, field=f, label=label)
        phones = (phones or []) + [p for p in found if p not in (phones or [])]
    if phones is not None:
        residents.join_phones(phones)  # length check

    return _Values(
        name=name,
        code=code,
        role=residents.parse_role(role_text) if role_text else None,
        phones=phones,
        moved_in=residents.parse_day(get("moved_in") or None, field="moved_in", label="入住日期"),
        notes=clean_text(get("notes"), field="notes", label="备注", max_len=500),
        area=residents.parse_area(get("area") or None),
    )


def _is_repeated_header(cells: tuple[str, ...], header: tuple[str, ...]) -> bool:
    same = sum(1 for c, h in zip(cells, header, strict=False) if c and c == h)
    return same >= 2


def _load_registry(
    session: Session,
) -> tuple[dict[str, tuple[int, float | None]], dict[tuple[str, str], list[dict[str, Any]]]]:
    conn = session.connection()
    units = {
        code: (uid, area)
        for uid, code, area in conn.exec_driver_sql("SELECT id, code, area_m2 FROM unit").all()
    }
    people: dict[tuple[str, str], list[dict[str, Any]]] = {}
    sql = (
        "SELECT r.id, u.code, r.name, r.role, r.phones, r.moved_in, r.moved_out, r.notes"
        " FROM resident r JOIN unit u ON u.id = r.unit_id ORDER BY r.moved_out IS NOT NULL, r.id"
    )
    for rid, code, name, role, phones, moved_in, moved_out, notes in conn.exec_driver_sql(sql):
        people.setdefault((code, name), []).append(
            {
                "id": rid,
                "role": ResidentRole(role),
                "phones": [p for p in (phones or "").split(",") if p],
                "moved_in": date.fromisoformat(moved_in) if moved_in else None,
                "moved_out": moved_out,
                "notes": notes or "",
            }
        )
    return units, people


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def plan_import(
    session: Session, raw: RawTable, mapping: dict[str, int], *, phones_mode: str = "replace"
) -> ImportPlan:
    """What importing ``raw`` with ``mapping`` would do, row by row; writes nothing."""
    if phones_mode not in ("replace", "merge"):
        raise ValidationError("phones_mode", "电话导入方式", "应为 replace（替换）或 merge（合并）")
    check_mapping(raw, mapping)
    units, people = _load_registry(session)
    plan = ImportPlan(raw, dict(mapping), [], phones_mode=phones_mode)
    first_row: dict[tuple[str, str], int] = {}
    unit_area: dict[str, tuple[float, int]] = {}  # area the file gives a unit, and where first

    for raw_row in raw.rows:
        cells = raw_row.cells
        if not any(cells) or _is_repeated_header(cells, raw.header):
            plan.skipped += 1
            continue

        def reject(reason: str, dup: int | None = None, row: RawRow = raw_row) -> None:
            plan.rows.append(
                PlanRow(row.number, Action.REJECT, reason, cells=row.cells, duplicate_of=dup)
            )

        try:
            v = _row_values(cells, mapping)
        except ValidationError as exc:
            reject(str(exc))
            continue
        key = (v.code, v.name)
        if key in first_row:
            reject(f"与第{first_row[key]}行重复（同一房号、同一姓名），本行未导入", first_row[key])
            continue
        first_row[key] = raw_row.number

        matches = people.get(key)
        current = matches[0] if matches else None  # the current resident before moved-out ones
        if current is not None and current["moved_out"]:
            reject(
                f"{v.code} 的 {v.name} 已于 {current['moved_out']} 迁出，导入不会恢复；"
                "如确已重新入住，请在住户页面新增"
            )
            continue

        changes: dict[str, tuple[str, str]] = {}
        if v.area is not None:
            if v.code in unit_area and unit_area[v.code][0] != v.area:
                other, area = unit_area[v.code][1], unit_area[v.code][0]
                reject(f"建筑面积与第{other}行（同一房号）不一致：{_show(v.area)} ≠ {_show(area)}")
                continue
            if v.code not in unit_area:
                unit_area[v.code] = (v.area, raw_row.number)
                if v.code in units and units[v.code][1] != v.area:
                    changes["建筑面积"] = (_show(units[v.code][1]), _show(v.area))

        row = PlanRow(
            raw_row.number,
            Action.ADD,
            name=v.name,
            room=v.code,
            role=v.role,
            phones=tuple(v.phones or ()),
            moved_in=v.moved_in,
            notes=v.notes,
            area=v.area,
            cells=cells,
        )
        if current is None:
            row.role = v.role or ResidentRole.OWNER
            row.changes = changes
            plan.rows.append(row)
            continue
        row.resident_id = current["id"]
        new_role = v.role or current["role"]
        if new_role != current["role"]:
            changes["身份"] = (current["role"].value, new_role.value)
        new_phones = current["phones"]
        if v.phones is not None:
            if phones_mode == "merge":
                new_phones = current["phones"] + [p for p in v.phones if p not in current["phones"]]
            else:
                new_phones = v.phones
        try:
            residents.join_phones(new_phones)
        except ValidationError as exc:
            reject(f"{exc}（合并后）")
            continue
        if new_phones != current["phones"]:
            changes["电话"] = (_show(current["phones"]), _show(new_phones))
        new_moved_in = v.moved_in or current["moved_in"]
        if new_moved_in != current["moved_in"]:
            changes["入住日期"] = (_show(current["moved_in"]), _show(new_moved_in))
        new_notes = v.notes or current["notes"]
        if new_notes != current["notes"]:
            changes["备注"] = (current["notes"], new_notes)
        row.role, row.phones, row.moved_in, row.notes = (
            new_role,
            tuple(new_phones),
            new_moved_in,
            new_notes,
        )
        row.changes = changes
        row.action = Action.UPDATE if changes else Action.UNCHANGED
        plan.rows.append(row)
    return plan


# ---------------------------------------------------------------------------
# Applying
# ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    units_created: int = 0
    resident_ids: list[int] = field(default_factory=list)  # added and updated

    def summary(self) -> str:
        return (
            f"新增 {self.added}，更新 {self.updated}，未变 {self.unchanged}，拒绝 {self.rejected}"
        )


@dataclass
class _Apply:
    units: dict[str, Unit]
    people: dict[int, Resident]
    added: list[tuple[Resident, str]] = field(default_factory=list)


def _apply_row(ctx: Ctx, row: PlanRow, state: _Apply) -> Resident:
    """Write one planned add or update (no flush; ids come with the one flush at the end)."""
    unit = state.units[row.room]
    if row.area is not None and unit.id is not None and unit.area_m2 != row.area:
        audit.change(ctx, unit, {"area_m2": row.area})
    values = {
        "role": row.role,
        "phones": residents.join_phones(list(row.phones)),
        "moved_in": row.moved_in,
        "notes": row.notes,
    }
    if row.action == Action.ADD:
        pinyin, initials = residents.name_keys(row.name)
        resident = residents.new_resident(
            ctx,
            unit,
            {"name": row.name, "name_pinyin": pinyin, "name_initials": initials, **values},
        )
        state.added.append((resident, row.room))
        return resident
    resident = state.people[row.resident_id]  # type: ignore[index]
    audit.change(ctx, resident, values)
    return resident


def apply_import(ctx: Ctx, plan: ImportPlan) -> ImportResult:
    """Write the plan in the caller's transaction (all rows or none).

    Plans again on the transaction's own snapshot first and raises ImportChangedError if
    that differs from ``plan`` — the registry changed after the preview was shown.
    """
    fresh = plan_import(ctx.session, plan.raw, plan.mapping, phones_mode=plan.phones_mode)
    if fresh.signature() != plan.signature():
        raise ImportChangedError(
            "住户资料在预览之后有了变动（可能另一台电脑刚保存过住户），"
            "为免覆盖，这次没有导入任何内容。请重新预览后再导入。"
        )
    result = ImportResult(
        unchanged=fresh.count(Action.UNCHANGED),
        rejected=fresh.count(Action.REJECT),
        skipped=fresh.skipped,
    )
    todo = [r for r in fresh.rows if r.action in (Action.ADD, Action.UPDATE)]
    if not todo:
        return result

    session = ctx.session
    codes = sorted({r.room for r in todo})
    units: dict[str, Unit] = {}
    for chunk in _chunks(codes):
        for unit in session.exec(select(Unit).where(Unit.code.in_(chunk))):  # type: ignore[attr-defined]
            units[unit.code] = unit
    new_units = []
    for row in todo:
        if row.room not in units:
            ref = normalize_room(row.room)
            unit = residents.new_unit(ref, ctx.now, row.area)
            session.add(unit)
            units[row.room] = unit
            new_units.append(unit)
    session.flush()
    for unit in new_units:
        audit.created(ctx, unit, summary=unit.code)

    ids = [r.resident_id for r in todo if r.resident_id is not None]
    people: dict[int, Resident] = {}
    for chunk in _chunks(ids):
        for person in session.exec(select(Resident).where(Resident.id.in_(chunk))):  # type: ignore[union-attr]
            people[person.id] = person  # type: ignore[index]
    state = _Apply(units, people)
    touched = []
    for row in todo:
        touched.append(_apply_row(ctx, row, state))
    session.flush()
    for resident, code in state.added:
        audit.created(ctx, resident, summary=f"{code} {resident.name}（导入）")
    session.flush()

    result.added = len(state.added)
    result.updated = len(todo) - result.added
    result.units_created = len(new_units)
    result.resident_ids = [p.id for p in touched if p.id is not None]
    log.info("import %s: %s", plan.raw.path.name, result.summary())
    return result


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------------------
# Files out
# ---------------------------------------------------------------------------


def save_rejects_xlsx(plan: ImportPlan, path: Path | str) -> int:
    """The rejected rows with their reasons and source row numbers; returns how many."""
    from desk.reports.residents_xlsx import write_rejects

    rows = [(r.row, r.reason, r.cells) for r in plan.rejects]
    return write_rejects(path, plan.raw.header, rows, source=plan.raw.path.name)


RESIDENT_LIST = "业主信息一览表"


def check_export(session: Session, staff_id: int | None) -> None:
    """PermissionDenied unless ``staff_id`` may export the resident list — masked or not,
    it names every household: the role table's ``export_personal`` (a 主管 or 经理)."""
    permissions.require(Ctx(session, staff_id), "export_personal")


def export_title(full_phones: bool) -> str:
    """The export in the audit's words (``audit.exported``'s ``what``)."""
    return f"{RESIDENT_LIST}（{'完整电话' if full_phones else '电话已隐藏'}）"


def export_residents_xlsx(
    session: Session,
    path: Path | str,
    *,
    staff_id: int | None,
    full_phones: bool = False,
    include_moved_out: bool = False,
    now: datetime | None = None,
) -> int:
    """业主信息一览表 (QR-036SD): phones masked unless ``full_phones``; returns the count.

    Asked for by ``staff_id``, who must be allowed (``check_export``; PermissionDenied
    before anything is written). It reads ``session`` only, so it may run on a read
    snapshot and keep no save waiting; the caller records it afterwards in a write
    transaction: ``audit.exported(ctx, export_title(full_phones), count, path)``.

    The columns are names ``read_table`` knows, so an export with full phones imports back
    unchanged.
    """
    from desk.models.validation import mask_phone

    check_export(session, staff_id)
    from desk.reports.residents_xlsx import write_resident_list

    rows = []
    for d in residents.raw_rows(session, include_moved_out=include_moved_out):
        phones = d["phones"] if full_phones else [mask_phone(p) for p in d["phones"]]
        rows.append({**d, "role": d["role"].value, "phones": "、".join(phones)})
    office = settings.get(session, "office.name") or ""
    return write_resident_list(
        path,
        rows,
        office=office,
        exported_at=now,
        phones_masked=not full_phones,
        include_moved_out=include_moved_out,
    )

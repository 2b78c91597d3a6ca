"""Importing the office's messy resident lists: preview, all-or-nothing apply, idempotence.

The sample files are made by tests/data/residents/make_samples.py (committed); the row
numbers below are the rows Excel shows.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from helpers.office import NOW
from sqlmodel import func, select

from desk import cli
from desk.models import AuditEvent, Resident, Unit
from desk.models.enums import ResidentRole, StaffRole
from desk.models.errors import PermissionDenied, ValidationError
from desk.services.io import resident_import
from desk.services.io.resident_import import Action, ImportChangedError, ImportFileError
from desk.services.records import residents, staff
from desk.services.records.residents import ResidentDraft

DATA = Path(__file__).resolve().parents[2] / "data" / "residents"


def plan_of(read, name: str | Path, **kw) -> resident_import.ImportPlan:
    raw = resident_import.read_table(DATA / name if isinstance(name, str) else name)
    with read() as ctx:
        return resident_import.plan_import(
            ctx.session, raw, resident_import.guess_mapping(raw), **kw
        )


def do_import(write, read, name: str | Path, **kw) -> resident_import.ImportResult:
    plan = plan_of(read, name, **kw)
    with write() as ctx:
        return resident_import.apply_import(ctx, plan)


def count(read, model) -> int:
    with read() as ctx:
        return ctx.session.exec(select(func.count()).select_from(model)).one()


def by_row(plan: resident_import.ImportPlan) -> dict[int, resident_import.PlanRow]:
    return {r.row: r for r in plan.rows}


def stored(read) -> dict[tuple[str, str], dict]:
    with read() as ctx:
        rows = residents.raw_rows(ctx.session, include_moved_out=True)
    return {(r["room"], r["name"]): r for r in rows}


# --- reading and the header ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sheet", "header_row", "mapping"),
    [
        (
            "title_merged.xlsx",
            "业主信息",
            3,
            {"room": 1, "name": 2, "role": 3, "phones": 4, "area": 5, "moved_in": 6, "notes": 7},
        ),
        (
            "separate_columns.xlsx",
            "住户名册",  # the notes sheet before it has no header
            3,
            {
                "building": 0, "entrance": 1, "room": 2, "name": 3, "phones": 4, "phones2": 5,
                "role": 6, "area": 7, "notes": 8,
            },
        ),
        (
            "utf8_bom.csv",
            "",
            1,
            {"room": 0, "name": 1, "phones": 2, "role": 3, "area": 4, "moved_in": 5, "notes": 6},
        ),
        ("gbk.csv", "", 2, {"room": 0, "name": 1, "phones": 2, "role": 3, "notes": 4}),
        (
            "old_format.xls",
            "Sheet1",
            2,
            {"room": 0, "name": 1, "phones": 2, "role": 3, "moved_in": 4, "area": 5},
        ),
    ],
)  # fmt: skip
def test_header_is_found_below_titles_and_mapped(name, sheet, header_row, mapping) -> None:
    raw = resident_import.read_table(DATA / name)
    assert (raw.sheet, raw.header_row) == (sheet, header_row)
    assert resident_import.guess_mapping(raw) == mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("房号", "room"), ("房间号", "room"), ("门牌号", "room"), ("房屋", "room"),
        ("楼栋", "building"), ("楼号", "building"), ("栋", "building"), ("单元", "entrance"),
        ("姓名", "name"), ("业主姓名", "name"), ("住户姓名", "name"), ("客户名称", "name"),
        ("电话", "phones"), ("联系电话", "phones"), ("手机", "phones"), ("手机号码", "phones"),
        ("联系电话2", "phones"), ("业主联系电话", "phones"), ("电话（手机）", "phones"),
        ("固定电话", "phones2"), ("身份", "role"), ("类型", "role"), ("关系", "role"),
        ("与业主关系", "role"), ("面积", "area"), ("建筑面积(㎡)", "area"),
        ("建筑面积（平方米）", "area"),
        ("入住日期", "moved_in"), ("备注", "notes"), ("* 姓名", "name"), ("姓 名", "name"),
        # words that contain a known one but mean something else
        ("身份证号", None), ("证件号码", None), ("紧急联系人电话", None), ("房屋类型", None),
        ("车位号", None), ("序号", None), ("小区名称", None), ("", None),
    ],
)  # fmt: skip
def test_header_names(header: str, field: str | None) -> None:
    assert resident_import.header_field(header) == field


def test_the_mapping_can_be_changed_by_the_caller(read) -> None:
    raw = resident_import.read_table(DATA / "gbk.csv")
    mapping = resident_import.guess_mapping(raw)
    del mapping["role"]  # ignore the 身份 column: everyone becomes 业主
    with read() as ctx:
        plan = resident_import.plan_import(ctx.session, raw, mapping)
    assert {r.role for r in plan.rows} == {ResidentRole.OWNER}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"room": 0}, "姓名"),
        ({"name": 1}, "房号"),
        ({"room": 0, "name": 0}, "同一列"),
        ({"room": 0, "name": 9}, "不存在"),
        ({"room": 0, "name": 1, "age": 2}, "未知"),
    ],
)
def test_a_mapping_that_cannot_work_is_refused(read, mapping, message) -> None:
    raw = resident_import.read_table(DATA / "gbk.csv")
    with pytest.raises(ValidationError, match=message), read() as ctx:
        resident_import.plan_import(ctx.session, raw, mapping)


# --- every quirk of title_merged.xlsx ------------------------------------------------------


def test_preview_of_the_messy_list_writes_nothing(read) -> None:
    plan = plan_of(read, "title_merged.xlsx")
    rows = by_row(plan)
    assert plan.summary() == "新增 6，更新 0，未变 0，拒绝 7"
    assert plan.skipped == 2  # row 7 blank, row 17 the header again
    assert 7 not in rows and 17 not in rows
    assert count(read, Resident) == 0 and count(read, Unit) == 0

    zhang = rows[4]
    assert (zhang.action, zhang.room, zhang.name, zhang.role) == (
        Action.ADD, "3-2-1201", "张三", ResidentRole.OWNER,
    )  # fmt: skip
    assert zhang.phones == ("13812345678", "13987654321")  # two numbers split at "/"
    assert (str(zhang.moved_in), zhang.area) == ("2020-05-01", 89.5)  # an Excel date cell
    li = rows[5]  # 3栋2单元1201室 is the same flat; spaces inside the number
    assert (li.room, li.phones, str(li.moved_in), li.role) == (
        "3-2-1201", ("13812345679",), "2020-05-01", ResidentRole.FAMILY,
    )  # fmt: skip
    wang = rows[6]  # full-width room and phone, 租客, "96.0㎡", 2021年3月15日
    assert (wang.room, wang.phones, wang.role, wang.area, str(wang.moved_in)) == (
        "3-2-1202", ("13912345678",), ResidentRole.TENANT, 96.0, "2021-03-15",
    )  # fmt: skip
    zhao = rows[8]  # no role → 业主; landline with a space and a mobile after 、
    assert (zhao.role, zhao.phones, zhao.notes) == (
        ResidentRole.OWNER, ("021-87654321", "13600001111"), "=1+1 不是公式",
    )  # fmt: skip
    assert rows[12].phones == ("13800002222",)  # 138-0000-2222
    chen = rows[15]  # 陈十三（租户）: the role written after the name
    assert (chen.name, chen.role) == ("陈十三", ResidentRole.TENANT)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (9, "电话：「12345」有误"),
        (10, "房号：不能为空"),
        (11, "与第4行重复"),
        (13, "像是几个人"),
        (14, "身份：无法识别「保姆」"),
        (16, "科学计数法"),
        (18, "面积：「约九十」不是数字"),
    ],
)
def test_rejected_rows_say_why_with_their_row_number(read, row, reason) -> None:
    rejected = by_row(plan_of(read, "title_merged.xlsx"))[row]
    assert rejected.action == Action.REJECT
    assert reason in rejected.reason
    assert rejected.cells  # the row as read, for the rejects report


def test_a_duplicate_row_points_at_the_first(read) -> None:
    rows = by_row(plan_of(read, "title_merged.xlsx"))
    assert rows[11].duplicate_of == 4


def test_merged_building_cells_belong_to_every_flat(read) -> None:
    plan = plan_of(read, "separate_columns.xlsx")
    assert plan.summary() == "新增 5，更新 0，未变 0，拒绝 0"
    got = [(r.room, r.name, r.role.value, r.phones) for r in plan.rows]
    assert got == [
        ("7-1-101", "蒋一", "业主", ("13500000001", "0571-88886666")),  # two phone columns
        ("7-1-102", "沈二", "租户", ("13500000002",)),
        ("7-2-201", "韩三", "业主", ("13500000003",)),
        ("7-2-202", "杨四", "家属", ("13500000004",)),
        ("8-1-1201", "朱五", "业主", ("13500000005",)),  # 8号楼 1单元 1201; +86 135 …
    ]


def _merged_list(path: Path, form: str) -> Path:
    """A list with merged title rows, a merged header cell (联系电话 over the mobile and the
    landline column) and a merged 备注, saved as ``form`` says other programs write it."""
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "业主信息"
    ws.append(["阳光小区业主信息一览表"])
    ws.append(["制表：物业服务中心　2026年11月"])
    ws.append(["房号", "姓名", "联系电话", None, "备注"])
    ws.append(["9-1-101", "赵一", "13500000001", "0571-88880001", "一楼两户"])
    ws.append(["9-1-102", "钱二", "13500000002", "0571-88880002", None])
    ws.append(["9-1-201", "孙三", "13500000003", None, None])
    for ref in ("A1:E1", "A2:E2", "C3:D3", "E4:E5"):
        ws.merge_cells(ref)
    if form == "text after the cells":  # the page header names sheetData, after the merges
        ws.oddHeader.center.text = "sheetData 打印"
    wb.save(path)
    if form in ("excel", "prefixed"):
        with zipfile.ZipFile(path) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        rels = "xl/_rels/workbook.xml.rels"
        # Excel's own targets are relative to the workbook's folder
        parts[rels] = parts[rels].replace(b'Target="/xl/', b'Target="')
        if form == "prefixed":  # as the .NET Open XML SDK writes: every tag with a prefix
            sheet = parts["xl/worksheets/sheet1.xml"]
            sheet = re.sub(rb"<(/?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", sheet)
            parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'xmlns="', b'xmlns:x="', 1)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


@pytest.mark.parametrize("form", ["openpyxl", "excel", "prefixed", "text after the cells"])
def test_merged_title_and_header_cells(tmp_path: Path, read, form) -> None:
    raw = resident_import.read_table(_merged_list(tmp_path / "merged.xlsx", form))
    assert (raw.sheet, raw.header_row) == ("业主信息", 3)  # below the merged titles
    mapping = resident_import.guess_mapping(raw)
    # the merged 联系电话 heads both of its columns: the second is the other phone
    assert mapping == {"room": 0, "name": 1, "phones": 2, "phones2": 3, "notes": 4}
    with read() as ctx:
        plan = resident_import.plan_import(ctx.session, raw, mapping)
    assert [(r.room, r.phones, r.notes) for r in plan.rows] == [
        ("9-1-101", ("13500000001", "0571-88880001"), "一楼两户"),
        ("9-1-102", ("13500000002", "0571-88880002"), "一楼两户"),  # merged down
        ("9-1-201", ("13500000003",), ""),
    ]


def test_csv_in_utf8_with_bom(read) -> None:
    raw = resident_import.read_table(DATA / "utf8_bom.csv")
    assert raw.encoding == "utf-8" and raw.header[0] == "房间号"  # no BOM left on the header
    plan = plan_of(read, "utf8_bom.csv")
    rows = by_row(plan)
    assert plan.skipped == 2
    assert (rows[2].room, rows[2].area, str(rows[2].moved_in)) == ("9-1-101", 88.8, "2019-01-01")
    assert (rows[3].room, rows[3].phones) == ("9-1-102", ("13900009002", "13800009003"))
    assert rows[6].action == Action.REJECT and "2019-13-01" in rows[6].reason


def test_csv_in_gbk(read) -> None:
    raw = resident_import.read_table(DATA / "gbk.csv")
    assert raw.encoding == "gbk"
    plan = plan_of(read, "gbk.csv")
    assert [(r.name, r.role.value, r.phones, r.notes) for r in plan.rows] == [
        ("何一", "业主", ("13700001001",), ""),
        ("吕二", "家属", ("13700001002",), ""),
        ("施三", "租户", (), "暂无电话"),
    ]


def test_old_xls(read) -> None:
    rows = by_row(plan_of(read, "old_format.xls"))
    zhang = rows[3]  # a phone stored as a number, a date cell, a merged title above
    assert (zhang.room, zhang.phones, str(zhang.moved_in), zhang.area) == (
        "11-1-101", ("13800011001",), "2018-08-08", 95.5,
    )  # fmt: skip
    assert rows[4].role == ResidentRole.TENANT
    assert rows[5].action == Action.REJECT and "缺少楼栋" in rows[5].reason


def test_a_renamed_file_is_read_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "名单.xls"  # really an .xlsx
    shutil.copyfile(DATA / "separate_columns.xlsx", renamed)
    assert resident_import.read_table(renamed).sheet == "住户名册"


# --- files that cannot be read -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", None, "无法打开"),
        ("empty.csv", b"", "空文件"),
        ("web.xls", "<html><table><tr><td>房号</td></tr></table></html>".encode(), "网页"),
        ("broken.xlsx", b"PK\x03\x04not really a zip", "无法读取"),
        ("fake.xlsx", b"hello", "不是 Excel"),
        ("noheader.csv", b"a,b,c\n1,2,3\n", "找不到表头"),
        ("utf16_no_bom.csv", "房号,姓名\n".encode("utf-16-le"), "找不到表头"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, name, content, message, caplog) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    # a file the readers choke on is logged with the reason (broken.xlsx)
    with (
        caplog.at_level(logging.WARNING, logger="desk.import"),
        pytest.raises(ImportFileError, match=message),
    ):
        resident_import.read_table(path)


# --- applying: idempotent, updating, all or nothing ----------------------------------------


def test_apply_writes_residents_units_and_audit(write, read, staff_id) -> None:
    result = do_import(write, read, "title_merged.xlsx")
    assert (result.added, result.updated, result.unchanged, result.rejected) == (6, 0, 0, 7)
    assert result.units_created == 5
    assert result.summary() == "新增 6，更新 0，未变 0，拒绝 7"
    assert count(read, Resident) == 6 and count(read, Unit) == 5
    people = stored(read)
    assert people[("3-2-1201", "张三")]["phones"] == ["13812345678", "13987654321"]
    assert people[("3-2-1202", "王五")]["area_m2"] == 96.0
    with read() as ctx:
        r = ctx.session.exec(select(Resident).where(Resident.name == "张三")).one()
        assert (r.name_pinyin, r.name_initials, r.created_at) == ("zhangsan", "zs", NOW)
        events = ctx.session.exec(select(AuditEvent).where(AuditEvent.entity == "resident")).all()
        assert len(events) == 6 and {e.staff_id for e in events} == {staff_id}


def test_importing_the_same_file_twice_changes_nothing(write, read) -> None:
    do_import(write, read, "title_merged.xlsx")
    audit_rows = count(read, AuditEvent)
    again = plan_of(read, "title_merged.xlsx")
    assert {r.action for r in again.rows} == {Action.UNCHANGED, Action.REJECT}
    assert again.count(Action.UNCHANGED) == 6
    result = do_import(write, read, "title_merged.xlsx")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 6)
    assert count(read, AuditEvent) == audit_rows
    assert count(read, Resident) == 6


@pytest.mark.parametrize(
    "name", ["separate_columns.xlsx", "utf8_bom.csv", "gbk.csv", "old_format.xls"]
)
def test_every_sample_is_idempotent(write, read, name) -> None:
    first = do_import(write, read, name)
    assert first.added > 0
    again = plan_of(read, name)
    assert again.count(Action.ADD) == again.count(Action.UPDATE) == 0


def test_an_updated_file_updates_instead_of_duplicating(write, read) -> None:
    do_import(write, read, "title_merged.xlsx")
    plan = plan_of(read, "updated.xlsx")
    assert plan.summary() == "新增 1，更新 2，未变 4，拒绝 0"
    rows = {r.name: r for r in plan.rows}
    assert rows["张三"].changes == {"电话": ("13812345678、13987654321", "13812345678")}
    assert rows["王五"].changes == {"身份": ("租户", "业主")}
    assert rows["华新"].action == Action.ADD
    with write() as ctx:
        resident_import.apply_import(ctx, plan)
    people = stored(read)
    assert len(people) == 7
    assert people[("3-2-1201", "张三")]["phones"] == ["13812345678"]
    assert people[("3-2-1202", "王五")]["role"] == ResidentRole.OWNER
    with read() as ctx:
        zhang = ctx.session.exec(select(Resident).where(Resident.name == "张三")).one()
        [event] = ctx.session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "resident",
                AuditEvent.entity_id == zhang.id,
                AuditEvent.field == "phones",
            )
        ).all()
        assert (event.old, event.new) == ("13812345678,13987654321", "13812345678")


def test_phones_can_be_merged_instead_of_replaced(write, read) -> None:
    do_import(write, read, "title_merged.xlsx")
    do_import(write, read, "updated.xlsx", phones_mode="merge")
    people = stored(read)
    assert people[("3-2-1201", "张三")]["phones"] == ["13812345678", "13987654321"]


def test_blank_cells_keep_what_is_stored(write, read, tmp_path: Path) -> None:
    with write() as ctx:
        residents.add(
            ctx, ResidentDraft("何一", "10-1-101", "家属", "13700001001", "2019-01-01", "行动不便")
        )
    path = tmp_path / "short.csv"
    path.write_text("房号,姓名,电话,身份,入住日期,备注\n10-1-101,何一,,,,\n", encoding="utf-8")
    [row] = plan_of(read, path).rows
    assert row.action == Action.UNCHANGED


def test_a_failure_mid_apply_leaves_nothing_written(write, read, monkeypatch) -> None:
    do_import(write, read, "title_merged.xlsx")
    before = (count(read, Resident), count(read, Unit), count(read, AuditEvent))
    plan = plan_of(read, "updated.xlsx")
    real = resident_import._apply_row
    calls = {"n": 0}

    def failing(ctx, row, state):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk pulled out")
        return real(ctx, row, state)

    monkeypatch.setattr(resident_import, "_apply_row", failing)
    with pytest.raises(RuntimeError), write() as ctx:
        resident_import.apply_import(ctx, plan)
    assert calls["n"] == 3  # two rows were written inside the transaction before the failure
    assert (count(read, Resident), count(read, Unit), count(read, AuditEvent)) == before
    assert stored(read)[("3-2-1201", "张三")]["phones"] == ["13812345678", "13987654321"]


def test_a_change_after_the_preview_is_not_overwritten(write, read) -> None:
    plan = plan_of(read, "gbk.csv")
    with write() as ctx:
        residents.add(ctx, ResidentDraft("何一", "10-1-101", "业主", "13900000000"))
    with pytest.raises(ImportChangedError, match="重新预览"), write() as ctx:
        resident_import.apply_import(ctx, plan)
    assert count(read, Resident) == 1


def test_a_moved_out_resident_is_not_brought_back(write, read) -> None:
    do_import(write, read, "gbk.csv")
    with write() as ctx:
        rid = ctx.session.exec(select(Resident.id).where(Resident.name == "吕二")).one()
        residents.move_out(ctx, rid, NOW.date())
    rows = {r.row: r for r in plan_of(read, "gbk.csv").rows}
    assert rows[4].action == Action.REJECT and "迁出" in rows[4].reason


def test_one_flat_with_two_areas_is_rejected(read, tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        "房号,姓名,面积\n3-2-1201,张三,89.5\n3-2-1201,李四,\n3-2-1201,王五,90\n", encoding="utf-8"
    )
    rows = by_row(plan_of(read, path))
    assert [rows[n].action for n in (2, 3, 4)] == [Action.ADD, Action.ADD, Action.REJECT]
    assert "与第2行" in rows[4].reason


def test_export_with_full_phones_imports_back_unchanged(
    write, read, staff_id, tmp_path: Path
) -> None:
    do_import(write, read, "title_merged.xlsx")
    do_import(write, read, "separate_columns.xlsx")
    out = tmp_path / "export.xlsx"
    with read() as ctx:
        n = resident_import.export_residents_xlsx(
            ctx.session, out, staff_id=staff_id, full_phones=True
        )
    assert n == 11
    plan = plan_of(read, out)
    assert plan.count(Action.UNCHANGED) == 11 and len(plan.rows) == 11


@pytest.mark.parametrize("full_phones", [False, True], ids=["masked", "full-phones"])
@pytest.mark.parametrize("role", list(StaffRole))
def test_only_a_supervisor_or_manager_exports_the_list(
    write, read, role, full_phones, tmp_path: Path
) -> None:
    """Masked or not, the list names every household: the role table's export_personal."""
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        person = staff.add(ctx, f"同事{role.value}", role).id
    out = tmp_path / "一览表.xlsx"
    allowed = role != StaffRole.RECEPTIONIST
    with read() as ctx:
        if allowed:
            n = resident_import.export_residents_xlsx(
                ctx.session, out, staff_id=person, full_phones=full_phones
            )
            assert n == 1
        else:
            with pytest.raises(PermissionDenied, match="只有主管或经理可以导出住户名单"):
                resident_import.export_residents_xlsx(
                    ctx.session, out, staff_id=person, full_phones=full_phones
                )
    assert out.exists() == allowed


def test_nobody_on_duty_exports_no_list(read, staff_id, tmp_path: Path) -> None:
    out = tmp_path / "一览表.xlsx"
    with pytest.raises(PermissionDenied), read() as ctx:
        resident_import.export_residents_xlsx(ctx.session, out, staff_id=None)
    assert not out.exists()


# --- the rejects report --------------------------------------------------------------------


def test_rejects_are_saved_as_xlsx_formula_safe(read, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    src = tmp_path / "evil.csv"
    src.write_text("房号,姓名,电话\n=1+2,@SUM(A1),-3\n3-2-1201,张三,12345\n", encoding="utf-8")
    plan = plan_of(read, src)
    out = tmp_path / "rejects.xlsx"
    assert resident_import.save_rejects_xlsx(plan, out) == 2
    ws = load_workbook(out).active
    assert [c.value for c in ws[2]] == ["原文件行号", "未导入原因", "房号", "姓名", "电话"]
    assert ws["A3"].value == 2 and "房号" in ws["B3"].value
    assert [ws.cell(3, c).value for c in (3, 4, 5)] == ["=1+2", "@SUM(A1)", "-3"]
    assert ws["A4"].value == 3 and "12345" in ws["B4"].value
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert ws["C3"].quotePrefix


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def run_cli(db_path: Path, staff_id: int, write, capsys, monkeypatch):
    """``desk --db <test db> …`` as the manager (a 主管/经理 must log in): returns
    (exit code, stdout, stderr)."""
    from helpers.office import MANAGER_NAME, MANAGER_PASSWORD

    from desk.services.core import accounts

    with write() as ctx:
        accounts.set_password(ctx, staff_id, MANAGER_PASSWORD)
    monkeypatch.setenv("DESK_USER", MANAGER_NAME)
    monkeypatch.setenv("DESK_PASSWORD", MANAGER_PASSWORD)

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--db", str(db_path), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    for handler in list(logging.getLogger("desk").handlers):  # the CLI's log file
        if getattr(handler, "_desk_file", False):
            logging.getLogger("desk").removeHandler(handler)
            handler.close()


def test_cli_dry_run_prints_the_plan_and_writes_nothing(run_cli, read) -> None:
    code, out, _ = run_cli("import-residents", str(DATA / "title_merged.xlsx"), "--dry-run")
    assert code == 0
    assert "新增 6，更新 0，未变 0，拒绝 7" in out
    assert "第9行：电话：「12345」有误" in out
    assert "表头在第3行" in out
    assert count(read, Resident) == 0


def test_cli_import_and_rejects_file(run_cli, read, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.xlsx"
    code, out, _ = run_cli(
        "import-residents", str(DATA / "title_merged.xlsx"), "--rejects", str(rejects)
    )
    assert code == 0 and "已导入：新增 6" in out
    assert rejects.exists()
    assert count(read, Resident) == 6
    code, out, _ = run_cli("import-residents", str(DATA / "title_merged.xlsx"))
    assert "新增 0，更新 0，未变 6，拒绝 7" in out


def test_cli_unreadable_file_exits_2(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("import-residents", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "无法打开" in err


def test_cli_export(run_cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    run_cli("import-residents", str(DATA / "gbk.csv"))
    out = tmp_path / "list.xlsx"
    code, text, _ = run_cli("export-residents", str(out))
    assert code == 0 and "3 位住户" in text
    assert load_workbook(out).active["E4"].value == "137****1001"
    code, text, _ = run_cli("export-residents", str(out), "--full-phones")
    assert code == 0 and "完整电话" in text
    assert load_workbook(out).active["E4"].value == "13700001001"

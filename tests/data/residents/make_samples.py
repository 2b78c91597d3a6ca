"""Write the messy resident lists the import tests read (committed beside this script).

    python tests/data/residents/make_samples.py

Each file imitates what offices really keep; the quirks are listed per file, and the
expected outcome of every row is asserted in tests/services/test_importing.py.
Needs openpyxl. The .xls is committed as written once with xlwt, which is no longer a
dependency (nothing else uses it): ``pip install xlwt`` by hand only to write it anew.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED = datetime(2026, 11, 1, 9, 0)  # document properties: the same script gives the same data

TITLE_HEADER = [
    "序号", "房号", "业主姓名", "身份", "联系电话", "建筑面积(㎡)", "入住日期", "备注", "身份证号",
]  # fmt: skip


def _xlsx(path: Path, build) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    build(wb)
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "make_samples"
    wb.save(path)


def _text(ws, ref: str, value: str) -> None:
    """A string cell even when it starts with '=' (as Excel stores typed '=1+1 text)."""
    ws[ref] = value
    ws[ref].data_type = "s"


def title_merged(wb) -> None:
    """Merged title rows above the header; every row quirk of the issue."""
    ws = wb.active
    ws.title = "业主信息"
    ws["A1"] = "阳光花园业主信息一览表"
    ws.merge_cells("A1:I1")
    ws["A2"] = "制表日期：2026年11月1日"
    ws.merge_cells("A2:I2")
    ws.append(TITLE_HEADER)  # row 3
    rows = [
        # 4: plain; two phones with "/"; Excel date; ID column that must be ignored
        [1, "3-2-1201", "张三", "业主", "13812345678/13987654321", 89.5, datetime(2020, 5, 1),
         "", "110101199001011234"],
        # 5: the same flat written in Chinese; spaces in the number; text date
        [2, "3栋2单元1201室", "李四", "家属", "138 1234 5679", 89.5, "2020/5/1", "老人独居", ""],
        # 6: full-width room and phone; 租客 for tenant; area with unit; Chinese date
        [3, "３－２－１２０２", "王五", "租客", "１３９１２３４５６７８", "96.0㎡",
         "2021年3月15日", "", ""],
        # 7: blank row
        [],
        # 8: no role (→ 业主); a landline with spaces and a mobile, separated by 、; note set below
        [4, "5-1-301", "赵六", "", "021-8765 4321、13600001111", 120, None, None, ""],
        # 9: a phone that is no phone → reject
        [5, "5-1-302", "钱七", "业主", "12345", None, None, "", ""],
        # 10: no room → reject
        [6, "", "孙八", "业主", "13700001234", None, None, "", ""],
        # 11: the same flat and name as row 4 → duplicate, reject
        [7, "3-2-1201", "张三", "业主", "13812345678/13987654321", 89.5, datetime(2020, 5, 1),
         "", ""],
        # 12: dashes in the number
        [8, "6-1-101", "周九", "业主", "138-0000-2222", None, None, "", ""],
        # 13: two people in one row → reject
        [9, "6-1-102", "吴十、郑十一", "业主", "13800003333", None, None, "", ""],
        # 14: a role nobody knows → reject
        [10, "6-1-103", "冯十二", "保姆", "13800004444", None, None, "", ""],
        # 15: the role written after the name
        [11, "6-1-104", "陈十三（租户）", "", "18600001234", None, None, "", ""],
        # 16: a number Excel turned into scientific notation → reject with the hint
        [12, "6-1-105", "褚十四", "业主", "1.38123E+10", None, None, "", ""],
        # 17: the header again (a list printed page by page) → skipped
        TITLE_HEADER,
        # 18: an area that is no number → reject
        [13, "6-1-106", "卫十五", "业主", "15900001111", "约九十", None, "", ""],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    _text(ws, "H8", "=1+1 不是公式")


def separate_columns(wb) -> None:
    """A notes sheet first; 楼栋/单元/房号 in separate columns, 楼栋 and 单元 merged down."""
    notes = wb.active
    notes.title = "填表说明"
    notes["A1"] = "请按楼栋顺序填写，电话写手机号。"
    ws = wb.create_sheet("住户名册")
    ws["A1"] = "2026年住户名册"
    ws.append([])
    ws.append(["楼栋", "单元", "房号", "姓名", "手机", "固定电话", "类型", "面积", "备注"])  # row 3
    rows = [
        ["7栋", "1", "101", "蒋一", "13500000001", "0571-88886666", "业主", 100, ""],
        [None, None, "102", "沈二", "13500000002", "", "租户", None, ""],
        [None, "2", "201", "韩三", "13500000003", "", "业主", None, ""],
        [None, None, "202室", "杨四", "13500000004", "", "家属", None, ""],
        ["8号楼", "1单元", 1201, "朱五", "+86 135 0000 0005", "", "业主", None, ""],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A4:A7")
    ws.merge_cells("B4:B5")
    ws.merge_cells("B6:B7")


def updated(wb) -> None:
    """title_merged.xlsx a month later: one phone dropped, one role changed, one newcomer."""
    ws = wb.active
    ws.title = "业主信息"
    ws["A1"] = "阳光花园业主信息一览表（11月更新）"
    ws.merge_cells("A1:I1")
    ws.append([])
    ws.append(TITLE_HEADER)  # row 3
    rows = [
        [1, "3-2-1201", "张三", "业主", "13812345678", 89.5, datetime(2020, 5, 1), "", ""],
        [2, "3-2-1201", "李四", "家属", "13812345679", 89.5, "2020-05-01", "老人独居", ""],
        [3, "3-2-1202", "王五", "业主", "13912345678", 96, "2021-03-15", "", ""],
        [4, "5-1-301", "赵六", "", "021-87654321 / 13600001111", 120, None, None, ""],
        [5, "6-1-101", "周九", "业主", "13800002222", None, None, "", ""],
        [6, "6-1-104", "陈十三", "租户", "18600001234", None, None, "", ""],
        [7, "3-2-1203", "华新", "业主", "13300001203", 89.5, "2026-10-01", "新入住", ""],
    ]
    for row in rows:
        ws.append(row)
    _text(ws, "H7", "=1+1 不是公式")


UTF8_CSV = """房间号,住户姓名,手机号码,关系,面积,入住时间,备注
9-1-101,秦一,13800009001,业主,88.8,2019-01-01,
9栋1单元102室,尤二,139 0000 9002；13800009003,租户,,,

,,,,,,
9-1-103,许三,13800009004,家属,,2019-13-01,
"""

GBK_CSV = """绿地小区客户名单,,,,
门牌号,客户名称,电话,身份,备注
10-1-101,何一,13700001001,业主,
10-1-102,吕二,13700001002,家属,
10-1-103,施三,,租户,暂无电话
"""


def old_xls(path: Path) -> None:
    """Excel 97–2003: a merged title, numbers stored as numbers, a date cell."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    ws.write_merge(0, 0, 0, 5, "业主信息一览表")
    for col, text in enumerate(["房屋", "姓名", "联系电话", "身份", "入住日期", "面积"]):
        ws.write(1, col, text)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write(2, 0, "11-1-101")
    ws.write(2, 1, "张一")
    ws.write(2, 2, 13800011001.0)  # a phone typed as a number
    ws.write(2, 3, "业主")
    ws.write(2, 4, datetime(2018, 8, 8), date_style)
    ws.write(2, 5, 95.5)
    ws.write(3, 0, "11-1-102")
    ws.write(3, 1, "孔二")
    ws.write(3, 2, "13800011002")
    ws.write(3, 3, "租户")
    ws.write(4, 0, 1101.0)  # a room without its building → reject
    ws.write(4, 1, "曹三")
    ws.write(4, 2, "13800011003")
    book.save(str(path))


def main() -> None:
    _xlsx(HERE / "title_merged.xlsx", title_merged)
    _xlsx(HERE / "separate_columns.xlsx", separate_columns)
    _xlsx(HERE / "updated.xlsx", updated)
    (HERE / "utf8_bom.csv").write_bytes(UTF8_CSV.encode("utf-8-sig"))
    (HERE / "gbk.csv").write_bytes(GBK_CSV.replace("\n", "\r\n").encode("gbk"))
    try:
        old_xls(HERE / "old_format.xls")
    except ImportError:
        print("xlwt is not installed: old_format.xls kept as committed")
    for p in sorted(HERE.iterdir()):
        if p.suffix != ".py":
            print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()

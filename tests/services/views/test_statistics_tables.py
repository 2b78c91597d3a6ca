"""统计 as tables (``statistics_export``): the month's figures as the screen and the files show
them, and the files' errors in words the desk understands."""

from __future__ import annotations

from datetime import datetime

import pytest

from desk.models.enums import Urgency
from desk.models.errors import DeskError
from desk.reports import statistics_xlsx
from desk.reports.statistics_report import Section, TableColumn, show
from desk.services.core import settings
from desk.services.records import workorders
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views import statistics_tables
from desk.services.views.statistics import Durations

AS_OF = datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def october(write) -> None:
    """Two 紧急 repairs in October: on site after 10 and 40 min, done after 1 h and 3 h."""
    for at, arrive, done in (
        (datetime(2026, 10, 10, 9), datetime(2026, 10, 10, 9, 10), datetime(2026, 10, 10, 10)),
        (datetime(2026, 10, 11, 20), datetime(2026, 10, 11, 20, 40), datetime(2026, 10, 11, 23)),
    ):
        with write(at) as ctx:
            oid = workorders.create(
                ctx, WorkOrderDraft("漏水", "水电", Urgency.EMERGENCY, room="1-1-101")
            ).id
        with write(arrive) as ctx:
            workorders.dispatch(ctx, oid, "工程部 李师傅")
            workorders.start(ctx, oid)
        with write(done) as ctx:
            workorders.complete(ctx, oid, Completion("已修好"))


def test_load_reads_the_month_and_the_office(october, read) -> None:
    with read(AS_OF) as ctx:
        report = statistics_tables.load(ctx, 2026, 10)
    assert report.office == "阳光花园物业服务中心"
    assert report.title == "月度服务统计（2026年10月）"
    assert report.previous == (2026, 9)
    assert report.generated_at == AS_OF
    assert report.notes[0] == "统计期间：2026-10-01 至 2026-10-31；对比：上月（2026年9月）"
    assert "2026-11-02 09:00" in report.notes[1]
    assert not report.empty
    assert [s.key for s in report.sections] == [
        "summary", "complaints", "answer_time", "response_time", "completion_time",
        "response_sla", "completion_sla", "callbacks", "satisfaction", "hours", "repeats",
    ]  # fmt: skip
    response = report.section("response_time")
    # 紧急 | 报修单数 | 已到场 | 中位数 上月 变化 | P90 上月 变化: 25 min, 10 + 0.9·30 = 37
    assert response.rows[0] == ("紧急", 2, 2, 25.0, None, None, 37.0, None, None)
    completion = report.section("completion_time")
    assert completion.rows[0][2] == 2.0 and completion.rows[0][5] == 2.8  # 120, 168 min
    sla = report.section("response_sla")
    assert sla.rows[0] == ("紧急", 1, 1, 0, 0.5, None, None)
    assert sla.rows[-1][0] == "合计" and sla.totals == 1


def test_a_month_still_running_says_so(read) -> None:
    with read(datetime(2026, 11, 23, 10)) as ctx:
        report = statistics_tables.load(ctx, 2026, 11)
    assert report.notes[1].startswith("本月尚未结束：数字截至 2026-11-23 10:00")
    assert report.empty


def test_without_an_office_name_the_default_is_printed(engine, read) -> None:
    with read(AS_OF) as ctx:
        assert settings.get(ctx.session, "office.name") in ("", None)
        assert statistics_tables.load(ctx, 2026, 10).office == "物业服务中心"


def test_changes_are_the_differences_of_what_is_shown() -> None:
    """Rounded first: 94.34 % vs 90.26 % reads 94.3 %, 90.3 % and +4.0 — not +4.1."""
    assert statistics_tables._points(0.9434, 0.9026) == 4.0
    assert show(0.9434, "pct") == "94.3%" and show(0.9026, "pct") == "90.3%"
    cells = statistics_tables._duration_cells(
        Durations(2, 17.46, 26.14), Durations(2, 16.04, 28.55), 1
    )
    assert cells == (17.5, 16.0, 1.5, 26.1, 28.6, -2.5)
    assert show(-0.0, "delta_num") == "0.0" and show(0, "delta_int") == "0"
    assert show(None, "pct") == "—"


def test_the_last_full_month_and_the_file_name() -> None:
    assert statistics_tables.last_full_month(datetime(2026, 11, 2)) == (2026, 10)
    assert statistics_tables.last_full_month(datetime(2027, 1, 31)) == (2026, 12)
    assert statistics_tables.suggested_name(2026, 3, ".pdf") == "月度服务统计-2026年03月.pdf"


def test_a_section_checks_its_rows() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 values for 2 columns"):
        Section("x", "x", (TableColumn("a", "text"), TableColumn("b")), (("only",),))
    with pytest.raises(ValueError, match="unknown column kind"):
        TableColumn("a", "percent")


def test_files_are_written(october, engine, tmp_path) -> None:
    xlsx = statistics_tables.export_xlsx(engine, 2026, 10, tmp_path / "a.xlsx", now=AS_OF)
    pdf = statistics_tables.export_pdf(engine, 2026, 10, tmp_path / "a.pdf", now=AS_OF)
    assert xlsx.stat().st_size > 5000 and pdf.read_bytes().startswith(b"%PDF")


def test_a_missing_folder_is_explained(engine, staff_id, tmp_path) -> None:
    with pytest.raises(DeskError, match=r"文件夹“.*没有”不存在"):
        statistics_tables.export_pdf(engine, 2026, 10, tmp_path / "没有" / "a.pdf", now=AS_OF)


def test_a_file_open_in_excel_is_explained(engine, staff_id, tmp_path, monkeypatch) -> None:
    def locked(report, path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(statistics_xlsx, "write_statistics_xlsx", locked)
    with pytest.raises(DeskError, match="正在 Excel、WPS 或 PDF 阅读器里打开"):
        statistics_tables.export_xlsx(engine, 2026, 10, tmp_path / "a.xlsx", now=AS_OF)


def test_a_folder_in_the_way_is_explained(engine, staff_id, tmp_path) -> None:
    (tmp_path / "a.xlsx").mkdir()
    with pytest.raises(DeskError, match=r"无法写入“a\.xlsx”"):
        statistics_tables.export_xlsx(engine, 2026, 10, tmp_path / "a.xlsx", now=AS_OF)

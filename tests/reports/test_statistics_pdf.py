"""月度服务统计 as PDF: read back with poppler (text, fonts, page size), as it will be filed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers.statistics_samples import OFFICE, many_problems, problem, report

from desk.reports.statistics_pdf import lay_out, write_statistics_pdf


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def pages(text: str) -> list[str]:
    return text.split("\f")[:-1]


def squeezed(text: str) -> str:
    """Without white space: pdftotext's layout mode spaces the footer its own way."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return write_statistics_pdf(report(), tmp_path_factory.mktemp("pdf") / "统计.pdf")


def test_title_month_office_and_page_numbers(written) -> None:
    text = text_of(written)
    every = pages(text)
    assert every
    for n, page in enumerate(every, start=1):
        assert OFFICE in page
        assert "月度服务统计（2026年10月）" in page
        assert f"第{n}页/共{len(every)}页" in squeezed(page)
    assert "统计期间：2026-10-01 至 2026-10-31" in text
    assert "生成时间：2026-11-02 09:30" in text


def test_the_sections_and_their_numbers(written) -> None:
    text = text_of(written)
    for title in ("概况", "投诉类别与严重程度", "投诉答复用时（小时）", "报修响应用时（分钟）",
                  "报修完成用时（小时）", "报修响应及时率", "报修完成及时率", "回访率",
                  "回访满意度", "忙闲时段", "重复问题"):  # fmt: skip
        assert title in text
    lines = text.splitlines()

    def row(first: str, after: str) -> list[str]:
        start = next(i for i, line in enumerate(lines) if after in line)
        found = next(line for line in lines[start:] if line.split()[:1] == [first])
        return found.split()

    assert row("报修（单）", "概况") == ["报修（单）", "12", "4", "+8"]
    assert row("物业管理", "投诉类别与严重程度") == ["物业管理", "0", "1", "2", "3", "0", "+3"]
    assert row("一般", "报修响应及时率") == ["一般", "3", "1", "0", "75.0%", "0.0%", "+75.0"]
    assert row("合计", "报修完成及时率") == ["合计", "7", "3", "2", "70.0%", "0.0%", "+70.0"]
    assert row("轻微", "投诉答复用时") == ["轻微", "2", "21.0", "—", "—", "23.4", "—", "—"]
    assert row("报修", "回访率") == [
        "报修", "7", "6", "1", "1", "87.5%", "90.0%", "未达标", "—", "—",
    ]  # fmt: skip
    assert row("满意", "回访满意度")[:6] == ["满意", "1", "4", "5", "55.6%", "0"]
    assert row("9时", "忙闲时段") == ["9时", "0", "1", "7", "1", "9", "1", "+8"]
    assert "最忙时段：9时（9 件）、10时（5 件）、23时（3 件）" in text
    assert "PG-20261005-001、PG-20261010-001、PG-20261013-001" in text


def test_the_charts_are_drawn_with_labels(written) -> None:
    text = text_of(written)
    assert "各类别投诉件数（按严重程度）" in text
    assert "报修响应及时率：本月与上月" in text
    assert "满意5次（55.6%）" in squeezed(text)  # the pie's legend
    assert "各时段登记数量" in text


def test_fonts_are_embedded_and_the_page_is_a4(written) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(written)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert re.search(r"\byes\s+yes\s+yes\b", line), line  # embedded, subset, ToUnicode
    info = subprocess.run(["pdfinfo", str(written)], check=True, capture_output=True, text=True)
    assert "(A4)" in info.stdout


def test_a_long_repeat_list_goes_on_over_the_pages(tmp_path) -> None:
    path = write_statistics_pdf(report(many_problems(150)), tmp_path / "统计.pdf")
    every = pages(text_of(path))
    assert len(every) >= 6
    continued = [p for p in every if "重复问题（续）" in p]
    assert len(continued) >= 3
    assert all("涉及单号" in p for p in continued)  # the column headers repeated
    assert "最后一处" in every[-1]
    assert f"第{len(every)}页/共{len(every)}页" in squeezed(every[-1])
    # forty serials in one cell, all printed (three to a line)
    joined = "".join(every)
    assert all(f"PG-202610{d:02d}-001" in joined for d in range(1, 21))


def test_a_name_outside_the_main_font_is_drawn_and_copied_out(tmp_path) -> None:
    path = write_statistics_pdf(
        report((problem("𠮷祥里", "水电", ("PG-1", "PG-2"), 1),)), tmp_path / "统计.pdf"
    )
    assert "𠮷祥里" in text_of(path)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    assert "HanaMinB" in fonts.stdout


def test_nothing_is_drawn_below_the_footer_line() -> None:
    """Every operation lies inside the page body (the header and footer are drawn apart)."""
    from desk.reports.pdf_layout import PORTRAIT

    for ops in lay_out(report(many_problems(60)), PORTRAIT):
        for op in ops:
            if op[0] in ("r", "fill"):
                assert op[2] >= PORTRAIT.body_bottom - 0.01
            elif op[0] == "t":
                assert PORTRAIT.body_bottom - 0.01 <= op[2] <= PORTRAIT.body_top


def test_an_empty_month_says_so(read, tmp_path) -> None:
    from helpers.statistics_samples import AS_OF

    from desk.services.views import statistics_tables

    with read(AS_OF) as ctx:
        empty = statistics_tables.load(ctx, 2025, 2)
    path = write_statistics_pdf(empty, tmp_path / "统计.pdf")
    text = text_of(path)
    assert "月度服务统计（2025年2月）" in text
    assert "2025年2月无数据" in text
    assert "本月没有重复问题" in text
    assert "各类别投诉件数" not in text  # no chart of nothing

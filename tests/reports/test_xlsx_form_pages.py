"""Page numbers of the xlsx forms: each form counts its own pages. A day's duty records
in one workbook, printed as a whole, used to be numbered across the sheets (第 4 页 / 共 9
页 on the second record); the total of a print job cannot be a sheet's own, so a workbook
of several forms prints 第 X 页 from 1 on each sheet, and a form alone 第 X 页 / 共 Y 页.

LibreOffice (as CI installs it) prints the workbooks; pdftotext reads the numbers back.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.form_samples import head, sentences, workorder
from helpers.xlsx_parts import print_with_libreoffice
from openpyxl import load_workbook

from desk.reports.form_data import WorkOrderForm, render_many
from desk.reports.xlsx_common import PAGE_FOOTER
from desk.reports.xlsx_forms import SHEET_FOOTER, render_xlsx


def order(serial: str, long: bool) -> WorkOrderForm:
    """A 派工单; a long one runs to several printed pages."""
    return replace(
        workorder(description=sentences(2400) if long else "厨房水龙头滴水"),
        head=head("派工单", "QR-025SD", serial),
    )


SERIALS = ("PG-20261123-001", "PG-20261123-002", "PG-20261123-003")


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def test_each_sheet_starts_at_page_1(tmp_path: Path) -> None:
    many = render_many([order(s, long=True) for s in SERIALS], tmp_path / "三张.xlsx")
    for ws in load_workbook(many).worksheets:
        assert ws.page_setup.useFirstPageNumber and int(ws.page_setup.firstPageNumber) == 1
        assert ws.oddFooter.center.text == SHEET_FOOTER == "第 &P 页"  # no job-wide 共 &N
    ws = load_workbook(render_xlsx(order(SERIALS[0], long=True), tmp_path / "一张.xlsx")).active
    assert ws.oddFooter.center.text == PAGE_FOOTER  # alone, the job's total is the form's
    assert ws.page_setup.useFirstPageNumber and int(ws.page_setup.firstPageNumber) == 1


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Three orders (long, short, long) in one workbook and a long one alone, printed."""
    folder = tmp_path_factory.mktemp("lo")
    sources = [
        render_many([order(s, long=k != 1) for k, s in enumerate(SERIALS)], folder / "day.xlsx"),
        render_xlsx(order(SERIALS[0], long=True), folder / "alone.xlsx"),
    ]
    print_with_libreoffice(sources, folder)
    return {p.stem: pages_of(folder / f"{p.stem}.pdf") for p in sources}


def footer_numbers(page: str) -> tuple[int, str]:
    """(第 X 页, the 共 Y 页 after it or "") of a printed page's footer."""
    [(number, total)] = re.findall(r"第(\d+)页(/共\d+页)?", page)
    return int(number), total


def test_a_workbook_of_forms_numbers_each_forms_pages(printed: dict[str, list[str]]) -> None:
    numbered: dict[str, list[tuple[int, str]]] = {}
    for page in printed["day"]:
        [serial] = {s for s in SERIALS if f"QR-025SD{s}" in page}  # the footer's left side
        numbered.setdefault(serial, []).append(footer_numbers(page))
    assert list(numbered) == list(SERIALS)  # in order, each sheet's pages together
    for serial, numbers in numbered.items():
        # from 1 on each sheet, without the print job's total
        assert numbers == [(n, "") for n in range(1, len(numbers) + 1)], serial
    assert len(numbered[SERIALS[0]]) >= 2 and len(numbered[SERIALS[1]]) == 1


def test_a_form_alone_says_how_many_pages_it_has(printed: dict[str, list[str]]) -> None:
    pages = printed["alone"]
    assert len(pages) >= 2
    assert [footer_numbers(page) for page in pages] == [
        (n, f"/共{len(pages)}页") for n in range(1, len(pages) + 1)
    ]

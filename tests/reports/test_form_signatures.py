"""Who signs the paper forms: the receptionist (受理人签字) and the callback person
(回访人签字) on the 派工单 and the 投诉处理单, the company's leadership beside the supervisor
on a 重大 complaint only; the loan slip on half an A4 sheet, twice (one copy for the desk,
one for the borrower). The duty record's names and signatures: tests/services/io/
test_handover_forms.py (its header comes from the database).

poppler-utils (pdfinfo, pdftotext) are required: CI installs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.form_samples import complaint, sentences, slip, workorder
from helpers.form_stages import complaint_stages, order_stages
from openpyxl import load_workbook

from desk.reports.form_data import ComplaintForm, LoanSlip, render_many
from desk.reports.form_layout import SLIP_COPIES, Row, blocks_for
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import HALF, PORTRAIT, lay_out
from desk.reports.xlsx_forms import LABEL_COLS, render_xlsx


def run(*args: str | Path) -> str:
    missing = [tool for tool in ("pdfinfo", "pdftotext") if shutil.which(tool) is None]
    assert not missing, f"poppler-utils is required (apt-get install poppler-utils): {missing}"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def text_of(path: Path, page: int | None = None) -> str:
    """The text in drawing order, without white space."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return re.sub(r"\s+", "", run("pdftotext", "-raw", "-enc", "UTF-8", *pages, path, "-"))


def page_sizes(path: Path) -> list[str]:
    """pdfinfo's "Page size" of every page, e.g. '595.276 x 841.89 pts (A4)'."""
    info = run("pdfinfo", "-f", "1", "-l", "999", path)
    return re.findall(r"Page\s+\d+ size:\s+(.+)", info)


def signed_rows(form: Any) -> list[list[str]]:
    """The labels of every signature row, in the form's order."""
    return [
        [c.label for c in b.cells] for b in blocks_for(form) if isinstance(b, Row) and b.signature
    ]


# --- 派工单 and 投诉处理单: receptionist and callback -------------------------------------------


def test_a_work_order_is_signed_at_intake_by_the_technician_resident_and_callback() -> None:
    assert signed_rows(workorder()) == [
        ["报修时间", "报修方式", "受理人", "受理人签字"],
        ["到场时间", "完成时间", "维修人员签字"],
        ["业主签字", "日期"],
        ["回访人", "回访时间", "回访人签字"],
    ]


def test_a_complaint_is_signed_at_intake_and_callback() -> None:
    assert signed_rows(complaint()) == [
        ["受理时间", "投诉方式", "受理人", "受理人签字"],
        ["部门负责人签字", "日期"],
        ["业主签字", "日期"],
        ["回访人", "回访时间", "回访人签字"],
        ["客服主管签字", "日期"],
    ]


@pytest.mark.parametrize("make", [workorder, complaint])
def test_the_names_and_times_print_beside_the_signatures(make: Any, tmp_path: Path) -> None:
    form = make()
    text = text_of(render_pdf(form, tmp_path / "form.pdf"))
    when, how, _who, _sign = signed_rows(form)[0]
    created = f"{form.created_at:%Y-%m-%d%H:%M}"
    assert f"{when}{created}{how}{form.channel}受理人王经理受理人签字" in text
    done = f"{form.callback.done_at:%Y-%m-%d%H:%M}"
    assert f"回访人李燚回访时间{done}回访人签字" in text
    assert text.count("受理人签字") == 1 and text.count("回访人签字") == 1


def test_a_callback_not_done_leaves_name_to_write_and_says_when_it_is_due(tmp_path: Path) -> None:
    form = order_stages()["completed"]
    text = text_of(render_pdf(form, tmp_path / "order.pdf"))
    assert f"回访人回访时间{form.callback.due_at:%Y-%m-%d%H:%M}前回访人签字" in text
    assert "到场时间2026-11-2308:35完成时间2026-11-2310:12维修人员签字" in text


def test_the_technician_writes_the_times_by_hand_before_completion(tmp_path: Path) -> None:
    text = text_of(render_pdf(order_stages()["dispatched"], tmp_path / "order.pdf"))
    assert "到场时间月日时分完成时间月日时分维修人员签字" in text


# --- 重大: the leadership signs off -------------------------------------------------------------


@pytest.mark.parametrize("stage", list(complaint_stages()))
def test_leadership_signs_a_major_complaint_only(stage: str) -> None:
    form = complaint_stages()[stage]
    rows = signed_rows(form)
    major = form.severity == "重大"
    assert (["客服主管签字", "公司领导签字"] in rows) == major
    assert (["客服主管签字", "日期"] in rows) == (not major)
    assert not any("公司领导签字" in row for row in rows if row != ["客服主管签字", "公司领导签字"])


@pytest.mark.parametrize("severity", ["重大", "重要", "轻微"])
def test_the_leadership_line_in_the_pdf_and_the_xlsx(severity: str, tmp_path: Path) -> None:
    form: ComplaintForm = complaint(severity=severity)
    path = render_pdf(form, tmp_path / "complaint.pdf")
    text = text_of(path)
    major = severity == "重大"
    assert ("公司领导签字" in text) == major and "客服主管签字" in text
    assert ("六、主管审核及公司领导审批" in text) == major
    if major:  # beside the supervisor, each with the date to write in their box
        assert "客服主管签字年月日公司领导签字年月日" in text
        [ops] = lay_out(PORTRAIT, blocks_for(form))
        y = {op[3]: op[2] for op in ops if op[0] == "t"}
        assert y["客服主管签字"] == y["公司领导签字"]
    ws = load_workbook(render_xlsx(form, tmp_path / "complaint.xlsx")).active
    labels = {c.value: c for row in ws.iter_rows() for c in row if c.style == "form_label"}
    assert ("公司领导签字" in labels) == major
    for label in ("受理人签字", "回访人签字", "客服主管签字", "公司领导签字"):
        if label in labels:  # an empty box to sign, or the date to write
            cell = labels[label]
            value = ws.cell(cell.row, cell.column + LABEL_COLS).value
            assert value is None or set(value) <= set("　年月日"), label


def test_a_long_major_complaint_keeps_both_review_signatures_with_their_section(
    tmp_path: Path,
) -> None:
    form = complaint(severity="重大", reply=sentences(1800))
    pdf = render_pdf(form, tmp_path / "complaint.pdf")
    pages = len(page_sizes(pdf))
    assert pages >= 2
    last = text_of(pdf, pages)
    for words_ in ("六、主管审核及公司领导审批", "客服主管签字", "公司领导签字"):
        assert words_ in last, words_


# --- the loan slip: half an A4 sheet, twice -------------------------------------------------


def words(path: Path) -> list[tuple[float, float, str]]:
    """(top, bottom, text) of every word on page 1, measured down from the top edge."""
    out = run("pdftotext", "-bbox", "-f", "1", "-l", "1", path, "-")
    return [
        (float(m.group(1)), float(m.group(2)), m.group(3))
        for m in re.finditer(r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)">(.*?)</word>', out)
    ]


def test_a_slip_is_printed_twice_on_one_a4_sheet(tmp_path: Path) -> None:
    form = slip()
    path = render_pdf(form, tmp_path / "slip.pdf")
    assert page_sizes(path) == ["595.276 x 841.89 pts (A4)"]  # the paper in every printer
    half = PORTRAIT.height / 2
    assert HALF.height == half
    assert replace(HALF, copies=SLIP_COPIES).sheet == (PORTRAIT.width, PORTRAIT.height)
    found = words(path)
    assert all(bottom <= half or top >= half for top, bottom, _ in found)  # none on the cut
    top_words = [w for t, _, w in found if t < half]
    bottom_words = [w for t, _, w in found if t >= half]
    # the same slip in each half, named by its copy at the foot
    copies = {part for copy in SLIP_COPIES for part in copy.split("　")}  # words of the 联
    assert sorted(w for w in top_words if w not in copies) == sorted(
        w for w in bottom_words if w not in copies
    )
    for copy, side in zip(SLIP_COPIES, (top_words, bottom_words), strict=True):
        assert [w for w in side if w in copies] == copy.split("　"), copy
    for side in (top_words, bottom_words):
        assert "借用人签字" in side and "收回人签字" in side and "钱犇" in side
        assert f"单号：{form.head.serial}" in side


def test_a_slip_too_long_for_half_a_sheet_prints_once_on_a_whole_one(tmp_path: Path) -> None:
    long = replace(slip(), loan=replace(slip().loan, remarks=sentences(600)))
    path = render_pdf(long, tmp_path / "slip.pdf")
    assert set(page_sizes(path)) == {"595.276 x 841.89 pts (A4)"}
    text = text_of(path)
    assert text.count("借用人签字") == 1 and "第一联" not in text
    assert re.sub(r"\s+", "", sentences(600)) in text


def test_slips_in_a_batch_keep_their_two_copies(tmp_path: Path) -> None:
    forms: list[Any] = [slip(), workorder(), slip()]
    path = render_many(forms, tmp_path / "batch.pdf")
    assert page_sizes(path) == ["595.276 x 841.89 pts (A4)"] * 3
    for page in (1, 3):
        assert text_of(path, page).count("借用人签字") == 2
    assert "第一联" not in text_of(path, 2)


def test_the_slip_xlsx_is_still_one_copy(tmp_path: Path) -> None:
    form: LoanSlip = slip()
    ws = load_workbook(render_xlsx(form, tmp_path / "slip.xlsx")).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert values.count("借用人签字") == 1

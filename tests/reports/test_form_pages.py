"""派工单 and 投诉处理单 keep together what belongs together: ordinary content (the demo's
95th-percentile lengths, helpers.form_stages) prints on one page at every stage of a
record's life; a longer text goes on over a next page, and a signature row stays on the
page of the section it signs.

poppler-utils (pdfinfo, pdftotext) are required: CI installs them.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.form_stages import complaint_stages, materials, order_stages, text
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.reports.form_data import ComplaintForm, Form, WorkOrderForm
from desk.reports.form_layout import Block, Row, Section, TextBox, blocks_for
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import PORTRAIT, WRITE_GAP, lay_out

# signed section's title → the label of its signature row
ORDER_SIGNED = {"三、维修记录（维修人员填写）": "维修人员签字", "四、业主验收": "业主签字"}
COMPLAINT_SIGNED = {
    "二、部门处理": "部门负责人签字",
    "四、业主意见": "业主签字",
    "六、主管审核": "客服主管签字",
}
BODY = PORTRAIT.body_top - PORTRAIT.body_bottom


def run(*args: str | Path) -> str:
    missing = [tool for tool in ("pdfinfo", "pdftotext") if shutil.which(tool) is None]
    assert not missing, f"poppler-utils is required (apt-get install poppler-utils): {missing}"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def page_count(path: Path) -> int:
    found = re.search(r"Pages:\s+(\d+)", run("pdfinfo", path))
    assert found
    return int(found.group(1))


def page_texts(path: Path) -> list[str]:
    """Each page's text as copied out of the PDF, without white space."""
    return [
        re.sub(r"\s+", "", run("pdftotext", "-f", n, "-l", n, "-enc", "UTF-8", path, "-"))
        for n in (str(k) for k in range(1, page_count(path) + 1))
    ]


def pages_of(pages: list[str], words: str) -> list[int]:
    return [n for n, page in enumerate(pages, start=1) if words in page]


# --- ordinary content: one page at every stage ---------------------------------------------


@pytest.mark.parametrize("stage", list(order_stages()))
def test_an_ordinary_work_order_is_one_page_at_every_stage(stage: str, tmp_path: Path) -> None:
    path = render_pdf(order_stages()[stage], tmp_path / "order.pdf")
    assert page_count(path) == 1


@pytest.mark.parametrize("stage", list(complaint_stages()))
def test_an_ordinary_complaint_is_one_page_at_every_stage(stage: str, tmp_path: Path) -> None:
    path = render_pdf(complaint_stages()[stage], tmp_path / "complaint.pdf")
    assert page_count(path) == 1


@pytest.mark.parametrize("length", [90, 150, 200])
def test_a_long_description_at_dispatch_stays_on_one_page(length: int, tmp_path: Path) -> None:
    form = order_stages(description=text(length))["dispatched"]
    assert page_count(render_pdf(form, tmp_path / "order.pdf")) == 1


def test_two_hundred_characters_and_five_materials_on_one_page(tmp_path: Path) -> None:
    form = replace(order_stages(description=text(200))["completed"], materials=materials(5))
    pages = page_texts(render_pdf(form, tmp_path / "order.pdf"))
    assert len(pages) == 1 and "业主签字" in pages[0] and "验收结果" in pages[0]


# --- long text: on over the next page, each signature with its section -----------------------

PARAGRAPHS = "\n".join(  # 200 characters typed in four paragraphs: eight lines
    text(50, start)
    for start in (
        "厨房水槽下面的水管接头漏水",
        "业主下午三点前在家请带好配件",
        "卫生间天花板有渗水痕迹",
        "完工后请清理现场",
    )
)
LONG = {
    "work order, 200 characters in paragraphs, 5 materials, 待料": replace(
        order_stages(description=PARAGRAPHS)["waiting for parts"], materials=materials(5)
    ),
    "work order, long description, dispatched": order_stages(description=text(900))["dispatched"],
    "work order, long work done, completed": replace(
        order_stages()["completed"], work_done=text(500), materials=materials(5)
    ),
    "complaint, long description, recorded": complaint_stages(description=text(1000))["recorded"],
    "complaint, long measures, escalated": replace(
        complaint_stages()["escalated"], measures=text(700)
    ),
    "complaint, long reply, answered": replace(complaint_stages()["answered"], reply=text(1300)),
}


@pytest.mark.parametrize("case", list(LONG))
def test_a_signature_is_on_the_page_of_its_section(case: str, tmp_path: Path) -> None:
    form = LONG[case]
    pages = page_texts(render_pdf(form, tmp_path / "long.pdf"))
    assert len(pages) >= 2
    signed = ORDER_SIGNED if isinstance(form, WorkOrderForm) else COMPLAINT_SIGNED
    for title, signature in signed.items():
        assert len(pages_of(pages, title)) == 1 and len(pages_of(pages, signature)) == 1
        assert pages_of(pages, signature) == pages_of(pages, title), (title, signature)
    if isinstance(form, WorkOrderForm):  # what the resident signs for
        assert pages_of(pages, "验收结果") == pages_of(pages, "业主签字")


def page_of(pages: list[list[tuple]], words: str) -> int:
    """The page (from 1) where ``words`` is drawn as one text, e.g. a label or a title."""
    found = [
        n for n, ops in enumerate(pages, start=1) for op in ops if op[0] == "t" and op[3] == words
    ]
    assert len(found) == 1, (words, found)
    return found[0]


def sections(blocks: Sequence[Block]) -> list[list[Block]]:
    cut = [i for i, b in enumerate(blocks) if isinstance(b, Section)] + [len(blocks)]
    return [list(blocks[a:b]) for a, b in itertools.pairwise(cut)]


def assert_kept_together(form: Form) -> None:
    """Every signature on the page of its section's title; for a section longer than a
    page, on the page where the block before it ends. No page ends with a title."""
    blocks = blocks_for(form)
    pages = lay_out(PORTRAIT, blocks)
    for section in sections(blocks):
        signs = [b for b in section if isinstance(b, Row) and b.signature]
        for sign in signs:
            where = page_of(pages, sign.cells[0].label)
            if len(lay_out(PORTRAIT, section)) == 1:
                assert where == page_of(pages, section[0].title), sign.cells[0].label
            else:
                before = section[section.index(sign) - 1]
                assert isinstance(before, TextBox)  # the long text that made it long
                labels = {op[3] for op in pages[where - 1] if op[0] == "t"}
                assert before.label in labels or f"{before.label}（续）" in labels
    titles = {b.title for b in blocks if isinstance(b, Section)}
    for ops in pages[:-1]:
        assert [op[3] for op in ops if op[0] == "t"][-1] not in titles


LENGTH = st.integers(min_value=0, max_value=2500)
SHORT = st.integers(min_value=0, max_value=300)


@settings(max_examples=60, deadline=None)
@given(
    stage=st.sampled_from(list(order_stages())),
    description=LENGTH,
    cause=SHORT,
    work_done=SHORT,
    rows=st.integers(min_value=0, max_value=8),
)
def test_work_orders_of_any_length_keep_signatures_with_their_sections(
    stage: str, description: int, cause: int, work_done: int, rows: int
) -> None:
    form = order_stages(description=text(description) or "漏水")[stage]
    if form.completed_at is not None:  # what only the technician's report fills in
        form = replace(
            form, cause=text(cause), work_done=text(work_done), materials=materials(rows)
        )
    assert_kept_together(form)


@settings(max_examples=60, deadline=None)
@given(
    stage=st.sampled_from(list(complaint_stages())),
    description=LENGTH,
    demand=SHORT,
    measures=st.integers(min_value=0, max_value=3000),
    reply=LENGTH,
)
def test_complaints_of_any_length_keep_signatures_with_their_sections(
    stage: str, description: int, demand: int, measures: int, reply: int
) -> None:
    form: ComplaintForm = complaint_stages(
        description=text(description) or "噪音", demand=text(demand)
    )[stage]
    if form.escalated_at is not None:
        form = replace(form, measures=text(measures))
    if form.replied_at is not None:
        form = replace(form, reply=text(reply))
    assert_kept_together(form)


# from ~1,950 characters 部门处理 no longer fits one page; a line holds 43 of them
@pytest.mark.parametrize("length", range(2000, 3400, 40))
def test_a_signature_after_a_text_longer_than_a_page_takes_its_end_along(length: int) -> None:
    form = replace(complaint_stages()["escalated"], measures=text(length))
    pages = lay_out(PORTRAIT, blocks_for(form))
    where = page_of(pages, "部门负责人签字")
    assert where >= 2
    texts = [op[3] for op in pages[where - 1] if op[0] == "t"]
    # the page starts with the measures' last lines (two at least), then the signature
    assert texts[0] == "处理措施（续）" and texts.index("部门负责人签字") >= 3


# --- blank lines to write on give way only for one page ---------------------------------------


def dotted(pages: list[list[tuple]]) -> int:
    return sum(op[0] == "l" for ops in pages for op in ops)


def boxes(over: float, first_least: int = 1) -> list[Block]:
    """A filler row, then boxes of 3 and 2 blank lines (100 pt), ``over`` points too tall
    for one page."""
    return [
        Row([], height=BODY - 5 * WRITE_GAP + over),
        TextBox("甲", "", 3, first_least),
        TextBox("乙", "", 2),
    ]


def test_blank_lines_are_all_kept_when_the_form_fits() -> None:
    pages = lay_out(PORTRAIT, boxes(0))
    assert len(pages) == 1 and dotted(pages) == 2 + 1


def test_blank_lines_give_way_as_few_as_keep_one_page() -> None:
    pages = lay_out(PORTRAIT, boxes(1.5 * WRITE_GAP))
    assert len(pages) == 1 and dotted(pages) == 1
    # two lines less: the first from the box with most to spare, then from the later box
    heights = [op[4] for op in pages[0] if op[0] == "r" and op[5] is None]
    assert heights == [2 * WRITE_GAP, WRITE_GAP]


def test_blank_lines_stay_when_the_form_takes_two_pages_anyway() -> None:
    pages = lay_out(PORTRAIT, boxes(3.5 * WRITE_GAP))
    assert len(pages) == 2 and dotted(pages) == 2 + 1


def test_blank_lines_never_fewer_than_the_form_asks() -> None:
    assert len(lay_out(PORTRAIT, boxes(1.5 * WRITE_GAP, first_least=3))) == 2
    pages = lay_out(PORTRAIT, boxes(0.5 * WRITE_GAP, first_least=3))
    assert len(pages) == 1 and dotted(pages) == 2  # the second box gave its line

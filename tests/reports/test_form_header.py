"""The forms' header: nothing in it overlaps. A long office name shrinks, then wraps in
its box, never into the QR code's quiet zone; every page's QR code decodes (rendered at
100 dpi, read with zxing-cpp); the duty record's long names stay clear of 打印时间; the
xlsx head rows grow with what wraps in them.

poppler-utils (pdftoppm, pdftotext) are required: CI installs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from helpers.form_samples import complaint, loan_rows, register, sentences, slip, workorder
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image

from desk.reports import pdf_fonts
from desk.reports.form_data import (
    CarriedRow,
    DutyCount,
    Form,
    FormHead,
    HandoverForm,
    LoanRegister,
)
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import (
    ASCENT,
    DESCENT,
    HEADER_H,
    LANDSCAPE,
    OFFICE_H,
    OFFICE_MIN,
    OFFICE_SIZE,
    PORTRAIT,
    STAMP_W,
    TITLE_BASE,
    TITLE_SIZE,
    PageFrame,
    header_texts,
    office_box,
    office_lines,
    quiet_box,
)
from desk.reports.xlsx_forms import render_xlsx

# 60 characters: the most ``desk init`` accepts for the office's name
OFFICE_60 = (
    "阳光花园（三期）业主委员会委托管理之新世纪城市物业服务有限公司"
    "第一分公司东区客户服务中心前台值班室总台值班（二十四小时）"
)
LONG_NAME = "买买提江·阿卜杜热合曼"  # 11 characters
NOW = datetime(2026, 11, 23, 16, 5)
DAY = date(2026, 11, 23)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def run(*args: str | Path) -> str:
    assert shutil.which(str(args[0])), f"poppler-utils is required: {args[0]}"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def handover(
    name: str = "李婷", office: str = "阳光花园物业服务中心", items: int = 3
) -> HandoverForm:
    """A duty record whose receptionist is ``name``, with ``items`` carried items."""
    start = datetime(2026, 11, 23, 7, 58)
    carried = tuple(
        CarriedRow("报修", f"PG-20261123-{k:03d}", "3-2-1201", sentences(40), start, "超时",
                   overdue=k % 2 == 0)
        for k in range(1, items + 1)
    )  # fmt: skip
    return HandoverForm(
        head=FormHead(
            office,
            "客服值班记录表",
            "QR-032SD",
            "JB-20261123-01",
            NOW,
            subtitle=f"{DAY.isoformat()} 早班 {name}",
        ),
        state="已确认",
        day=DAY,
        shift_name="早班",
        on_duty=name,
        started_at=start,
        planned_end=start + timedelta(hours=8),
        ended_at=start + timedelta(hours=8),
        assembled_at=start + timedelta(hours=8),
        callbacks_until=start + timedelta(hours=16),
        counts=(DutyCount("来访", 3, 0), DutyCount("报修", 4, 1)),
        notes="3号楼电梯困人，已通知维保。",
        carried=carried,
        outgoing=name,
        confirmed_at=start + timedelta(hours=8),
        incoming="",
        accepted_at=None,
        accept_by=start + timedelta(hours=16),
        flagged=False,
    )


def with_office(form: Form, office: str, **head: str) -> Form:
    return replace(form, head=replace(form.head, office=office, **head))  # type: ignore[arg-type]


def frame_of(form: Form) -> PageFrame:
    return LANDSCAPE if isinstance(form, LoanRegister) else PORTRAIT


# every kind of form, long enough to take more than one page where it can, with the
# longest office name; a voided complaint and a draft duty record carry the red stamp
LONG_FORMS = {
    "workorder": lambda: workorder(work_done=sentences(2500)),
    "complaint": lambda: with_office(
        complaint(description=sentences(2500)), OFFICE_60, void_reason="重复登记"
    ),
    "slip": slip,
    "register": lambda: register(loan_rows() * 12),
    "register_range": lambda: with_office(
        register(),
        OFFICE_60,
        serial="JYDJ-20261101-20261130",  # a longer code: version 2
    ),
    "handover": lambda: with_office(handover(LONG_NAME, items=40), OFFICE_60, stamp="草稿"),
}


def qr_texts(path: Path, tmp_path: Path) -> list[list[str]]:
    """What zxing-cpp reads on each page, rendered at 100 dpi as a desk scanner would."""
    run("pdftoppm", "-r", "100", "-gray", "-png", path, tmp_path / "page")
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert pages
    return [[code.text for code in zxingcpp.read_barcodes(Image.open(p))] for p in pages]


@pytest.mark.parametrize("name", sorted(LONG_FORMS))
def test_every_page_qr_decodes_with_a_sixty_character_office_name(
    name: str, tmp_path: Path
) -> None:
    form = with_office(LONG_FORMS[name](), OFFICE_60)
    path = render_pdf(form, tmp_path / f"{name}.pdf")
    found = qr_texts(path, tmp_path)
    copies = 2 if name == "slip" else 1  # a slip is printed twice on its sheet
    assert found == [[form.head.serial] * copies] * len(found)
    if name in ("workorder", "complaint", "register", "handover"):
        assert len(found) >= 2, "the form was meant to take several pages"


# --- what pdftotext finds where ---------------------------------------------------------------


def words(path: Path, tmp_path: Path, page: int = 1) -> list[tuple[Box, str]]:
    """(box in PDF points measured up from the bottom, text) of every word on ``page``."""
    out = tmp_path / "words.html"
    run("pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), path, out)
    html = out.read_text()
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    found = []
    for m in re.finditer(
        r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
        html,
    ):
        x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
        found.append(((x0, height - y1, x1, height - y0), m.group(5)))
    return found


def overlap(a: Box, b: Box, tolerance: float = 0.05) -> bool:
    return (
        a[0] < b[2] - tolerance
        and b[0] < a[2] - tolerance
        and a[1] < b[3] - tolerance
        and b[1] < a[3] - tolerance
    )


def header_words(path: Path, frame: PageFrame, tmp_path: Path) -> list[tuple[Box, str]]:
    found = [(box, w) for box, w in words(path, tmp_path) if box[1] > frame.top - HEADER_H]
    assert found
    return found


def assert_apart(found: list[tuple[Box, str]], qr: Box) -> None:
    """No two words overlap, and none is in the QR code's quiet zone or off the paper."""
    for k, (box, word) in enumerate(found):
        assert not overlap(box, qr), word
        for other, word2 in found[k + 1 :]:
            assert not overlap(box, other), (word, word2)


@pytest.mark.parametrize("name", ["workorder", "register", "complaint", "handover"])
@pytest.mark.parametrize("office", [OFFICE_60, OFFICE_60[:35], OFFICE_60 + OFFICE_60[:15]])
def test_office_name_stays_in_its_box_clear_of_the_qr_code(
    name: str, office: str, tmp_path: Path
) -> None:
    form = with_office(LONG_FORMS[name](), office)
    frame = frame_of(form)
    path = render_pdf(form, tmp_path / "form.pdf")
    found = header_words(path, frame, tmp_path)
    qr = quiet_box(frame, form.head.serial)
    assert_apart(found, qr)
    # the office name is all there (wrapped, it is several words), inside its box
    x, top, w, h = office_box(frame, form.head.serial)
    name_words = [(box, t) for box, t in found if t in office]
    assert "".join(t for _, t in name_words) == office
    for (x0, y0, x1, y1), t in name_words:
        assert x - 0.5 <= x0 < x1 <= x + w + 0.5 and top - h - 0.5 <= y0 < y1 <= top + 0.5, t
    assert x + w < qr[0]  # the box itself ends before the quiet zone


@settings(max_examples=60, deadline=None)
@given(
    office=st.text(alphabet=st.sampled_from("阳光花园物业服务中心（三期）·ABC Co., Ltd 123"),
                   max_size=200)
    .map(lambda s: " ".join(s.split()))
    .filter(bool),
    landscape=st.booleans(),
)  # fmt: skip
def test_any_office_name_fits_its_box(office: str, landscape: bool) -> None:
    frame = LANDSCAPE if landscape else PORTRAIT
    head = FormHead(office, "派工单", "QR-025SD", "PG-20261123-003", NOW)
    x, top, w, h = office_box(frame, head.serial)
    texts = [t for t in header_texts(frame, head) if t[1] > frame.top - 30]
    lines = [s for _, _, s, _ in texts]
    sizes = {size for *_, size in texts}
    assert len(sizes) == 1 and OFFICE_MIN <= sizes.pop() <= OFFICE_SIZE
    for tx, baseline, s, size in texts:
        assert x - 0.01 <= tx and tx + pdf_fonts.width(s, size) <= x + w + 0.01, s
        assert top - h - 0.01 <= baseline - DESCENT * size
        assert baseline + ASCENT * size <= top + 0.01
    squash = "".join(lines).replace(" ", "")
    if squash.endswith("…"):  # only a name far longer than any office accepts is cut
        assert len(office) > 75 and office.replace(" ", "").startswith(squash[:-1])
    else:
        assert squash == office.replace(" ", "")


def test_office_name_shrinks_on_one_line_before_it_wraps() -> None:
    assert len(OFFICE_60) == 60
    width = office_box(PORTRAIT, "PG-20261123-003")[2]
    assert office_lines("阳光花园物业服务中心", width, OFFICE_H) == (
        ["阳光花园物业服务中心"],
        OFFICE_SIZE,
    )
    lines, size = office_lines(OFFICE_60[:35], width, OFFICE_H)
    assert lines == [OFFICE_60[:35]] and 9 <= size < OFFICE_SIZE
    lines, size = office_lines(OFFICE_60, width, OFFICE_H)
    assert len(lines) == 2 and "".join(lines) == OFFICE_60
    assert abs(len(lines[0]) - len(lines[1])) <= 2  # even lines, not one and a stray end


# --- the duty record's header ------------------------------------------------------------------


@pytest.mark.parametrize("name", [LONG_NAME, (LONG_NAME * 4)[:40]])  # 40: the most a name takes
def test_duty_header_names_stay_clear_of_the_print_time(name: str, tmp_path: Path) -> None:
    form = handover(name, office=OFFICE_60)
    path = render_pdf(form, tmp_path / "duty.pdf")
    found = header_words(path, PORTRAIT, tmp_path)
    assert_apart(found, quiet_box(PORTRAIT, form.head.serial))
    printed = next(box for box, w in found if w.startswith("打印时间"))
    names = [box for box, w in found if set(w) <= set(name)]
    assert names and all(box[2] < printed[0] for box in names)
    text = "".join(w for _, w in found)
    if len(name) <= 20:  # shrunk, whole on the info line
        assert name in text
    else:  # wrapped in its own box, every character printed
        assert sorted("".join(w for _, w in found if set(w) <= set(name))) == sorted(name)


def text_box(x: float, baseline: float, text: str, size: float) -> Box:
    return (x, baseline - DESCENT * size, x + pdf_fonts.width(text, size), baseline + ASCENT * size)


@settings(max_examples=60, deadline=None)
@given(
    subtitle=st.text(alphabet=st.sampled_from("早班夜班买提江·阿卜杜热合曼 2026-11-23（）ab"),
                     max_size=90),
    office=st.sampled_from(["", "阳光花园物业服务中心", OFFICE_60]),
    stamp=st.sampled_from(["", "草稿"]),
)  # fmt: skip
def test_header_texts_never_overlap(subtitle: str, office: str, stamp: str) -> None:
    f = PORTRAIT
    head = FormHead(office, "客服值班记录表", "QR-032SD", "JB-20261123-01", NOW,
                    subtitle=subtitle, stamp=stamp)  # fmt: skip
    boxes = [text_box(*t) for t in header_texts(f, head)]
    # the parts drawn where they always are: the QR code, the title (6 pt between its
    # characters), the stamp
    title_w = pdf_fonts.width(head.title, TITLE_SIZE) + 6 * (len(head.title) - 1)
    middle, title_y = (f.left + f.right) / 2, f.top - TITLE_BASE
    fixed = [
        quiet_box(f, head.serial),
        (middle - title_w / 2, title_y - DESCENT * TITLE_SIZE,
         middle + title_w / 2, title_y + ASCENT * TITLE_SIZE),
    ]  # fmt: skip
    if stamp:
        fixed.append((f.left, f.top - 48, f.left + STAMP_W, f.top - 18))
    for k, box in enumerate(boxes):
        assert f.left - 0.01 <= box[0] and box[2] <= f.right + 0.01
        assert box[1] > f.top - HEADER_H + 4  # above the rule under the header
        for other in boxes[k + 1 :] + fixed:
            assert not overlap(box, other), (box, other)


# --- xlsx: the head rows grow with what wraps in them ------------------------------------------


@pytest.mark.parametrize("make", [workorder, register, lambda: handover(LONG_NAME)])
def test_xlsx_office_row_grows_with_a_long_name(make: Any, tmp_path: Path) -> None:
    form = make()
    short = load_workbook(render_xlsx(form, tmp_path / "short.xlsx")).active
    ws = load_workbook(render_xlsx(with_office(form, OFFICE_60), tmp_path / "long.xlsx")).active
    assert ws["A1"].value == OFFICE_60 and ws["A1"].alignment.wrap_text
    assert short.row_dimensions[1].height == 22  # one line, as before
    if isinstance(form, LoanRegister):  # 60 characters fit the landscape width on one line
        longer = with_office(form, OFFICE_60 * 2)
        ws = load_workbook(render_xlsx(longer, tmp_path / "longer.xlsx")).active
    assert ws.row_dimensions[1].height >= 22 + 12 * 1.3  # a line more at 12 pt


def test_xlsx_info_row_grows_with_a_long_duty_name(tmp_path: Path) -> None:
    short = load_workbook(render_xlsx(handover(), tmp_path / "short.xlsx")).active
    ws = load_workbook(render_xlsx(handover((LONG_NAME * 4)[:40]), tmp_path / "long.xlsx")).active
    assert short.row_dimensions[3].height == 18
    assert ws.row_dimensions[3].height >= 18 + 9.5 * 1.3

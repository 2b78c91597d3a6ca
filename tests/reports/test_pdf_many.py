"""Several forms in one PDF (the day's 派工单 printed in one go): every page as the single
form draws it, each form numbered on its own, a register landscape among portrait pages.

poppler-utils (pdftotext, pdfinfo) are required, as for test_pdf_forms.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.form_samples import head, register, sentences, workorder

from desk.reports.pdf_forms import render_pdf, render_pdf_many


def run(*args: str | Path) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_sizes(path: Path) -> list[str]:
    info = run("pdfinfo", "-f", "1", "-l", "99", path)
    return re.findall(r"Page\s+\d+ size:\s+([\d.]+ x [\d.]+)", info)


def text_of(path: Path, page: int) -> str:
    return run("pdftotext", "-raw", "-enc", "UTF-8", "-f", str(page), "-l", str(page), path, "-")


def test_forms_follow_one_another(tmp_path: Path) -> None:
    first = workorder()
    second = workorder(head=head("派工单", "QR-025SD", "PG-20261123-004"))
    long = workorder(head=head("派工单", "QR-025SD", "PG-20261123-005"), work_done=sentences(4000))
    single = render_pdf(long, tmp_path / "long.pdf")
    out = render_pdf_many([first, second, long, register()], tmp_path / "batch.pdf", "今日派工单")

    long_pages = len(page_sizes(single))
    assert long_pages > 1  # the sample really runs over
    sizes = page_sizes(out)
    assert len(sizes) == 2 + long_pages + 1
    assert sizes[0] == "595.276 x 841.89" and sizes[-1] == "841.89 x 595.276"  # A4, A4 across
    assert "PG-20261123-003" in text_of(out, 1) and "第 1 页 / 共 1 页" in text_of(out, 1)
    assert "PG-20261123-004" in text_of(out, 2)
    third = text_of(out, 3 + long_pages - 1)
    assert "PG-20261123-005" in third and f"第 {long_pages} 页 / 共 {long_pages} 页" in third
    assert "JYDJ-20261123" in text_of(out, len(sizes))
    assert "今日派工单" in run("pdfinfo", out)


def test_a_batch_page_is_the_single_form(tmp_path: Path) -> None:
    form = replace(workorder(), description="只有这一张")
    alone = render_pdf(form, tmp_path / "alone.pdf")
    batch = render_pdf_many([form], tmp_path / "batch.pdf")
    assert text_of(batch, 1) == text_of(alone, 1)


def test_nothing_to_render(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_pdf_many([], tmp_path / "none.pdf")

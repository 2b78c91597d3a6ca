"""``desk signed SERIAL FILE``: a scan of the signed paper filed against its record by the
QR code printed on it; another record's scan refused with exit code 2 naming what it found."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from helpers.office import finish_order
from sqlmodel import select

from desk import cli
from desk.models import SignedCopy
from desk.models.enums import SignedWay
from desk.reports.form_data import render
from desk.services.core.transactions import reading
from desk.services.io import form_prints, paper_forms
from desk.services.records import workorders
from desk.services.records.workorders import WorkOrderDraft


def printed_orders(write, n: int) -> list[str]:
    serials = []
    with write() as ctx:
        for _ in range(n):
            order = workorders.create(ctx, WorkOrderDraft("卫生间漏水", "水电", room="3-2-1201"))
            finish_order(ctx, order.id)
            form_prints.record(ctx, [paper_forms.workorder_form(ctx, order.serial)], "前台打印机")
            serials.append(order.serial)
    return serials


def scanned(engine, serial: str, out: Path) -> Path:
    """The order's real 派工单 as the desk prints it, 'scanned' at 150 dpi to a JPEG."""
    pdf = out.with_suffix(".pdf")
    with reading(engine) as ctx:
        render(paper_forms.workorder_form(ctx, serial), pdf)
    page = pdfium.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil().convert("RGB")
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=80)
    out.write_bytes(buffer.getvalue())
    return out


def desk(db: Path, *args: str) -> int:
    return cli.main(["--db", str(db), "signed", *args])


def test_a_scan_is_filed_by_its_code(db_path, engine, write, tmp_path, capsys, fetch) -> None:
    (serial,) = printed_orders(write, 1)
    scan = scanned(engine, serial, tmp_path / "扫描 001.jpg")
    engine.dispose()
    assert desk(db_path, serial.lower(), str(scan)) == 0
    assert f"扫描 001.jpg 已归档到 {serial}（二维码相符）" in capsys.readouterr().out
    (row,) = fetch(select(SignedCopy))
    assert (row.serial, row.way, row.filename, row.mime) == (
        serial,
        SignedWay.SCAN,
        "扫描 001.jpg",
        "image/jpeg",
    )


def test_another_records_scan_is_refused_naming_it(
    db_path, engine, write, tmp_path, capsys, fetch
) -> None:
    first, second = printed_orders(write, 2)
    scan = scanned(engine, second, tmp_path / "scan.jpg")
    engine.dispose()
    assert desk(db_path, first, str(scan)) == 2
    err = capsys.readouterr().err
    assert f"扫描件上的二维码是 {second}，不是 {first}" in err
    assert fetch(select(SignedCopy)) == []


def test_bad_files_exit_2_with_a_reason(db_path, write, tmp_path, capsys) -> None:
    (serial,) = printed_orders(write, 1)
    assert desk(db_path, serial, str(tmp_path / "missing.jpg")) == 2
    assert "读不了" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("不是扫描件", encoding="utf-8")
    assert desk(db_path, serial, str(text)) == 2
    assert "签字件" in capsys.readouterr().err

"""The pictures and charts of a written ``.xlsx``, read from its XML parts.

openpyxl reads them back only into private attributes (``ws._images``, ``ws._charts``);
the tests read the parts Excel itself reads instead. First sheet, first drawing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

NS = {
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}


@dataclass(frozen=True)
class Series:
    values: str  # the formula of the cells plotted
    name: str | None  # the formula of the cell naming the series
    categories: str | None


@dataclass(frozen=True)
class Chart:
    kind: str  # "barChart", "pieChart" …
    title: str
    grouping: str | None
    series: list[Series]
    value_format: str | None  # the value axis' number format


def picture_anchors(path: Path) -> list[tuple[int, int]]:
    """(row, column), 0-based, of each picture's top left corner on the sheet."""
    with zipfile.ZipFile(path) as z:
        if "xl/drawings/drawing1.xml" not in z.namelist():
            return []
        root = ElementTree.fromstring(z.read("xl/drawings/drawing1.xml"))
    out = []
    for anchor in root:
        if anchor.find("xdr:pic", NS) is not None:
            start = anchor.find("xdr:from", NS)
            assert start is not None
            out.append((int(_text(start, "xdr:row")), int(_text(start, "xdr:col"))))
    return out


def charts(path: Path) -> list[Chart]:
    """The workbook's charts in the order they were added."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        names.sort(key=lambda n: int(re.sub(r"\D", "", n)))
        return [_chart(ElementTree.fromstring(z.read(n))) for n in names]


def _chart(root: ElementTree.Element) -> Chart:
    chart = root.find("c:chart", NS)
    assert chart is not None
    plot = chart.find("c:plotArea", NS)
    assert plot is not None
    kind = next(e for e in plot if e.tag.endswith("Chart"))
    grouping = kind.find("c:grouping", NS)
    value_format = plot.find("c:valAx/c:numFmt", NS)
    return Chart(
        kind=kind.tag.rsplit("}", 1)[1],
        title="".join(t.text or "" for t in chart.iterfind("c:title//a:t", NS)),
        grouping=None if grouping is None else grouping.get("val"),
        series=[
            Series(
                values=_text(ser, "c:val//c:f"),
                name=_maybe(ser, "c:tx/c:strRef/c:f"),
                categories=_maybe(ser, "c:cat//c:f"),
            )
            for ser in kind.iterfind("c:ser", NS)
        ],
        value_format=None if value_format is None else value_format.get("formatCode"),
    )


def _maybe(element: ElementTree.Element, path: str) -> str | None:
    found = element.find(path, NS)
    return None if found is None else found.text


def _text(element: ElementTree.Element, path: str) -> str:
    found = _maybe(element, path)
    assert found is not None, path
    return found


def print_with_libreoffice(sources: list[Path], folder: Path) -> None:
    """Convert ``sources`` to PDFs in ``folder`` as LibreOffice prints them (``x.xlsx`` →
    ``folder/x.pdf``), with a profile of its own: no clash with a running office."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required (apt-get install libreoffice-calc-nogui)"
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip

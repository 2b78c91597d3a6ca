"""签回 scans: what kind of file a scanned or photographed signed form is, which serials
its QR codes carry, and what the database keeps of it. Plain bytes in, no Qt, no database.

Every printed form carries its serial (``PG-20261206-003``, ``TS-…``, ``JY-…``) as a QR
code in its header (``desk.reports.qr``, 17.6 mm, error correction M), so a scan finds its
record by itself:

    media = scans.media_type(data, name)  # ValidationError: not a scan, empty, too big
    found = scans.serials_in(data)         # [] → ask for the serial
    stored, mime = scans.for_storage(data, media)

**Reading.** ``serials_in`` returns the QR codes' texts in page order, each once (a loan
slip is printed twice on its sheet; a two-page 派工单 has the serial on both pages).
Whether a text is a serial of this desk is the caller's question. Cheap attempts first,
dearer ones only when nothing was found, because most scans are clean:

- a PDF (what a document scanner saves): each page (the first ``MAX_PAGES``) rendered
  in grey at 150 dpi, where a module is 4.7 pixels; a page where nothing is found and
  that is not blank is rendered again at 300 dpi and read like a photo (below). Pages
  are capped in pixels, so a poster-sized page cannot exhaust the memory.
- an image (a phone photo, a scanner's JPG/PNG/TIFF; every page of a multi-page TIFF):
  turned upright by its EXIF orientation, grey (a 16-bit scan stretched, not clipped),
  a photo over ``READ_MAX_SIDE`` scaled down (a JPEG decoded at the smaller scale,
  which is fast). Then, while nothing is found: the photo halved (averages the noise
  away), sharpened (blur), smoothed then sharpened at full size (blur with noise: the
  slowest try), and a hard black-and-white one. Measured on simulated phone photos:
  zxing-cpp's own local threshold already copes with shadows and dim light, so
  contrast stretching alone adds nothing; noise and blur are what defeat it. A blank
  page stops after the first try. zxing-cpp itself tries 90°/270° turns; upside down
  is still a QR code.

A file Pillow or PDFium cannot open or decode, truncated or damaged, raises
``ValidationError`` — never another exception type, whatever the bytes.

**Keeping.** Scans are stored inside the database, like a complaint's attachments, so
every backup holds them; backups keep ~23 copies, so a 6 MB phone photo costs ~140 MB of
backups. ``for_storage`` therefore keeps a PDF as it is (a scanner's PDF is already
compressed, and re-rendering would lose its text and vector lines) and an image up to
``KEEP_BYTES`` as it is; a larger image is re-encoded once: upright (its EXIF
orientation applied, so every viewer shows it the right way up), the long side at most
``STORE_SIDE`` pixels (A4 at 300 dpi: the paper's every stroke is still readable), JPEG
quality 85, in colour (a red fingerprint or a red stamp is what proves the signature)
with its colour profile, without the rest of its EXIF (a phone's GPS position).
A re-encoded copy never ends up bigger than the original: then the original is kept. A
multi-page TIFF becomes a PDF of such JPEG pages, so no page is lost.

PDFium is not thread-safe; every use of it here holds ``_PDFIUM``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from desk.models.errors import ValidationError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_BYTES = 20 * 1024 * 1024  # as a complaint's attachment
MAX_PAGES = 20  # read this many pages of a PDF or TIFF: a signed form has one or two
MAX_PIXELS = 60_000_000  # an image larger than this is refused (a 50 MP photo passes)
KEEP_BYTES = 3 * 1024 * 1024 // 2  # an image up to 1.5 MB is stored as it came
STORE_SIDE = 2480  # long side of a re-encoded image: A4 at 300 dpi
STORE_QUALITY = 85
A4_LONG_INCHES = 297 / 25.4
READ_SIDE = 2000  # a photo longer than 1.25 times this is also read at half its size
READ_MAX_SIDE = 4000  # a larger photo is read at this size
PDF_DPI = 150
PDF_RETRY_DPI = 300
PDF_PAGE_PIXELS = 25_000_000  # a rendered page is capped at this (A4 at 300 dpi: 8.7 M)

FIELD, LABEL = "scan", "签字件"
PDF = "application/pdf"

_PDFIUM = threading.Lock()

# (media type, test on the first bytes), in the order they are tried
_MAGIC: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    (PDF, lambda b: b"%PDF-" in b[:1024]),  # the header may follow up to 1 KB of junk
    ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/tiff", lambda b: b[:4] in (b"II*\x00", b"MM\x00*")),
    ("image/bmp", lambda b: b.startswith(b"BM")),
    ("image/webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def _error(reason: str) -> ValidationError:
    return ValidationError(FIELD, LABEL, reason)


def _broken() -> ValidationError:
    return _error("文件已损坏，无法打开，请重新扫描")


# --- what the file is --------------------------------------------------------------------------


def media_type(data: bytes, name: str = "") -> str:
    """The scan's media type by its first bytes (its name's suffix may lie): a PDF, JPEG,
    PNG, TIFF, BMP or WebP. Anything else, an empty file or one over ``MAX_BYTES`` raises
    ``ValidationError`` saying what to do; ``name`` (the file's name) is quoted in it."""
    quoted = f"“{name}”" if name else "这个文件"
    if not data:
        raise _error(f"{quoted}是空的，请重新扫描")
    if len(data) > MAX_BYTES:
        mb = len(data) / 1024 / 1024
        raise _error(
            f"{quoted}太大（{mb:.0f} MB），请小于 {MAX_BYTES // 1024 // 1024} MB："
            "扫描仪请选 300 dpi，手机照片请存为 JPG"
        )
    for media, test in _MAGIC:
        if test(data):
            return media
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        raise _error(
            f"{quoted}是苹果手机的 HEIC 照片，无法读取：请在手机“设置—相机—格式”中选"
            "“兼容性最佳”后重拍，或先存为 JPG"
        )
    raise _error(f"{quoted}不是图片或 PDF 文件（扫描件请存为 PDF、JPG 或 PNG）")


# --- what its QR codes say ---------------------------------------------------------------------


def serials_in(data: bytes) -> list[str]:
    """The texts of the QR codes in the scan, page by page and top to bottom, each once;
    [] when none can be read (then the desk asks for the serial). Raises
    ``ValidationError`` for a file that is no scan or is damaged."""
    media = media_type(data)
    pages = _pdf_pages(data) if media == PDF else _image_pages(data)
    found: dict[str, None] = {}
    for texts in pages:
        found.update(dict.fromkeys(texts))
    return list(found)


def _read(image: Image, **options: object) -> list[str]:
    """The QR codes' texts on ``image`` (mode L), top to bottom then left to right."""
    import zxingcpp

    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, **options)

    def place(code: zxingcpp.Barcode) -> tuple[float, float]:
        p = code.position
        corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        return sum(c.y for c in corners) / 4, sum(c.x for c in corners) / 4

    return [code.text for code in sorted(codes, key=place)]


def _read_hard(gray: Image) -> list[str]:
    """Read a photo or a faint page: as it is, then variants until one gives codes."""
    for k, image in enumerate(_variants(gray)):
        found = _read(image)
        if found or (k == 0 and _blank(gray)):
            return found
    return []


def _blank(gray: Image) -> bool:
    """Nothing printed: under 0.05 % of the pixels clearly darker than the paper (the
    median). A QR code alone darkens ~0.25 % of an A4 page; a blank back side of a duplex
    scan then costs no variants."""
    hist = gray.histogram()
    total = sum(hist)
    seen, paper = 0, 255
    for level, count in enumerate(hist):
        seen += count
        if seen * 2 >= total:
            paper = level
            break
    return sum(hist[: max(0, paper - 48)]) * 2000 < total


def _variants(gray: Image) -> Iterator[Image]:
    """``gray`` and what to try after it, each made only when asked for. zxing-cpp's own
    local threshold copes with shadows and dim light; what defeats it in a phone photo is
    noise and blur. Halving a large photo averages the noise away (and is fast),
    sharpening restores the modules' edges; a gentle blur before sharpening at full size
    is the slow last try, then a hard black-and-white picture."""
    from PIL import ImageFilter, ImageOps

    yield gray
    base = gray
    if max(gray.size) > READ_SIDE * 5 // 4:
        base = gray.reduce(2)
        yield base
    yield base.filter(ImageFilter.UnsharpMask(radius=3, percent=300, threshold=0))
    smooth = gray.filter(ImageFilter.GaussianBlur(1.5))
    yield smooth.filter(ImageFilter.UnsharpMask(radius=4, percent=300, threshold=0))
    yield _black_and_white(ImageOps.autocontrast(base, cutoff=1))


def _black_and_white(gray: Image) -> Image:
    return gray.point(_threshold(gray))


def _threshold(gray: Image) -> list[int]:
    """A lookup table that turns ``gray`` black-and-white at Otsu's threshold."""
    hist = gray.histogram()
    total = sum(hist)
    weighted = sum(i * n for i, n in enumerate(hist))
    best, cut, below, below_sum = -1.0, 128, 0, 0.0
    for level in range(256):
        below += hist[level]
        below_sum += level * hist[level]
        above = total - below
        if below == 0 or above == 0:
            continue
        m0, m1 = below_sum / below, (weighted - below_sum) / above
        spread = below * above * (m0 - m1) ** 2
        if spread > best:
            best, cut = spread, level
    return [0 if v <= cut else 255 for v in range(256)]


def _box() -> int:
    from PIL import Image

    return Image.Resampling.BOX


def _pdf_pages(data: bytes) -> Iterator[list[str]]:
    """Each page's texts; a page is read again at 300 dpi when 150 found nothing."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            raise _broken() from None
        try:
            count = min(len(pdf), MAX_PAGES)
        except pdfium.PdfiumError:
            pdf.close()
            raise _broken() from None
    try:
        for k in range(count):
            page = _render(pdf, k, PDF_DPI)
            found = _read(page)
            if not found and not _blank(page):
                found = _read_hard(_render(pdf, k, PDF_RETRY_DPI))
            yield found
    finally:
        with _PDFIUM:
            pdf.close()


def _render(pdf: object, index: int, dpi: int) -> Image:
    """Page ``index`` in grey at ``dpi``, or smaller when that would pass PDF_PAGE_PIXELS."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            page = pdf[index]  # type: ignore[index]
            try:
                width, height = page.get_size()
                scale = dpi / 72
                pixels = width * height * scale * scale
                if pixels > PDF_PAGE_PIXELS:
                    scale *= (PDF_PAGE_PIXELS / pixels) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil()
            finally:
                page.close()
        except (pdfium.PdfiumError, ValueError, OverflowError):
            raise _broken() from None
    return image if image.mode == "L" else image.convert("L")


def _image_pages(data: bytes) -> Iterator[list[str]]:
    from PIL import ImageOps

    for frame in _frames(data, mode="L", side=READ_MAX_SIDE):
        if max(frame.size) > READ_MAX_SIDE:  # a 50 MP photo: its QR code is still 10 px a module
            frame = ImageOps.contain(frame, (READ_MAX_SIDE, READ_MAX_SIDE), method=_box())
        yield _read_hard(frame)


def _frames(data: bytes, mode: str, side: int = 0) -> list[Image]:
    """The image's pages (a TIFF may have several), upright, in ``mode`` (L or RGB). With
    ``side``, a JPEG is decoded at the smallest scale still at least that long (fast)."""
    from PIL import Image, ImageSequence

    try:
        with Image.open(io.BytesIO(data)) as im:
            frames = []
            for frame in ImageSequence.Iterator(im):
                if len(frames) == MAX_PAGES:
                    break
                if frame.width * frame.height > MAX_PIXELS:
                    raise _too_many_pixels(frame.width * frame.height)
                if side and frame.format == "JPEG":
                    frame.draft(mode, _draft_size(frame.size, side))
                frames.append(_in_mode(_upright(frame), mode))
            return frames
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(0) from None
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, struct.error …)
        raise _broken() from None


def _too_many_pixels(pixels: int) -> ValidationError:
    size = f"（{pixels // 10_000} 万像素）" if pixels else ""
    return _error(f"图片太大{size}，请用扫描仪的 300 dpi 或手机的普通拍照模式重新扫描")


def _draft_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The draft request keeping the aspect with the long side ``side``."""
    scale = side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _upright(image: Image) -> Image:
    """``image`` turned as its EXIF orientation says; a damaged EXIF block is ignored."""
    from PIL import ImageOps

    try:
        turned = ImageOps.exif_transpose(image)
    except Exception:  # the pixels may be fine when the EXIF block is not
        turned = None
    if turned is None:
        image.load()
        return image.copy()
    return turned


def _in_mode(image: Image, mode: str) -> Image:
    """``image`` as 8-bit grey (L) or colour (RGB, or L when it has no colour): 16-bit
    scans stretched rather than clipped, transparency laid on white paper."""
    from PIL import Image

    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        low, high = image.getextrema()
        span = (high - low) or 1
        image = image.convert("F").point(lambda v: (v - low) * 255 / span).convert("L")
    if image.mode in ("1", "L"):
        return image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, rgba)
    return image.convert(mode)


# --- what the database keeps -------------------------------------------------------------------


def for_storage(data: bytes, media: str) -> tuple[bytes, str]:
    """The bytes and media type to store for a scan of ``media`` (from ``media_type``): a
    PDF and an image up to KEEP_BYTES as they are; a larger image upright, at most
    STORE_SIDE pixels long, JPEG quality 85 in colour (a multi-page TIFF: a PDF of such
    pages) — or the original when that is no smaller."""
    if media == PDF or len(data) <= KEEP_BYTES:
        return data, media
    icc = _icc_profile(data)
    pages = [_fit(page) for page in _frames(data, mode="RGB", side=STORE_SIDE)]
    out = io.BytesIO()
    if len(pages) == 1:
        pages[0].save(out, "JPEG", quality=STORE_QUALITY, optimize=True, icc_profile=icc)
        stored = out.getvalue(), "image/jpeg"
    else:  # every page kept: Pillow writes each as a JPEG (DCTDecode) page of the PDF,
        # the first page's long side as long as A4's (a TIFF's own dpi is often missing)
        dpi = max(pages[0].size) / A4_LONG_INCHES
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi,
                      quality=STORE_QUALITY)  # fmt: skip
        stored = out.getvalue(), PDF
    return stored if len(stored[0]) < len(data) else (data, media)


def _fit(image: Image) -> Image:
    from PIL import Image as PILImage
    from PIL import ImageOps

    if max(image.size) <= STORE_SIDE:
        return image
    return ImageOps.contain(image, (STORE_SIDE, STORE_SIDE), method=PILImage.Resampling.LANCZOS)


def _icc_profile(data: bytes) -> bytes | None:
    """The image's colour profile (a phone's Display P3), kept so colours stay right."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            icc = im.info.get("icc_profile")
    except Exception:
        return None  # _frames says what is wrong with the file
    return icc if isinstance(icc, bytes) and icc else None

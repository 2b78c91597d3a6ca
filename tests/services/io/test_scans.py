"""签回 scans: a real 派工单, rendered by the project's renderer, comes back as a scanner's
PDF, a straight PNG, a phone photo (tilted, keystoned, blurred, noisy JPEG), turned by EXIF
or upside down, two forms on one image, a multi-page TIFF — and its serial is read from
the QR code. What is no scan, or is damaged, is a ValidationError and nothing else; what
the database keeps of a large photo is smaller, upright, in colour and still readable.
"""

from __future__ import annotations

import contextlib
import io
import math
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from helpers.form_samples import complaint, sentences, slip, workorder
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter

from desk.models.errors import ValidationError
from desk.reports.pdf_forms import render_pdf, render_pdf_many
from desk.reports.pdf_layout import PORTRAIT, quiet_box
from desk.services.io import scans
from desk.services.io.scans import MAX_BYTES, for_storage, media_type, serials_in

SERIAL = workorder().head.serial  # PG-20261123-003
OTHER = complaint().head.serial  # TS-20261123-001
DPI = 150
DESK = (118, 112, 104)  # the grey-brown desk under a phone photo
RED = (200, 30, 40)  # a fingerprint in red ink paste
ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825  # EXIF tags


# --- builders ----------------------------------------------------------------------------------


def render_page(pdf: bytes, dpi: int = DPI, index: int = 0) -> Image.Image:
    """Page ``index`` of ``pdf`` in colour, as a scanner would see the paper."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
    finally:
        doc.close()
    return image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def noise_like(size: tuple[int, int], sigma: float, seed: int) -> Image.Image:
    """Gaussian sensor noise around 128, the same for the same seed: one random tile
    repeated (a whole photo's worth of random numbers takes seconds), each row of tiles
    shifted so the repeats do not line up."""
    rnd = random.Random(seed)
    pixels = (min(255, max(0, round(rnd.gauss(128, sigma)))) for _ in range(251 * 251))
    tile = Image.frombytes("L", (251, 251), bytes(pixels))
    noise = Image.new("L", size)
    for y in range(0, size[1], 251):
        for x in range(-(y % 97), size[0], 251):
            noise.paste(tile, (x, y))
    return noise


def phone_photo(
    page: Image.Image, *, angle: float = 6.0, width: int = 3000, seed: int = 1
) -> Image.Image:
    """``page`` lying on a desk, photographed from above its near edge: turned by ``angle``
    degrees, the far edge narrower (keystone), scaled to ``width`` pixels, blurred by 1 px,
    with sensor noise — a phone's photo before its JPEG encoding."""
    bg = Image.new("RGB", (round(page.width * 1.4), round(page.height * 1.3)), DESK)
    bg.paste(page, ((bg.width - page.width) // 2, (bg.height - page.height) // 2))
    scale = width / bg.width
    height = round(bg.height * scale)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def source(x: float, y: float, spread: float) -> tuple[float, float]:
        """Where the photo's pixel (x, y) comes from on the desk; the far edge's row takes
        in ``spread`` times as much, so the paper looks narrower there."""
        dx, dy = (x - width / 2) / scale * spread, (y - height / 2) / scale
        return bg.width / 2 + dx * cos - dy * sin, bg.height / 2 + dx * sin + dy * cos

    # QUAD: the source corners of the output's upper left, lower left, lower right, upper right
    corners = [source(0, 0, 1.1), source(0, height, 1.0), source(width, height, 1.0),
               source(width, 0, 1.1)]  # fmt: skip
    photo = bg.transform(
        (width, height),
        Image.Transform.QUAD,
        [v for corner in corners for v in corner],
        Image.Resampling.BILINEAR,
        fillcolor=DESK,
    ).filter(ImageFilter.GaussianBlur(1))
    noise = noise_like(photo.size, 14, seed)
    return ImageChops.add(photo, Image.merge("RGB", [noise] * 3), scale=1.0, offset=-128)


def with_orientation(upright: Image.Image, **options: object) -> bytes:
    """A phone's JPEG: its pixels lie turned, with the EXIF orientation that turns them
    upright again (6: the camera was held on its side; viewers turn it 90° clockwise),
    the phone's make and where it was (GPS)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "Phone"
    exif.get_ifd(GPS)[2] = (31.0, 14.0, 5.0)  # latitude
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # 90° anticlockwise
    return encoded(stored, "JPEG", exif=exif.tobytes(), **options)


def without_qr(page: Image.Image, serial: str = SERIAL, dpi: int = DPI) -> Image.Image:
    """``page`` (of a portrait form) with its QR code painted over in white."""
    x0, y0, x1, y1 = (v * dpi / 72 for v in quiet_box(PORTRAIT, serial))
    top = PORTRAIT.height * dpi / 72
    blank = page.copy()
    ImageDraw.Draw(blank).rectangle([x0, top - y1, x1, top - y0], fill="white")
    return blank


# --- fixtures: the forms are rendered once ----------------------------------------------------


@pytest.fixture(scope="module")
def form_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return render_pdf(workorder(), tmp_path_factory.mktemp("scans") / "派工单.pdf").read_bytes()


@pytest.fixture(scope="module")
def page(form_pdf: bytes) -> Image.Image:
    """The 派工单's first page as a 150 dpi colour scan."""
    return render_page(form_pdf)


@pytest.fixture(scope="module")
def other_page(tmp_path_factory: pytest.TempPathFactory) -> Image.Image:
    path = render_pdf(complaint(), tmp_path_factory.mktemp("scans") / "投诉处理单.pdf")
    return render_page(path.read_bytes())


@pytest.fixture(scope="module")
def photo(page: Image.Image) -> Image.Image:
    """The 派工单 photographed with a phone, signed with a red fingerprint first."""
    signed = page.copy()
    ImageDraw.Draw(signed).ellipse([900, 1500, 1000, 1620], fill=RED)
    return phone_photo(signed)


# --- what the file is --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("PDF", "application/pdf"), ("JPEG", "image/jpeg"), ("PNG", "image/png"),
     ("TIFF", "image/tiff"), ("BMP", "image/bmp"), ("WEBP", "image/webp")],
)  # fmt: skip
def test_media_type_by_the_first_bytes_whatever_the_name(fmt: str, media: str) -> None:
    data = encoded(Image.new("RGB", (40, 30), "white"), fmt)
    assert media_type(data) == media
    assert media_type(data, "签字件.docx") == media  # the name's suffix may lie


def test_media_type_pdf_after_junk_and_big_endian_tiff() -> None:
    assert media_type(b"\r\n% scanner\r\n%PDF-1.4\n...") == "application/pdf"
    assert media_type(b"MM\x00*\x00\x00\x00\x08") == "image/tiff"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "是空的"),
        (b"PK\x03\x04 a Word file", "扫描件请存为 PDF、JPG 或 PNG"),
        (b"just some text\n", "不是图片或 PDF 文件"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC"),
        (b"%PDF-1.7\n" + bytes(MAX_BYTES), "请小于 20 MB"),
    ],
)
def test_media_type_refuses_what_is_no_scan_saying_what_to_do(data: bytes, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        media_type(data, "回执.docx")
    assert (caught.value.field, caught.value.label) == ("scan", "签字件")
    assert says in caught.value.reason
    assert "“回执.docx”" in caught.value.reason


def test_a_file_of_exactly_max_bytes_passes() -> None:
    data = b"%PDF-1.7\n"
    assert media_type(data + bytes(MAX_BYTES - len(data))) == "application/pdf"


# --- reading the QR code -----------------------------------------------------------------------


def test_the_form_pdf_itself(form_pdf: bytes) -> None:
    assert serials_in(form_pdf) == [SERIAL]


def test_pdf_pages_in_order_each_serial_once(tmp_path: Path) -> None:
    # a complaint, a 派工单 of several pages (its serial on each), a slip printed twice
    forms = [complaint(), workorder(work_done=sentences(2500)), slip()]
    pdf = render_pdf_many(forms, tmp_path / "batch.pdf").read_bytes()
    assert len(pdfium.PdfDocument(pdf)) >= 4
    assert serials_in(pdf) == [OTHER, SERIAL, slip().head.serial]


def test_straight_png_scan_at_150_dpi(page: Image.Image) -> None:
    assert serials_in(encoded(page, "PNG")) == [SERIAL]
    assert serials_in(encoded(page.convert("1"), "PNG")) == [SERIAL]  # a black-and-white scan


def test_phone_photo_tilted_keystoned_blurred_noisy_jpeg(photo: Image.Image) -> None:
    assert photo.width == 3000 and photo.height > 3000
    data = encoded(photo, "JPEG", quality=70)
    assert media_type(data, "IMG_20261123_101502.jpg") == "image/jpeg"
    assert serials_in(data) == [SERIAL]


@pytest.mark.parametrize("angle", [-11.0, 2.5, 17.0])
def test_phone_photo_at_other_angles(page: Image.Image, angle: float) -> None:
    data = encoded(phone_photo(page, angle=angle, width=2000, seed=int(angle)), "JPEG", quality=70)
    assert serials_in(data) == [SERIAL]


def test_image_turned_90_degrees_with_an_exif_orientation(page: Image.Image) -> None:
    data = with_orientation(page, quality=90)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.width > stored.height  # the pixels lie on their side
    assert serials_in(data) == [SERIAL]


def test_upside_down(page: Image.Image) -> None:
    assert serials_in(encoded(page.rotate(180), "PNG")) == [SERIAL]


def test_image_wrapped_in_a_pdf_as_scanners_save(page: Image.Image) -> None:
    pdf = encoded(page, "PDF", resolution=float(DPI))
    assert media_type(pdf) == "application/pdf"
    assert serials_in(pdf) == [SERIAL]


def test_photo_wrapped_in_a_pdf_as_phone_scanner_apps_save(photo: Image.Image) -> None:
    small = photo.resize((1500, round(photo.height * 1500 / photo.width)))
    assert serials_in(encoded(small, "PDF", resolution=72.0)) == [SERIAL]


def test_two_forms_on_one_image_left_to_right(page: Image.Image, other_page: Image.Image) -> None:
    glass = Image.new("RGB", (page.width * 2 + 60, page.height + 40), "white")
    glass.paste(page, (20, 20))
    glass.paste(other_page, (page.width + 40, 20))
    assert serials_in(encoded(glass, "JPEG", quality=85)) == [SERIAL, OTHER]


def test_multi_page_tiff_every_page(page: Image.Image, other_page: Image.Image) -> None:
    pages = [page.convert("L"), other_page.convert("L")]
    tiff = encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    assert serials_in(tiff) == [SERIAL, OTHER]


def test_sixteen_bit_grey_scan(page: Image.Image) -> None:
    deep = page.convert("L").point(lambda v: v * 200, mode="I").convert("I;16")
    data = encoded(deep, "PNG")
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode.startswith("I")
    assert serials_in(data) == [SERIAL]


def test_no_qr_code_is_an_empty_list(page: Image.Image) -> None:
    blank = without_qr(page)
    assert serials_in(encoded(blank, "PNG")) == []
    assert serials_in(encoded(blank, "PDF", resolution=float(DPI))) == []
    assert serials_in(encoded(Image.new("L", (1240, 1754), 250), "PNG")) == []  # a blank back
    assert serials_in(encoded(phone_photo(blank, width=1800), "JPEG", quality=70)) == []


# --- damaged files -----------------------------------------------------------------------------


def assert_broken(data: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        serials_in(data)
    assert caught.value.field == "scan"
    assert caught.value.reason == "文件已损坏，无法打开，请重新扫描"


def test_random_bytes_and_a_truncated_jpeg(page: Image.Image) -> None:
    with pytest.raises(ValidationError):
        serials_in(random.Random(7).randbytes(5000))
    jpeg = encoded(page, "JPEG", quality=80)
    assert_broken(jpeg[: len(jpeg) // 2])
    assert_broken(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert_broken(b"%PDF-1.4\n1 0 obj <<>> endobj\n")


def test_too_many_pixels_is_refused_before_decoding() -> None:
    huge = encoded(Image.new("1", (10_000, 7_000), 1), "PNG")  # 70 M pixels in a small file
    with pytest.raises(ValidationError) as caught:
        serials_in(huge)
    assert "图片太大" in caught.value.reason


MAGIC = [b"", b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"II*\x00",
         b"MM\x00*", b"BM", b"RIFF\x00\x10\x00\x00WEBPVP8 "]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(MAGIC), body=st.binary(max_size=3000))
def test_arbitrary_bytes_raise_nothing_but_validation_error(prefix: bytes, body: bytes) -> None:
    try:
        found = serials_in(prefix + body)
    except ValidationError:
        return
    assert all(isinstance(text, str) for text in found)


@pytest.fixture(scope="module")
def small_files(page: Image.Image, form_pdf: bytes) -> list[bytes]:
    """Small real files of every kind (the header's corner with the QR code) to damage."""
    corner = page.crop((page.width - 320, 0, page.width, 220))
    return [
        encoded(corner, "JPEG", quality=75),
        encoded(corner, "PNG"),
        encoded(corner.convert("L"), "TIFF", compression="tiff_lzw"),
        encoded(corner, "WEBP"),
        encoded(corner.convert("L"), "BMP"),
        encoded(corner, "PDF", resolution=150.0),
        form_pdf,
    ]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_damaged_real_files_raise_nothing_but_validation_error(
    small_files: list[bytes], data: st.DataObject
) -> None:
    original = data.draw(st.sampled_from(small_files))
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(8, len(damaged)))
    with contextlib.suppress(ValidationError):
        serials_in(bytes(damaged[:cut]))


# --- what the database keeps -------------------------------------------------------------------


def red_pixels(image: Image.Image) -> int:
    r, g, b = image.split()
    mask = ImageChops.multiply(
        r.point(lambda v: 255 if v > 140 else 0),
        ImageChops.multiply(g.point(lambda v: 255 if v < 90 else 0),
                            b.point(lambda v: 255 if v < 90 else 0)),
    )  # fmt: skip
    return mask.histogram()[255]


def test_a_big_photo_is_stored_smaller_upright_in_colour_and_readable(
    photo: Image.Image,
) -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = with_orientation(photo, quality=92, icc_profile=profile)
    assert len(data) > scans.KEEP_BYTES
    stored, media = for_storage(data, media_type(data))
    assert media == "image/jpeg" and len(stored) < len(data) / 2
    with Image.open(io.BytesIO(stored)) as im:
        assert im.format == "JPEG" and im.mode == "RGB"
        assert max(im.size) <= scans.STORE_SIDE
        # upright: the photo's own shape, not the sideways pixels'; the same aspect
        assert im.height > im.width
        assert abs(im.width / im.height - photo.width / photo.height) < 0.002
        # turned once: no orientation left to turn it again; nothing of where it was taken
        assert not im.getexif() and not im.getexif().get_ifd(GPS)
        assert im.info["icc_profile"] == profile  # its colours stay right
        # the red fingerprint is still red
        assert red_pixels(im) > 1000
    assert serials_in(stored) == [SERIAL]


def test_a_big_png_scan_becomes_a_jpeg(page: Image.Image) -> None:
    big = page.resize((page.width * 2, page.height * 2))
    noise = noise_like(big.size, 20, 3)  # a scan's grain: PNG cannot compress it away
    data = encoded(ImageChops.add(big, Image.merge("RGB", [noise] * 3), offset=-128), "PNG")
    assert len(data) > scans.KEEP_BYTES
    stored, media = for_storage(data, "image/png")
    assert media == "image/jpeg" and len(stored) < len(data)
    with Image.open(io.BytesIO(stored)) as im:
        assert im.size == (round(big.width * scans.STORE_SIDE / big.height), scans.STORE_SIDE)
    assert serials_in(stored) == [SERIAL]


def test_small_png_and_pdf_are_kept_as_they_are(page: Image.Image, form_pdf: bytes) -> None:
    png = encoded(page.convert("L"), "PNG")
    assert len(png) <= scans.KEEP_BYTES
    assert for_storage(png, "image/png") == (png, "image/png")
    assert for_storage(form_pdf, "application/pdf") == (form_pdf, "application/pdf")
    big_pdf = b"%PDF-1.4\n" + bytes(3_000_000)
    assert for_storage(big_pdf, "application/pdf")[0] is big_pdf


def test_a_re_encoding_that_would_be_bigger_keeps_the_original() -> None:
    # a heavily compressed JPEG, already small in pixels: quality 85 would only grow it
    side = 2400
    grain = Image.frombytes("RGB", (side, side), random.Random(5).randbytes(side * side * 3))
    data = encoded(grain, "JPEG", quality=40)
    assert len(data) > scans.KEEP_BYTES
    assert for_storage(data, "image/jpeg") == (data, "image/jpeg")


def test_a_big_multi_page_tiff_keeps_every_page_as_a_pdf(
    page: Image.Image, other_page: Image.Image
) -> None:
    tiff = encoded(page, "TIFF", save_all=True, append_images=[other_page])  # uncompressed
    assert len(tiff) > scans.KEEP_BYTES
    stored, media = for_storage(tiff, "image/tiff")
    assert media == "application/pdf" and len(stored) < len(tiff)
    doc = pdfium.PdfDocument(stored)
    assert len(doc) == 2
    width, height = doc[0].get_size()
    assert abs(width - 595) < 2 and abs(height - 842) < 1  # printed as A4 again
    doc.close()
    assert serials_in(stored) == [SERIAL, OTHER]


def test_storing_a_damaged_image_is_a_validation_error(photo: Image.Image) -> None:
    data = encoded(photo, "JPEG", quality=92)
    with pytest.raises(ValidationError):
        for_storage(data[: len(data) * 2 // 3], "image/jpeg")

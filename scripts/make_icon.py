"""Draw the program's icon: a reception desk bell on a blue rounded square.

    python scripts/make_icon.py      # writes resources/icons/desk.png and desk.ico

Drawn with Pillow (it comes with reportlab) at 4× size and scaled down, which
anti-aliases the edges. The PNG is the window icon (desk/ui/app.py); the ICO, with
every size Windows asks for, is the exe's icon (build.spec). Both files are committed;
run this again only to change the drawing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
SCALE = 4
BLUE = (37, 99, 160, 255)
BELL = (255, 255, 255, 255)
SHINE = (214, 228, 242, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw() -> Image.Image:
    n = SIZE * SCALE

    def px(v: float) -> int:  # coordinates below are given on the 256 grid
        return round(v * SCALE)

    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((px(8), px(8), px(248), px(248)), radius=px(48), fill=BLUE)
    # the bell: a half dome on a flat base, a knob on top
    d.pieslice((px(52), px(70), px(204), px(222)), start=180, end=360, fill=BELL)
    d.rounded_rectangle((px(40), px(150), px(216), px(172)), radius=px(8), fill=BELL)
    d.rectangle((px(120), px(56), px(136), px(76)), fill=BELL)
    d.rounded_rectangle((px(100), px(46), px(156), px(60)), radius=px(6), fill=BELL)
    # a highlight on the dome keeps it readable as a bell at 16 px as well
    d.arc((px(70), px(88), px(186), px(204)), start=205, end=245, fill=SHINE, width=px(8))
    # the counter the bell stands on
    d.rounded_rectangle((px(56), px(186), px(200), px(198)), radius=px(6), fill=SHINE)
    return img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.save(OUT / "desk.png", optimize=True)
    icon.save(OUT / "desk.ico", sizes=ICO_SIZES)
    print(OUT / "desk.png")
    print(OUT / "desk.ico")


if __name__ == "__main__":
    main()

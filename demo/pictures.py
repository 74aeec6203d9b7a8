"""Demo pictures drawn with Pillow: product silhouettes, category tiles and wide banners.

Products share a bounded pool (one picture per silhouette and color, one fabric swatch per color),
so a catalog of any size stores under two hundred product files. A file already in storage is never drawn
again, which keeps reruns fast and the names stable.
"""

import io
import math
from functools import lru_cache

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from demo.wardrobe import COLORS

SUPERSAMPLE = 2  # draw large, shrink once: smooth edges without per-shape antialiasing
PRODUCT_SIZE = (600, 750)
CATEGORY_SIZE = (800, 800)
BANNER_SIZE = (1600, 640)
WORDMARK = "MARQUE"


def hex_to_rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    """`a` moved a fraction `t` of the way towards `b`."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def luminance(rgb):
    r, g, b = (c / 255 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
INK = (28, 28, 30)
PAPER = (247, 244, 238)
GOLD = (201, 162, 74)


@lru_cache(maxsize=32)
def font(size, *, serif=False):
    names = ("DejaVuSerif-Bold.ttf",) if serif else ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf")
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


class Palette:
    """The tones one picture uses, derived from the garment's color."""

    def __init__(self, rgb):
        self.fabric = rgb
        light = luminance(rgb) > 0.72
        # Pale garments need a darker backdrop to stand out; others sit on a light tint of themselves.
        self.top = mix(rgb, (196, 190, 180), 0.75) if light else mix(rgb, WHITE, 0.82)
        self.bottom = mix(rgb, (170, 164, 154), 0.75) if light else mix(rgb, WHITE, 0.64)
        self.shade = mix(rgb, BLACK, 0.28)
        self.line = mix(rgb, BLACK, 0.45) if luminance(rgb) > 0.25 else mix(rgb, WHITE, 0.35)
        self.highlight = mix(rgb, WHITE, 0.35)
        self.floor = mix(self.bottom, BLACK, 0.12)
        self.text = mix(self.bottom, BLACK, 0.55)


def gradient(size, start, end, *, horizontal=False):
    """A two-color gradient, top to bottom (or left to right)."""
    steps = 64
    strip = Image.new("RGB", (steps, 1) if horizontal else (1, steps))
    strip.putdata([mix(start, end, i / (steps - 1)) for i in range(steps)])
    length = size[0] if horizontal else size[1]
    strip = strip.resize((length, 1) if horizontal else (1, length), Image.Resampling.BILINEAR)
    return strip.resize(size, Image.Resampling.NEAREST)


class Stage:
    """Maps a silhouette's unit coordinates onto a square region of the canvas."""

    def __init__(self, draw, left, top, side):
        self.draw = draw
        self.left, self.top, self.side = left, top, side

    def p(self, x, y):
        return (self.left + x * self.side, self.top + y * self.side)

    def pts(self, points):
        return [self.p(x, y) for x, y in points]

    def w(self, width):
        return max(1, round(width * self.side))

    def arc(self, cx, cy, rx, ry, start, end, steps=16):
        """Points on an ellipse from `start` to `end` degrees (y grows downwards)."""
        return [
            (
                cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
                cy + ry * math.sin(math.radians(start + (end - start) * i / steps)),
            )
            for i in range(steps + 1)
        ]

    def shape(self, points, fill, outline=None, width=0.006):
        self.draw.polygon(self.pts(points), fill=fill, outline=outline, width=self.w(width) if outline else 0)

    def line(self, points, fill, width=0.006):
        self.draw.line(self.pts(points), fill=fill, width=self.w(width), joint="curve")

    def ellipse(self, box, fill=None, outline=None, width=0.006):
        x0, y0 = self.p(box[0], box[1])
        x1, y1 = self.p(box[2], box[3])
        self.draw.ellipse((x0, y0, x1, y1), fill=fill, outline=outline, width=self.w(width) if outline else 0)

    def rounded(self, box, radius, fill, outline=None, width=0.006):
        x0, y0 = self.p(box[0], box[1])
        x1, y1 = self.p(box[2], box[3])
        self.draw.rounded_rectangle(
            (x0, y0, x1, y1), radius=self.w(radius), fill=fill, outline=outline, width=self.w(width) if outline else 0
        )


# Silhouettes, each drawn in a unit square: x to the right, y downwards.


def _neck(stage, pal, cx=0.5, y=0.13, rx=0.11, ry=0.07):
    inner = stage.arc(cx, y, rx, ry, 0, 180) + stage.arc(cx, y, rx, ry * 0.35, 180, 0)
    stage.shape(inner, pal.shade)
    stage.line(stage.arc(cx, y, rx, ry, 0, 180), pal.line, 0.008)


def draw_top(stage, pal):
    body = [
        (0.39, 0.13),
        (0.23, 0.18),
        (0.07, 0.36),
        (0.17, 0.46),
        (0.27, 0.39),
        (0.28, 0.88),
        (0.72, 0.88),
        (0.73, 0.39),
        (0.83, 0.46),
        (0.93, 0.36),
        (0.77, 0.18),
        (0.61, 0.13),
    ]
    stage.shape(body + stage.arc(0.5, 0.13, 0.11, 0.07, 0, 180), pal.fabric, pal.line)
    _neck(stage, pal)
    stage.line([(0.27, 0.39), (0.22, 0.30)], pal.shade, 0.004)
    stage.line([(0.73, 0.39), (0.78, 0.30)], pal.shade, 0.004)
    stage.line([(0.29, 0.84), (0.71, 0.84)], pal.shade, 0.004)


def _long_sleeved(stage, pal, hem=0.86, arc_ry=0.07):
    body = [
        (0.39, 0.13),
        (0.24, 0.17),
        (0.15, 0.28),
        (0.07, 0.78),
        (0.17, 0.80),
        (0.25, 0.44),
        (0.26, hem),
        (0.74, hem),
        (0.75, 0.44),
        (0.83, 0.80),
        (0.93, 0.78),
        (0.85, 0.28),
        (0.76, 0.17),
        (0.61, 0.13),
    ]
    stage.shape(body + stage.arc(0.5, 0.13, 0.11, arc_ry, 0, 180), pal.fabric, pal.line)


def draw_knit(stage, pal):
    _long_sleeved(stage, pal)
    stage.shape([(0.26, 0.80), (0.74, 0.80), (0.74, 0.86), (0.26, 0.86)], pal.shade)
    stage.shape([(0.08, 0.72), (0.18, 0.74), (0.17, 0.80), (0.07, 0.78)], pal.shade)
    stage.shape([(0.92, 0.72), (0.82, 0.74), (0.83, 0.80), (0.93, 0.78)], pal.shade)
    for i in range(24):
        x = 0.27 + i * 0.02
        stage.line([(x, 0.805), (x, 0.855)], pal.line, 0.003)
    _neck(stage, pal)
    for row in range(5):
        y = 0.30 + row * 0.1
        stage.line([(0.30 + (j % 2) * 0.01, y + j * 0.003) for j in range(0, 41, 4)], pal.highlight, 0.002)


def draw_shirt(stage, pal):
    _long_sleeved(stage, pal, hem=0.88, arc_ry=0.04)
    stage.shape([(0.39, 0.13), (0.5, 0.24), (0.44, 0.27), (0.36, 0.17)], pal.highlight, pal.line, 0.004)
    stage.shape([(0.61, 0.13), (0.5, 0.24), (0.56, 0.27), (0.64, 0.17)], pal.highlight, pal.line, 0.004)
    stage.line([(0.5, 0.24), (0.5, 0.88)], pal.line, 0.004)
    for i in range(6):
        y = 0.30 + i * 0.1
        stage.ellipse((0.488, y, 0.512, y + 0.024), fill=pal.highlight, outline=pal.line, width=0.002)
    stage.shape([(0.30, 0.32), (0.40, 0.32), (0.40, 0.42), (0.30, 0.42)], None, pal.line, 0.003)
    stage.line([(0.08, 0.72), (0.18, 0.74)], pal.line, 0.004)
    stage.line([(0.92, 0.72), (0.82, 0.74)], pal.line, 0.004)


def draw_coat(stage, pal):
    body = [
        (0.40, 0.10),
        (0.24, 0.15),
        (0.15, 0.26),
        (0.07, 0.80),
        (0.17, 0.82),
        (0.25, 0.42),
        (0.23, 0.96),
        (0.77, 0.96),
        (0.75, 0.42),
        (0.83, 0.82),
        (0.93, 0.80),
        (0.85, 0.26),
        (0.76, 0.15),
        (0.60, 0.10),
    ]
    stage.shape(body, pal.fabric, pal.line)
    stage.shape([(0.40, 0.10), (0.60, 0.10), (0.5, 0.46)], pal.shade)
    stage.shape([(0.40, 0.10), (0.5, 0.46), (0.38, 0.30), (0.33, 0.16)], pal.highlight, pal.line, 0.004)
    stage.shape([(0.60, 0.10), (0.5, 0.46), (0.62, 0.30), (0.67, 0.16)], pal.highlight, pal.line, 0.004)
    stage.line([(0.5, 0.46), (0.5, 0.96)], pal.line, 0.004)
    for y in (0.52, 0.64):
        stage.ellipse((0.535, y, 0.565, y + 0.03), fill=pal.shade, outline=pal.line, width=0.003)
    stage.line([(0.30, 0.66), (0.40, 0.64)], pal.line, 0.005)
    stage.line([(0.70, 0.66), (0.60, 0.64)], pal.line, 0.005)


def draw_dress(stage, pal):
    stage.line([(0.40, 0.06), (0.40, 0.19)], pal.line, 0.008)
    stage.line([(0.60, 0.06), (0.60, 0.19)], pal.line, 0.008)
    bodice = [(0.37, 0.18), (0.44, 0.18), (0.5, 0.24), (0.56, 0.18), (0.63, 0.18), (0.61, 0.42), (0.39, 0.42)]
    skirt = [(0.39, 0.42), (0.61, 0.42), *stage.arc(0.5, 0.90, 0.31, 0.04, 0, 180)]
    stage.shape(skirt, pal.fabric, pal.line)
    stage.shape(bodice, pal.fabric, pal.line)
    stage.line([(0.39, 0.42), (0.61, 0.42)], pal.shade, 0.012)
    for x0, x1 in ((0.45, 0.36), (0.5, 0.5), (0.55, 0.64), (0.42, 0.27), (0.58, 0.73)):
        stage.line([(x0, 0.44), (x1, 0.90)], pal.shade, 0.004)


def draw_skirt(stage, pal):
    stage.shape([(0.30, 0.14), (0.70, 0.14), (0.70, 0.20), (0.30, 0.20)], pal.shade, pal.line)
    body = [(0.30, 0.20), (0.70, 0.20), *stage.arc(0.5, 0.84, 0.34, 0.05, 0, 180)]
    stage.shape(body, pal.fabric, pal.line)
    for i in range(1, 8):
        x_top = 0.30 + i * 0.05
        x_bottom = 0.16 + i * 0.085
        stage.line([(x_top, 0.21), (x_bottom, 0.87)], pal.shade, 0.004)


def draw_trousers(stage, pal):
    stage.shape([(0.28, 0.08), (0.72, 0.08), (0.72, 0.13), (0.28, 0.13)], pal.shade, pal.line)
    legs = [(0.28, 0.13), (0.72, 0.13), (0.77, 0.94), (0.55, 0.94), (0.5, 0.36), (0.45, 0.94), (0.23, 0.94)]
    stage.shape(legs, pal.fabric, pal.line)
    stage.line([(0.5, 0.13), (0.5, 0.30), (0.46, 0.33)], pal.line, 0.004)
    stage.line([(0.30, 0.14), (0.38, 0.24)], pal.line, 0.004)
    stage.line([(0.70, 0.14), (0.62, 0.24)], pal.line, 0.004)
    stage.line([(0.36, 0.30), (0.34, 0.93)], pal.shade, 0.003)
    stage.line([(0.64, 0.30), (0.66, 0.93)], pal.shade, 0.003)
    for x in (0.34, 0.5, 0.66):
        stage.line([(x, 0.08), (x, 0.13)], pal.line, 0.005)


def draw_swimsuit(stage, pal):
    stage.line([(0.38, 0.06), (0.39, 0.20)], pal.line, 0.008)
    stage.line([(0.62, 0.06), (0.61, 0.20)], pal.line, 0.008)
    body = [
        (0.35, 0.19),
        (0.43, 0.19),
        (0.5, 0.30),
        (0.57, 0.19),
        (0.65, 0.19),
        (0.67, 0.42),
        (0.61, 0.60),
        (0.68, 0.80),
        (0.57, 0.86),
        (0.5, 0.80),
        (0.43, 0.86),
        (0.32, 0.80),
        (0.39, 0.60),
        (0.33, 0.42),
    ]
    stage.shape(body, pal.fabric, pal.line)
    stage.line([(0.37, 0.44), (0.63, 0.44)], pal.shade, 0.006)
    stage.line([(0.43, 0.19), (0.5, 0.30), (0.57, 0.19)], pal.line, 0.005)


def _sole(stage, pal, top, bottom, left=0.08, right=0.92):
    sole = mix(pal.fabric, WHITE, 0.85) if luminance(pal.fabric) < 0.7 else mix(pal.fabric, (120, 84, 52), 0.6)
    stage.rounded((left, top, right, bottom), 0.03, sole, pal.line, 0.004)


def draw_sneaker(stage, pal):
    _sole(stage, pal, 0.62, 0.72)
    upper = [
        (0.10, 0.64),
        (0.11, 0.46),
        (0.20, 0.40),
        (0.31, 0.42),
        (0.40, 0.33),
        (0.49, 0.32),
        (0.60, 0.42),
        (0.77, 0.50),
        (0.89, 0.56),
        (0.92, 0.64),
    ]
    stage.shape(upper, pal.fabric, pal.line)
    stage.line([(0.74, 0.52), (0.80, 0.64)], pal.shade, 0.004)
    stage.line([(0.22, 0.60), (0.40, 0.50), (0.62, 0.56)], pal.highlight, 0.014)
    for i in range(4):
        x = 0.45 + i * 0.045
        y = 0.37 + i * 0.035
        stage.ellipse((x, y, x + 0.018, y + 0.018), fill=pal.line)
        stage.line([(x + 0.009, y + 0.009), (x + 0.05, y - 0.005)], pal.highlight, 0.004)
    stage.shape([(0.11, 0.46), (0.17, 0.42), (0.17, 0.60), (0.10, 0.62)], pal.shade)


def draw_boot(stage, pal):
    _sole(stage, pal, 0.70, 0.80, left=0.14, right=0.88)
    stage.shape([(0.15, 0.745), (0.31, 0.745), (0.31, 0.80), (0.15, 0.80)], mix(pal.fabric, BLACK, 0.6))
    shaft = [(0.18, 0.12), (0.42, 0.12), (0.43, 0.52), (0.62, 0.56), (0.82, 0.62), (0.87, 0.71), (0.15, 0.71)]
    stage.shape(shaft, pal.fabric, pal.line)
    stage.shape([(0.36, 0.30), (0.43, 0.30), (0.43, 0.52), (0.38, 0.56)], pal.shade)
    stage.rounded((0.20, 0.06, 0.25, 0.16), 0.015, pal.shade, pal.line, 0.003)
    stage.line([(0.18, 0.16), (0.42, 0.16)], pal.line, 0.004)


def draw_heel(stage, pal):
    stage.shape([(0.19, 0.55), (0.27, 0.60), (0.248, 0.90), (0.228, 0.90)], mix(pal.fabric, BLACK, 0.45))
    upper = [
        (0.19, 0.38),
        (0.28, 0.46),
        (0.40, 0.58),
        (0.52, 0.68),
        (0.60, 0.72),
        (0.74, 0.76),
        (0.86, 0.79),
        (0.91, 0.84),
        (0.88, 0.895),
        (0.62, 0.895),
        (0.46, 0.78),
        (0.32, 0.64),
        (0.22, 0.58),
        (0.19, 0.56),
    ]
    stage.shape(upper, pal.fabric, pal.line)
    stage.shape([(0.21, 0.42), (0.28, 0.48), (0.40, 0.60), (0.52, 0.70), (0.40, 0.64), (0.26, 0.52)], pal.shade)
    stage.line([(0.32, 0.64), (0.46, 0.78), (0.62, 0.895), (0.88, 0.895)], mix(pal.fabric, BLACK, 0.5), 0.008)


def draw_bag(stage, pal):
    stage.ellipse((0.32, 0.12, 0.68, 0.60), outline=pal.shade, width=0.035)
    body = [(0.22, 0.38), (0.78, 0.38), (0.84, 0.86), (0.16, 0.86)]
    stage.shape(body, pal.fabric, pal.line)
    stage.shape([(0.22, 0.38), (0.78, 0.38), (0.77, 0.56), (0.5, 0.63), (0.23, 0.56)], pal.shade, pal.line, 0.004)
    stage.rounded((0.46, 0.58, 0.54, 0.66), 0.01, GOLD, mix(GOLD, BLACK, 0.4), 0.003)
    stage.line([(0.19, 0.82), (0.81, 0.82)], pal.line, 0.003)


def draw_backpack(stage, pal):
    stage.ellipse((0.40, 0.10, 0.60, 0.28), outline=pal.shade, width=0.025)
    stage.shape([(0.22, 0.30), (0.27, 0.26), (0.30, 0.84), (0.24, 0.86)], pal.shade)
    stage.shape([(0.78, 0.30), (0.73, 0.26), (0.70, 0.84), (0.76, 0.86)], pal.shade)
    stage.rounded((0.27, 0.20, 0.73, 0.90), 0.12, pal.fabric, pal.line)
    stage.rounded((0.34, 0.56, 0.66, 0.84), 0.05, pal.shade, pal.line, 0.004)
    stage.line(stage.arc(0.5, 0.38, 0.2, 0.12, 200, 340), pal.line, 0.005)
    stage.line([(0.36, 0.62), (0.64, 0.62)], pal.highlight, 0.004)


def draw_scarf(stage, pal):
    stage.ellipse((0.30, 0.08, 0.70, 0.36), outline=pal.fabric, width=0.07)
    stage.ellipse((0.30, 0.08, 0.70, 0.36), outline=pal.line, width=0.004)
    left = [(0.36, 0.28), (0.50, 0.30), (0.48, 0.88), (0.33, 0.88)]
    right = [(0.52, 0.30), (0.65, 0.28), (0.70, 0.80), (0.55, 0.83)]
    for band in (left, right):
        stage.shape(band, pal.fabric, pal.line)
    for y in (0.58, 0.64, 0.70):
        stage.line([(0.345, y), (0.49, y + 0.005)], pal.highlight, 0.01)
        stage.line([(0.54, y - 0.04), (0.68, y - 0.045)], pal.highlight, 0.01)
    for i in range(8):
        stage.line([(0.34 + i * 0.019, 0.88), (0.34 + i * 0.019, 0.93)], pal.line, 0.004)
        stage.line([(0.56 + i * 0.018, 0.82), (0.57 + i * 0.018, 0.87)], pal.line, 0.004)


def draw_hat(stage, pal):
    stage.ellipse((0.12, 0.50, 0.88, 0.68), fill=pal.shade, outline=pal.line)
    crown = [(0.31, 0.58), *stage.arc(0.5, 0.30, 0.17, 0.10, 180, 360), (0.69, 0.58)]
    stage.shape(crown, pal.fabric, pal.line)
    stage.shape([(0.32, 0.49), (0.68, 0.49), (0.69, 0.57), (0.31, 0.57)], mix(pal.fabric, BLACK, 0.55))
    stage.line([(0.5, 0.22), (0.47, 0.34)], pal.shade, 0.006)


# Each silhouette with its bounding box (x0, y0, x1, y1) in unit coordinates, so it can be
# scaled to fill a picture and stood on the floor.
SHAPES = {
    "top": (draw_top, (0.07, 0.13, 0.93, 0.88)),
    "knit": (draw_knit, (0.07, 0.13, 0.93, 0.86)),
    "shirt": (draw_shirt, (0.07, 0.13, 0.93, 0.88)),
    "coat": (draw_coat, (0.07, 0.10, 0.93, 0.96)),
    "dress": (draw_dress, (0.19, 0.06, 0.81, 0.94)),
    "skirt": (draw_skirt, (0.16, 0.14, 0.84, 0.89)),
    "trousers": (draw_trousers, (0.23, 0.08, 0.77, 0.94)),
    "swimsuit": (draw_swimsuit, (0.32, 0.06, 0.68, 0.86)),
    "sneaker": (draw_sneaker, (0.08, 0.32, 0.92, 0.72)),
    "boot": (draw_boot, (0.14, 0.06, 0.88, 0.80)),
    "heel": (draw_heel, (0.19, 0.38, 0.91, 0.90)),
    "bag": (draw_bag, (0.16, 0.12, 0.84, 0.86)),
    "backpack": (draw_backpack, (0.22, 0.10, 0.78, 0.90)),
    "scarf": (draw_scarf, (0.26, 0.06, 0.74, 0.93)),
    "hat": (draw_hat, (0.12, 0.20, 0.88, 0.68)),
}


def place(draw, shape, pal, *, area, floor_color):
    """Draw `shape` as large as fits in `area` (left, top, right, floor), standing on its floor."""
    paint, (x0, y0, x1, y1) = SHAPES[shape]
    left, top, right, floor = area
    side = min((right - left) / (x1 - x0), (floor - top) / (y1 - y0))
    stage = Stage(draw, (left + right) / 2 - (x0 + x1) / 2 * side, floor - y1 * side, side)
    stage.ellipse((x0 + 0.05, y1 - 0.012, x1 - 0.05, y1 + 0.03), fill=floor_color)
    paint(stage, pal)
    return stage.p(x0, y0) + stage.p(x1, y1)


def _spaced_text(draw, center_x, y, text, typeface, fill, tracking):
    widths = [draw.textlength(ch, font=typeface) for ch in text]
    total = sum(widths) + tracking * (len(text) - 1)
    x = center_x - total / 2
    for ch, width in zip(text, widths, strict=True):
        draw.text((x, y), ch, font=typeface, fill=fill)
        x += width + tracking


def _encode(image, size):
    buffer = io.BytesIO()
    image = image.reduce(SUPERSAMPLE) if image.size == tuple(d * SUPERSAMPLE for d in size) else image.resize(size)
    image.save(buffer, "JPEG", quality=84)
    return ContentFile(buffer.getvalue())


def draw_product(shape, rgb):
    """One silhouette in one color, standing on a backdrop tinted with that color."""
    width, height = (d * SUPERSAMPLE for d in PRODUCT_SIZE)
    pal = Palette(rgb)
    canvas = gradient((width, height), pal.top, pal.bottom)
    draw = ImageDraw.Draw(canvas)
    area = (width * 0.08, height * 0.06, width * 0.92, height * 0.86)
    place(draw, shape, pal, area=area, floor_color=pal.floor)
    _spaced_text(draw, width / 2, height * 0.915, WORDMARK, font(22 * SUPERSAMPLE, serif=True), pal.text, 9)
    return _encode(canvas, PRODUCT_SIZE)


def draw_swatch(name, rgb):
    """A close-up of the fabric: a twill weave in the color, with its name on a label."""
    width, height = (d * SUPERSAMPLE for d in PRODUCT_SIZE)
    pal = Palette(rgb)
    canvas = gradient((width, height), mix(rgb, WHITE, 0.08), mix(rgb, BLACK, 0.12))
    draw = ImageDraw.Draw(canvas)
    step = 9 * SUPERSAMPLE
    for offset in range(-height, width, step):
        draw.line((offset, height, offset + height, 0), fill=pal.highlight, width=SUPERSAMPLE * 2)
        draw.line((offset + step // 2, height, offset + step // 2 + height, 0), fill=pal.shade, width=SUPERSAMPLE)
    label_font = font(26 * SUPERSAMPLE, serif=True)
    text_w = draw.textlength(name.upper(), font=label_font)
    card = (
        width / 2 - text_w / 2 - 30 * SUPERSAMPLE,
        height * 0.80,
        width / 2 + text_w / 2 + 30 * SUPERSAMPLE,
        height * 0.88,
    )
    draw.rounded_rectangle(card, radius=8 * SUPERSAMPLE, fill=PAPER)
    draw.text((width / 2, (card[1] + card[3]) / 2), name.upper(), font=label_font, fill=INK, anchor="mm")
    return _encode(canvas, PRODUCT_SIZE)


def draw_category(shape, rgb):
    """A square tile of a category's typical silhouette (the page writes the name beside it)."""
    width, height = (d * SUPERSAMPLE for d in CATEGORY_SIZE)
    pal = Palette(rgb)
    canvas = gradient((width, height), pal.top, pal.bottom)
    draw = ImageDraw.Draw(canvas)
    place(draw, shape, pal, area=(width * 0.15, height * 0.1, width * 0.85, height * 0.86), floor_color=pal.floor)
    return _encode(canvas, CATEGORY_SIZE)


def draw_banner(shapes, rgbs):
    """A wide banner without words (the page sets the title over it): silhouettes on a gradient.

    The left part stays plain for the headline; the silhouettes stay inside the middle 40–80 %,
    so a tile that crops the banner to its centre still shows them whole.
    """
    width, height = (d * SUPERSAMPLE for d in BANNER_SIZE)
    first = Palette(rgbs[0])
    start, end = mix(rgbs[0], WHITE, 0.55), mix(rgbs[-1], WHITE, 0.25)
    canvas = gradient((width, height), start, end, horizontal=True)
    draw = ImageDraw.Draw(canvas)
    glow = mix(mix(start, end, 0.6), WHITE, 0.35)
    draw.ellipse((width * 0.36, -height * 0.35, width * 0.86, height * 1.25), fill=glow)
    slots = list(zip(shapes, rgbs, strict=False))
    slot_width = width * 0.4 / len(slots)
    for index, (shape, rgb) in enumerate(slots):
        left = width * 0.4 + index * slot_width
        area = (left, height * 0.1, left + slot_width * 0.92, height * 0.9)
        place(draw, shape, Palette(rgb), area=area, floor_color=mix(first.bottom, BLACK, 0.15))
    return _encode(canvas, BANNER_SIZE)


class PicturePool:
    """Names of stored demo pictures; draws a picture the first time its name is needed."""

    def __init__(self, storage):
        self.storage = storage
        self.drawn = 0
        self._stored = set()

    def _ensure(self, names, draw):
        if all(name in self._stored for name in names):
            return
        if not all(self.storage.exists(name) for name in names):
            for name, content in zip(names, draw(), strict=True):
                if self.storage.exists(name):
                    self.storage.delete(name)
                saved = self.storage.save(name, content)
                if saved != name:
                    raise RuntimeError(f"Storage renamed {name} to {saved}; demo pictures need stable names.")
                self.drawn += 1
        self._stored.update(names)

    @staticmethod
    def product_name(shape, color_code):
        return f"products/demo/{shape}-{color_code.lower()}.jpg"

    @staticmethod
    def swatch_name(color_code):
        return f"products/demo/swatch-{color_code.lower()}.jpg"

    def product(self, shape, color_code):
        """The stored picture of a silhouette in a color, drawn if missing."""
        name = self.product_name(shape, color_code)
        self._ensure((name,), lambda: (draw_product(shape, hex_to_rgb(COLORS[color_code].hex)),))
        return name

    def swatch(self, color_code):
        """The stored fabric swatch of a color, drawn if missing."""
        name = self.swatch_name(color_code)
        color = COLORS[color_code]
        self._ensure((name,), lambda: (draw_swatch(color.name, hex_to_rgb(color.hex)),))
        return name

    def category(self, slug, market, shape, color_code):
        file_name = f"categories/demo/{slug}-{market.lower()}.jpg"
        self._ensure((file_name,), lambda: (draw_category(shape, hex_to_rgb(COLORS[color_code].hex)),))
        return file_name

    def banner(self, key, *, shapes, color_codes):
        file_name = f"banners/demo/{key}.jpg"
        rgbs = [hex_to_rgb(COLORS[code].hex) for code in color_codes]
        self._ensure((file_name,), lambda: (draw_banner(shapes, rgbs),))
        return file_name

"""The dimensions and fonts of the GB/T 9704-2012 layout (:class:`OfficialLayout`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from envplan.services.bulletin import (
    Chart,
)

# Chinese type sizes (字号) in points.
SIZE_2HAO = 22.0
SIZE_3HAO = 16.0
SIZE_4HAO = 14.0
SIZE_XIAO4 = 12.0

TWIPS_PER_MM = 1440 / 25.4


@dataclass(frozen=True)
class FontSpec:
    """A font as the document names it, with the fallback declared for machines without it."""

    name: str
    fallback: str
    latin: str = "Times New Roman"  # digits and Latin letters, common practice in 公文


@dataclass(frozen=True)
class OfficialLayout:
    """Page, grid and fonts of the document. Defaults: GB/T 9704-2012."""

    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 37
    margin_bottom_mm: float = 35
    margin_left_mm: float = 28
    margin_right_mm: float = 26
    lines_per_page: int = 22
    chars_per_line: int = 28
    page_number_gap_mm: float = 7  # page number 7 mm below the type area
    title_font: FontSpec = FontSpec("方正小标宋简体", "Noto Serif CJK SC")
    body_font: FontSpec = FontSpec("仿宋_GB2312", "Noto Serif CJK SC")
    heading1_font: FontSpec = FontSpec("黑体", "Noto Sans CJK SC")
    heading2_font: FontSpec = FontSpec("楷体_GB2312", "Noto Serif CJK SC")
    page_number_font: FontSpec = FontSpec("宋体", "Noto Serif CJK SC")
    title_size_pt: float = SIZE_2HAO
    body_size_pt: float = SIZE_3HAO
    page_number_size_pt: float = SIZE_4HAO
    table_size_pt: float = SIZE_XIAO4
    mark_colour: str = "FF0000"  # issuing-authority mark and separator line are red

    @property
    def type_area_width_twips(self) -> int:
        return (
            _twips(self.page_width_mm) - _twips(self.margin_left_mm) - _twips(self.margin_right_mm)
        )

    @property
    def type_area_height_twips(self) -> int:
        return (
            _twips(self.page_height_mm) - _twips(self.margin_top_mm) - _twips(self.margin_bottom_mm)
        )

    @property
    def line_pitch_twips(self) -> int:
        """Grid line pitch; rounded down so that all lines fit in the type area."""
        return self.type_area_height_twips // self.lines_per_page

    @property
    def char_space(self) -> int:
        """``w:charSpace`` of the grid: 4096ths of a point added to the body font's advance."""
        pitch_pt = self.type_area_width_twips / 20 / self.chars_per_line
        return round((pitch_pt - self.body_size_pt) * 4096)

    def fonts(self) -> tuple[FontSpec, ...]:
        return (
            self.title_font,
            self.body_font,
            self.heading1_font,
            self.heading2_font,
            self.page_number_font,
        )

    def fallback_statement(self) -> str:
        """zh-CN sentence naming each official font and its declared substitute."""
        pairs = dict.fromkeys(f"{font.name}→{font.fallback}" for font in self.fonts())
        return "字体替代声明（未安装公文字体时）：" + "；".join(pairs)


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


ChartRenderer = Callable[[Chart], bytes]

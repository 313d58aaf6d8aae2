"""The data model of the monthly dispatch bulletin (月调度通报): every number with its source.

A bulletin is an ordered list of blocks (headings, paragraphs, tables, charts, data gaps). The
writers in ``envplan.reports`` only lay these blocks out (Word, HTML, Excel); they compute nothing.
Each number is a :class:`Sourced` value that carries the text shown to the reader *and* where it
came from (service, snapshot, data file), so that a reader or a test can trace it back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

CN_NUMERALS = "一二三四五六七八九十"


def cn_ordinal(index: int) -> str:
    """Chinese ordinal for heading numbers: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十 (index ≥ 1)."""
    if index < 1 or index > 99:
        raise ValueError(f"标题序号超出范围：{index}（应为 1–99）")
    tens, ones = divmod(index, 10)
    if tens == 0:
        return CN_NUMERALS[ones - 1]
    prefix = "" if tens == 1 else CN_NUMERALS[tens - 1]
    return prefix + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def format_number(value: float | int | None, decimals: int = 0, unit: str = "") -> str:
    """Text of a number as the bulletin prints it; ``None``/NaN print as "—" (no value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    text = f"{value:.{decimals}f}" if decimals or isinstance(value, float) else f"{value}"
    return text + unit


@dataclass(frozen=True)
class Sourced:
    """One value shown in the bulletin, with the text printed and the place it was taken from.

    value: the value as the service returned it (number, text, ``None`` for no value).
    text: what the reader sees (formatted once, here, so Word, HTML and Excel print the same).
    source: where the value comes from, in zh-CN (service and snapshot/data set), for traceability.
    """

    value: float | int | str | bool | None
    text: str
    source: str = ""

    @classmethod
    def number(
        cls,
        value: float | int | None,
        source: str,
        *,
        decimals: int = 0,
        unit: str = "",
    ) -> Sourced:
        """A number formatted with ``decimals`` places and ``unit``, with its source (None = no value)."""
        return cls(value, format_number(value, decimals, unit), source)

    @classmethod
    def percent(cls, ratio: float | None, source: str, *, decimals: int = 1) -> Sourced:
        """A ratio in [0, 1] shown as a percentage (0.8123 → "81.2%")."""
        if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
            return cls(ratio, "—", source)
        return cls(ratio, f"{ratio * 100:.{decimals}f}%", source)

    @classmethod
    def label(cls, text: str, source: str = "") -> Sourced:
        """A text cell (no number) with its source."""
        return cls(text, text, source)


def cell(value: Sourced | str | int | float | None) -> Sourced:
    """Normalise a table cell: plain text becomes an unsourced label (row headers, names)."""
    if isinstance(value, Sourced):
        return value
    if value is None:
        return Sourced(None, "—")
    if isinstance(value, str):
        return Sourced.label(value)
    return Sourced.number(value, "")


@dataclass(frozen=True)
class Heading:
    """A heading. level 1 → "一、" (黑体), level 2 → "（一）" (楷体), level 3 → "1." (仿宋)."""

    level: Literal[1, 2, 3]
    text: str
    kind: Literal["heading"] = "heading"


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``figures`` lists the sourced numbers quoted in the sentence (for tracing)."""

    text: str
    figures: tuple[Sourced, ...] = ()
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Table:
    """A table: a caption, the column headers and rows of sourced cells."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Sourced, ...], ...]
    note: str = ""
    kind: Literal["table"] = "table"

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"表格“{self.caption}”第 {number} 行有 {len(row)} 个单元格，"
                    f"应为 {len(self.columns)} 个"
                )

    @classmethod
    def build(
        cls,
        caption: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        note: str = "",
    ) -> Table:
        """A table whose cells are made by :func:`cell` from plain values."""
        return cls(
            caption, tuple(columns), tuple(tuple(cell(v) for v in row) for row in rows), note
        )

    def column(self, name: str) -> list[Sourced]:
        """The cells of column ``name``, top to bottom."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """A chart to draw as an image: bar or line over categories, one or more named series.

    reference_line: an optional horizontal line (e.g. the target) with its label.
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    chart_type: Literal["bar", "barh", "line"] = "bar"
    unit: str = ""
    reference_line: tuple[str, float] | None = None
    source: str = ""
    value_range: tuple[float, float] | None = None  # fixed value axis, e.g. (0, 100) for %
    kind: Literal["chart"] = "chart"


@dataclass(frozen=True)
class DataGap:
    """A source the bulletin needed and did not have: printed as "数据缺失：what（period）"."""

    what: str
    period: str
    reason: str = ""
    kind: Literal["gap"] = "gap"

    @property
    def text(self) -> str:
        """The zh-CN sentence printed for the gap: what is missing, for which period, and why."""
        text = f"数据缺失：{self.what}（{self.period}）"
        return f"{text}。{self.reason}" if self.reason else text + "。"


#: Any block of a section: heading, paragraph, table, chart or data gap.
Block = Heading | Paragraph | Table | Chart | DataGap


@dataclass(frozen=True)
class Section:
    """One numbered part of the bulletin ("一、总体进展"), its blocks in reading order."""

    heading: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Bulletin:
    """A monthly dispatch bulletin, ready to lay out.

    month: the first day of the month reported on.
    issuing_authority: 发文机关 (e.g. 晋城市生态环境局); document_number: 发文字号 (〔〕 brackets).
    addressee: 主送机关; demo: True when the records are the seeded 示例 data (printed on the page).
    """

    month: dt.date
    title: str
    issuing_authority: str
    document_number: str
    issue_date: dt.date
    addressee: str
    introduction: str
    sections: tuple[Section, ...]
    attachments: tuple[str, ...] = ()
    annex_tables: tuple[Table, ...] = ()  # detail lists for the Excel attachment only
    demo: bool = False
    sources: tuple[str, ...] = field(default=())

    @property
    def month_label(self) -> str:
        """The month as written in the document, e.g. "2021年6月"."""
        return f"{self.month.year}年{self.month.month}月"

    @property
    def issue_date_text(self) -> str:
        """Date as GB/T 9704-2012 writes it: full year, no zero padding ("2021年7月5日")."""
        return f"{self.issue_date.year}年{self.issue_date.month}月{self.issue_date.day}日"

    def numbered_sections(self) -> Iterator[tuple[str, Section]]:
        """Sections with their "一、" numbers."""
        for index, section in enumerate(self.sections, start=1):
            yield f"{cn_ordinal(index)}、{section.heading}", section

    def tables(self) -> Iterator[Table]:
        """The tables of every section, in document order."""
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    yield block

    def gaps(self) -> Iterator[DataGap]:
        """The data gaps of every section, in document order."""
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, DataGap):
                    yield block

"""Charts of the bulletin drawn as PNG images (matplotlib, Agg backend, a CJK font).

The bulletin model describes a chart (:class:`envplan.services.bulletin.Chart`); this module only
draws it. Chinese text needs a CJK font: the setup installs Debian's Noto CJK; the first family of
:data:`CJK_FONT_FAMILIES` that matplotlib finds is used, and :class:`MissingCJKFontError` (zh-CN)
says so when none is installed rather than drawing empty boxes.
"""

from __future__ import annotations

import io
from functools import lru_cache

from envplan.services.bulletin import Chart

CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
)

# Muted official palette: blue for the month, grey for the comparison, red for targets.
SERIES_COLOURS = ("#2f5597", "#a5a5a5", "#70ad47", "#ed7d31", "#7030a0")
TARGET_COLOUR = "#c00000"


class MissingCJKFontError(RuntimeError):
    """No CJK font is installed for matplotlib."""


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The CJK font family matplotlib will use (first of :data:`CJK_FONT_FAMILIES` installed)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FONT_FAMILIES:
        if family in installed:
            return family
    raise MissingCJKFontError(
        "未找到中文字体，无法绘制图表：请安装 Noto CJK 字体（Debian 软件包 fonts-noto-cjk）"
    )


def render_chart_png(chart: Chart, *, width_mm: float = 150, dpi: int = 150) -> bytes:
    """Draw ``chart`` and return the PNG bytes (width ``width_mm`` at ``dpi``)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    family = cjk_font_family()
    width_in = width_mm / 25.4
    height_in = width_in * (0.75 if chart.chart_type == "barh" else 0.5)
    if chart.chart_type == "barh":
        height_in = max(height_in, 0.28 * len(chart.categories) + 1.2)
    figure = Figure(figsize=(width_in, height_in), dpi=dpi)
    axes = figure.add_subplot()
    font = {"family": family}
    positions = list(range(len(chart.categories)))
    series_count = max(len(chart.series), 1)
    bar_width = 0.8 / series_count

    for index, (name, values) in enumerate(chart.series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        # Missing values are drawn as gaps, never as zero.
        numbers = [float("nan") if v is None else float(v) for v in values]
        if chart.chart_type == "line":
            axes.plot(positions, numbers, marker="o", color=colour, label=name)
        elif chart.chart_type == "barh":
            offsets = [p + (index - (series_count - 1) / 2) * bar_width for p in positions]
            axes.barh(offsets, numbers, height=bar_width, color=colour, label=name)
        else:
            offsets = [p + (index - (series_count - 1) / 2) * bar_width for p in positions]
            axes.bar(offsets, numbers, width=bar_width, color=colour, label=name)

    if chart.reference_line is not None:
        label, level = chart.reference_line
        if chart.chart_type == "barh":
            axes.axvline(level, color=TARGET_COLOUR, linestyle="--", linewidth=1, label=label)
        else:
            axes.axhline(level, color=TARGET_COLOUR, linestyle="--", linewidth=1, label=label)

    if chart.value_range is not None:
        if chart.chart_type == "barh":
            axes.set_xlim(*chart.value_range)
        else:
            axes.set_ylim(*chart.value_range)
    if chart.chart_type == "barh":
        axes.set_yticks(positions, chart.categories, fontdict=font, fontsize=8)
        axes.invert_yaxis()  # first category on top, as in the table
        if chart.unit:
            axes.set_xlabel(chart.unit, fontdict=font, fontsize=8)
    else:
        axes.set_xticks(positions, chart.categories, fontdict=font, fontsize=8)
        if len(chart.categories) > 8:
            for tick in axes.get_xticklabels():
                tick.set_rotation(45)
                tick.set_horizontalalignment("right")
        if chart.unit:
            axes.set_ylabel(chart.unit, fontdict=font, fontsize=8)
    axes.tick_params(labelsize=8)
    axes.set_title(chart.title, fontdict=font, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1 or chart.reference_line is not None:
        axes.legend(prop={"family": family, "size": 8}, frameon=False)
    if chart.source:
        figure.text(0.01, 0.01, f"数据来源：{chart.source}", fontfamily=family, fontsize=6)
    figure.tight_layout(rect=(0, 0.03 if chart.source else 0, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()

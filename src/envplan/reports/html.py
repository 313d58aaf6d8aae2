"""The bulletin as one self-contained HTML page (Jinja2; charts inlined as PNG, no external files).

Same blocks, same order and the same printed text as the Word document; each table cell carries
its source as a tooltip (``title``), so a reader can trace every number.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from envplan.reports.charts import render_chart_png
from envplan.services.bulletin import (
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Table,
    cn_ordinal,
)

ChartRenderer = Callable[[Chart], bytes]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("envplan.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _view_blocks(
    blocks: tuple[Heading | Paragraph | Table | Chart | DataGap, ...],
    counters: dict[str, int],
    render_chart: ChartRenderer,
) -> list[dict[str, Any]]:
    view: list[dict[str, Any]] = []
    level2 = level3 = 0
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 2:
                level2, level3 = level2 + 1, 0
                number = f"（{cn_ordinal(level2)}）"
            else:
                level3 += 1
                number = f"{level3}."
            view.append(
                {"kind": "heading", "level": block.level, "text": block.text, "number": number}
            )
        elif isinstance(block, Paragraph | DataGap):
            view.append({"kind": block.kind, "text": block.text})
        elif isinstance(block, Table):
            counters["table"] += 1
            rows = [
                [
                    {
                        "text": value.text,
                        "source": value.source,
                        "numeric": isinstance(value.value, int | float)
                        and not isinstance(value.value, bool),
                    }
                    for value in row
                ]
                for row in block.rows
            ]
            view.append(
                {
                    "kind": "table",
                    "number": counters["table"],
                    "caption": block.caption,
                    "columns": block.columns,
                    "rows": rows,
                    "note": block.note,
                }
            )
        elif isinstance(block, Chart):
            counters["chart"] += 1
            image, error = "", ""
            try:
                image = base64.b64encode(render_chart(block)).decode("ascii")
            except RuntimeError as exc:  # MissingCJKFontError: say so on the page
                error = str(exc)
            view.append(
                {
                    "kind": "chart",
                    "number": counters["chart"],
                    "title": block.title,
                    "image": image,
                    "error": error,
                }
            )
    return view


def render_bulletin_html(bulletin: Bulletin, *, render_chart: ChartRenderer | None = None) -> str:
    """The bulletin as an HTML page (zh-CN), charts embedded."""
    if render_chart is None:
        render_chart = render_chart_png
    counters = {"table": 0, "chart": 0}
    sections = [
        {"heading": heading, "blocks": _view_blocks(section.blocks, counters, render_chart)}
        for heading, section in bulletin.numbered_sections()
    ]
    template = _environment().get_template("bulletin.html.j2")
    return template.render(bulletin=bulletin, sections=sections)

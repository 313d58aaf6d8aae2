"""Build the monthly bulletin in every format: Word (GB/T 9704-2012), Excel, HTML and PDF.

Entry points:

- :func:`write_bulletin` lays out an assembled :class:`Bulletin` into files in a folder.
- :func:`render_bulletin` renders the result of the use case
  ``envplan.services.bulletin.monthly_bulletin`` (what ``envplan report monthly`` and the web
  download call): files in a folder, or the files' bytes for a download.

Nothing here reads records or data files: the use case gathered everything.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from envplan.reports.bulletin_xlsx import write_bulletin_xlsx
from envplan.reports.charts import render_chart_png
from envplan.reports.gbt9704 import OfficialLayout, write_bulletin_docx
from envplan.reports.html import render_bulletin_html
from envplan.reports.pdf import (
    PDF_SKIPPED_MESSAGE,
    PdfConversionError,
    docx_to_pdf,
    libreoffice_path,
)
from envplan.services.bulletin import Bulletin, Chart, MonthlyBulletin

FORMATS = ("docx", "xlsx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "xlsx", "html", "pdf")


class BulletinError(ValueError):
    """A request the bulletin builder cannot answer (zh-CN message)."""


@dataclass
class BulletinFiles:
    """What was written: one path per format, plus zh-CN messages (e.g. the PDF was skipped)."""

    bulletin: Bulletin
    paths: dict[str, Path] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def read_bytes(self) -> dict[str, bytes]:
        return {fmt: path.read_bytes() for fmt, path in self.paths.items()}


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"docx,xlsx"`` → ("docx", "xlsx"); unknown names raise :class:`BulletinError`."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(item.strip().lower() for item in items if item.strip()))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown or not formats:
        raise BulletinError(
            f"不支持的输出格式：{'、'.join(unknown) or '（空）'}；可选：{'、'.join(FORMATS)}"
        )
    return formats


def bulletin_file_stem(bulletin: Bulletin) -> str:
    stem = f"{bulletin.month.year}年{bulletin.month.month}月调度通报"
    return stem + "（示例）" if bulletin.demo else stem


LedgerWriter = Callable[[Bulletin, Path], None]


def write_bulletin(
    bulletin: Bulletin,
    out_dir: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    ledger_writer: LedgerWriter | None = None,
    layout: OfficialLayout | None = None,
    render_chart: Callable[[Chart], bytes] | None = None,
) -> BulletinFiles:
    """Write ``bulletin`` in ``formats`` into ``out_dir``; returns the paths and messages.

    The charts are drawn once and reused by Word and HTML. ``ledger_writer`` writes the Excel
    ledger (default: :func:`envplan.reports.bulletin_xlsx.write_bulletin_xlsx`).
    """
    formats = parse_formats(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BulletinFiles(bulletin)
    stem = bulletin_file_stem(bulletin)
    if render_chart is None:
        render_chart = render_chart_png
    cache: dict[int, bytes] = {}

    def cached_chart(chart: Chart) -> bytes:
        key = id(chart)
        if key not in cache:
            cache[key] = render_chart(chart)
        return cache[key]

    docx_path = out_dir / f"{stem}.docx"
    if "docx" in formats or "pdf" in formats:
        write_bulletin_docx(bulletin, docx_path, layout=layout, render_chart=cached_chart)
        if "docx" in formats:
            result.paths["docx"] = docx_path
    if "xlsx" in formats:
        xlsx_path = out_dir / f"{stem}-台账.xlsx"
        if ledger_writer is None:
            ledger_writer = write_bulletin_xlsx
        ledger_writer(bulletin, xlsx_path)
        result.paths["xlsx"] = xlsx_path
    if "html" in formats:
        html_path = out_dir / f"{stem}.html"
        html_path.write_text(
            render_bulletin_html(bulletin, render_chart=cached_chart), encoding="utf-8"
        )
        result.paths["html"] = html_path
    if "pdf" in formats:
        if libreoffice_path() is None:
            result.messages.append(PDF_SKIPPED_MESSAGE)
        else:
            try:
                result.paths["pdf"] = docx_to_pdf(docx_path, out_dir / f"{stem}.pdf", layout=layout)
            except PdfConversionError as error:
                result.messages.append(f"PDF 未生成：{error}")
        if "docx" not in formats:
            docx_path.unlink(missing_ok=True)
    return result


def render_bulletin(
    result: MonthlyBulletin,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    out_dir: Path | None = None,
) -> BulletinFiles | dict[str, bytes]:
    """Render the use case's result (``services.bulletin.monthly_bulletin``) in ``formats``.

    out_dir: folder for the files (``envplan report monthly``); ``None`` → the files' bytes by
    format (web download). The renderers read only ``result``: no records, no files.
    """
    ledger_writer = (
        partial(write_bulletin_xlsx_with_ledger, ledger=result.ledger)
        if result.ledger is not None
        else None
    )
    if out_dir is not None:
        return write_bulletin(result.bulletin, out_dir, formats, ledger_writer=ledger_writer)
    with tempfile.TemporaryDirectory(prefix="envplan-bulletin-") as work:
        files = write_bulletin(result.bulletin, Path(work), formats, ledger_writer=ledger_writer)
        return files.read_bytes()


def write_bulletin_xlsx_with_ledger(bulletin: Bulletin, path: Path, *, ledger: Any) -> None:
    write_bulletin_xlsx(bulletin, path, ledger=ledger)


def bulletin_docx_bytes(bulletin: Bulletin) -> bytes:
    """The Word document alone, in memory."""
    buffer = io.BytesIO()
    write_bulletin_docx(bulletin, buffer)
    return buffer.getvalue()

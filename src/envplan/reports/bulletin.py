"""Build the monthly bulletin in every format: Word (GB/T 9704-2012), Excel, HTML and PDF.

Entry points:

- :func:`write_bulletin` lays out an assembled :class:`Bulletin` into files in a folder.
- :func:`build_bulletin` gathers the inputs (dispatch snapshot, air data, plan), assembles the
  bulletin and writes it: what ``envplan report monthly`` and the web download call. With
  ``out_dir=None`` it returns the files' bytes instead of paths.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envplan.reports.gbt9704 import OfficialLayout, write_bulletin_docx
from envplan.reports.html import render_bulletin_html
from envplan.reports.pdf import (
    PDF_SKIPPED_MESSAGE,
    PdfConversionError,
    docx_to_pdf,
    libreoffice_path,
)
from envplan.services.bulletin import Bulletin, Chart

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
        from envplan.reports.charts import render_chart_png

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
            from envplan.reports.bulletin_xlsx import write_bulletin_xlsx

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


def build_bulletin(
    month: str,
    *,
    out_dir: Path | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    database_url: str | None = None,
    session: Any = None,
    plan: Any = None,
    air: Any = None,
    air_files: Sequence[Path] = (),
    water: Any = None,
    soil: Any = None,
    options: Any = None,
    home: Path | None = None,
) -> BulletinFiles | dict[str, bytes]:
    """Gather the inputs of ``month`` ("2021-06"), assemble the bulletin and write it.

    session / database_url: the records database (dispatch snapshot, ledger); neither → the
    supervision sections print a data gap. plan: the plan registry (default: the packaged
    Jincheng 2021 plan). air: ready ``AirInputs``, or air_files: air data files to read.
    water / soil: ``WaterFacts``/``WaterGap`` and ``SoilFacts`` (see ``bulletin_sources``).
    options: ``BulletinOptions`` (authority, document number, date).
    home: the data folder (``Settings.home``); with neither air nor air_files, the air data on hand
    are read from it (imported data, else the bundled daily means).
    out_dir: folder for the files; ``None`` → the files' bytes by format (web download).
    """
    from envplan.services.bulletin_monthly import parse_month

    parse_month(month)  # fail early, in zh-CN, on a bad month
    if air is None and not air_files and home is not None:
        from envplan.services.bulletin_sources import default_air_inputs

        air = default_air_inputs(home)
    if session is None and database_url:
        from sqlalchemy.exc import SQLAlchemyError

        from envplan.store import make_engine, make_session_factory

        engine = make_engine(database_url)
        try:
            with make_session_factory(engine)() as own_session:
                usable: Any = own_session
                try:
                    own_session.execute(_probe_statement())
                except SQLAlchemyError:
                    own_session.rollback()
                    usable = None  # no records database yet: the sections print data gaps
                return _build(
                    month, out_dir, formats, usable, plan, air, air_files, water, soil, options
                )
        finally:
            engine.dispose()
    return _build(month, out_dir, formats, session, plan, air, air_files, water, soil, options)


def _probe_statement() -> Any:
    from sqlalchemy import func, select

    from envplan.store.models import Occurrence

    return select(func.count()).select_from(Occurrence)


def _build(
    month: str,
    out_dir: Path | None,
    formats: Sequence[str],
    session: Any,
    plan: Any,
    air: Any,
    air_files: Sequence[Path],
    water: Any,
    soil: Any,
    options: Any,
) -> BulletinFiles | dict[str, bytes]:
    from functools import partial

    from envplan.reports.bulletin_xlsx import write_bulletin_xlsx
    from envplan.services.bulletin_monthly import (
        assemble_monthly_bulletin,
        month_end,
        parse_month,
    )
    from envplan.services.bulletin_sources import air_inputs_from_files, supervision_facts

    if plan is None:
        from envplan.plan import default_plan

        plan = default_plan()
    supervision = supervision_facts(month, plan=plan, session=session) if session else None
    if air is None:
        air = air_inputs_from_files(list(air_files))
    bulletin = assemble_monthly_bulletin(
        month,
        plan=plan,
        supervision=supervision,
        air=air,
        water=water,
        soil=soil,
        options=options,
    )
    from envplan.services.water_graph import with_infrastructure_section

    bulletin = with_infrastructure_section(bulletin, session)
    ledger_writer = (
        partial(write_bulletin_xlsx, ledger_session=session, as_of=month_end(parse_month(month)))
        if supervision is not None
        else None
    )
    if out_dir is not None:
        return write_bulletin(bulletin, out_dir, formats, ledger_writer=ledger_writer)
    with tempfile.TemporaryDirectory(prefix="envplan-bulletin-") as work:
        files = write_bulletin(bulletin, Path(work), formats, ledger_writer=ledger_writer)
        return files.read_bytes()


def bulletin_docx_bytes(bulletin: Bulletin) -> bytes:
    """The Word document alone, in memory."""
    buffer = io.BytesIO()
    write_bulletin_docx(bulletin, buffer)
    return buffer.getvalue()

"""Word writer in the layout of GB/T 9704-2012 党政机关公文格式 (python-docx).

What the standard fixes, and how it is set here (GB/T 9704-2012 clauses 5.2, 5.2.1, 5.2.2, 7.2,
7.3, 7.5 and 8; see docs/bulletin.md):

- A4 (210 × 297 mm); top margin (天头) 37 mm, binding (left) margin 28 mm, type area 156 × 225 mm,
  hence bottom 35 mm and right 26 mm.
- 22 lines × 28 characters in 3号 (16 pt) 仿宋: a document grid (``w:docGrid``, lines and characters)
  with a line pitch of type-area height / 22 and a character pitch of type-area width / 28; body
  paragraphs also get that pitch as exact line spacing so renderers without grid support agree.
- Title 2号 (22 pt) 小标宋, centred; body 3号 仿宋; headings 一、 黑体, （一） 楷体, 1. 仿宋.
- Page number 4号 (14 pt) half-width digits with an em dash each side ("— 1 —"), 7 mm below the
  type area; odd pages right-aligned and even pages left-aligned, each indented one character
  (different odd/even footers).
- Issuing-authority mark in red 小标宋, the document number with 〔〕, a red line the width of the
  type area; the date in full Arabic numerals without zero padding.

The official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are proprietary. The document names
them (``w:eastAsia``) so a Windows PC with the fonts prints the official look, and declares
fallbacks: each font entry of the font table carries ``w:altName`` (e.g. Noto Serif CJK SC), and the
document properties state the substitution. Local variants of the layout are common: every
dimension and font is a field of :class:`OfficialLayout`.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from envplan.reports.charts import MissingCJKFontError, render_chart_png
from envplan.reports.gbt9704_layout import (
    TWIPS_PER_MM,
    ChartRenderer,
    FontSpec,
    OfficialLayout,
    _twips,
)
from envplan.reports.gbt9704_page import (
    _add_page_number_footers,
    _add_run,
    _declare_fonts,
    _exact_spacing,
    _insert_ppr_child,
    _set_properties,
    _setup_page,
    _setup_styles,
    _snap_to_grid,
)
from envplan.services.bulletin import (
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Table,
    cn_ordinal,
)


def write_bulletin_docx(
    bulletin: Bulletin,
    target: Path | io.BytesIO,
    *,
    layout: OfficialLayout | None = None,
    render_chart: ChartRenderer | None = None,
) -> None:
    """Write ``bulletin`` as a .docx in the GB/T 9704-2012 layout to a path or a buffer.

    render_chart draws a :class:`Chart` to PNG bytes (default: ``envplan.reports.charts``); charts
    are left out with a note when it is ``None`` and the default cannot draw (no CJK font).
    """
    layout = layout or OfficialLayout()
    if render_chart is None:
        render_chart = render_chart_png
    document = Document()
    _setup_page(document, layout)
    _setup_styles(document, layout)
    _declare_fonts(document, layout)
    _set_properties(document, bulletin, layout)
    _add_page_number_footers(document, layout)

    _add_masthead(document, bulletin, layout)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_spacing(title, layout.line_pitch_twips * 3 // 2)
    _add_run(title, bulletin.title, layout.title_font, layout.title_size_pt)
    if bulletin.demo:
        demo = document.add_paragraph()
        demo.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_run(
            demo,
            "【示例】本通报含系统示例数据（非实测数据、非真实工作进展），仅供演示",
            layout.heading2_font,
            layout.body_size_pt,
        )
    document.add_paragraph()  # one blank line between title and addressee
    addressee = document.add_paragraph()
    _add_run(addressee, bulletin.addressee, layout.body_font, layout.body_size_pt)
    _body_paragraph(document, bulletin.introduction, layout)

    table_number = 0
    chart_number = 0
    for numbered_heading, section in bulletin.numbered_sections():
        _heading(document, numbered_heading, 1, layout)
        level2_index = 0
        level3_index = 0
        for block in section.blocks:
            if isinstance(block, Heading):
                if block.level == 2:
                    level2_index += 1
                    level3_index = 0
                    _heading(document, f"（{cn_ordinal(level2_index)}）{block.text}", 2, layout)
                else:
                    level3_index += 1
                    _heading(document, f"{level3_index}.{block.text}", 3, layout)
            elif isinstance(block, Paragraph):
                _body_paragraph(document, block.text, layout)
            elif isinstance(block, DataGap):
                _body_paragraph(document, block.text, layout, font=layout.heading2_font)
            elif isinstance(block, Table):
                table_number += 1
                _add_table(document, block, table_number, layout)
            elif isinstance(block, Chart):
                chart_number += 1
                _add_chart(document, block, chart_number, layout, render_chart)

    if bulletin.attachments:
        document.add_paragraph()
        for index, name in enumerate(bulletin.attachments, start=1):
            label = "附件：" if index == 1 else "　　　"
            prefix = f"{index}. " if len(bulletin.attachments) > 1 else ""
            _body_paragraph(document, f"{label}{prefix}{name}", layout)
    document.add_paragraph()
    document.add_paragraph()
    for text in (bulletin.issuing_authority, bulletin.issue_date_text):
        signature = document.add_paragraph()
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # Date right-indented four characters (GB/T 9704-2012 7.3.5.1); name centred over it.
        indent_chars = 4 if text == bulletin.issue_date_text else 2
        signature.paragraph_format.right_indent = Pt(layout.body_size_pt * indent_chars)
        _add_run(signature, text, layout.body_font, layout.body_size_pt)
    _add_colophon(document, bulletin, layout)

    document.save(str(target) if isinstance(target, Path) else target)


# --- blocks -------------------------------------------------------------------------------------


def _indent_first_line(paragraph: DocxParagraph, layout: OfficialLayout, chars: int = 2) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(layout.body_size_pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _body_paragraph(
    document: DocumentObject, text: str, layout: OfficialLayout, font: FontSpec | None = None
) -> DocxParagraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _indent_first_line(paragraph, layout)
    _add_run(paragraph, text, font or layout.body_font, layout.body_size_pt)
    return paragraph


def _heading(document: DocumentObject, text: str, level: int, layout: OfficialLayout) -> None:
    paragraph = document.add_paragraph()
    _indent_first_line(paragraph, layout)
    paragraph.paragraph_format.keep_with_next = True
    font = {1: layout.heading1_font, 2: layout.heading2_font}.get(level, layout.body_font)
    _add_run(paragraph, text, font, layout.body_size_pt)
    # Outline level lets Word's navigation pane list the headings without its own heading styles.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    _insert_ppr_child(paragraph, outline)


def _add_masthead(document: DocumentObject, bulletin: Bulletin, layout: OfficialLayout) -> None:
    """版头: the red issuing-authority mark, the document number and the red separator line."""
    mark = document.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_before = Twips(layout.line_pitch_twips)
    _exact_spacing(mark, round(layout.line_pitch_twips * 2.2))
    run = _add_run(mark, f"{bulletin.issuing_authority}文件", layout.title_font, 36)
    run.font.color.rgb = RGBColor.from_string(layout.mark_colour)
    document.add_paragraph()
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_run(number, bulletin.document_number, layout.body_font, layout.body_size_pt)
    # The red line: a bottom border on an empty, short paragraph, 4 mm below the number.
    line = document.add_paragraph()
    _exact_spacing(line, _twips(4))
    _snap_to_grid(line, False)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")  # eighths of a point: 1.5 pt
    bottom.set(qn("w:space"), "0")
    bottom.set(qn("w:color"), layout.mark_colour)
    borders.append(bottom)
    _insert_ppr_child(line, borders)
    document.add_paragraph()


def _set_cell_text(
    cell: _Cell, text: str, layout: OfficialLayout, font: FontSpec, align_centre: bool
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if align_centre else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _exact_spacing(paragraph, round(layout.table_size_pt * 20 * 1.5))
    _snap_to_grid(paragraph, False)
    _add_run(paragraph, text, font, layout.table_size_pt)


def _text_width(text: str) -> int:
    """Width in half-characters: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_widths(table: Table, layout: OfficialLayout) -> list[int]:
    """Column widths [twips] filling the type area.

    Each column asks for the width of its widest cell (headers may wrap after two characters);
    when the asks exceed the type area, the widest columns are capped at one common width so
    short columns (序号, names, numbers) stay on one line and only long texts wrap.
    """
    half_char = round(layout.table_size_pt * 20 / 2)  # twips of a half-width character
    padding = 240  # cell margins (2 × 0.19 cm) plus a little air
    asks = []
    for index, name in enumerate(table.columns):
        widest = max((_text_width(row[index].text) for row in table.rows), default=0)
        units = max(widest, min(_text_width(name), 4), 4)
        asks.append(units * half_char + padding)
    available = layout.type_area_width_twips
    if sum(asks) > available:
        low, high = 0, max(asks)
        while high - low > 1:  # the largest cap that fits
            cap = (low + high) // 2
            if sum(min(ask, cap) for ask in asks) <= available:
                low = cap
            else:
                high = cap
        asks = [min(ask, low) for ask in asks]
    spare = available - sum(asks)
    total = sum(asks)
    return [ask + spare * ask // total for ask in asks]


def _add_table(document: DocumentObject, table: Table, number: int, layout: OfficialLayout) -> None:
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    _add_run(
        caption, f"表{number}　{table.caption}", layout.heading1_font, layout.table_size_pt + 2
    )
    docx_table = document.add_table(rows=1, cols=len(table.columns))
    docx_table.style = "Table Grid"
    docx_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _column_widths(table, layout)
    docx_table.autofit = False
    table_width = docx_table._tbl.tblPr.find(qn("w:tblW"))
    if table_width is not None:
        table_width.set(qn("w:w"), str(sum(widths)))
        table_width.set(qn("w:type"), "dxa")
    for index, name in enumerate(table.columns):
        header_cell = docx_table.rows[0].cells[index]
        header_cell.width = Twips(widths[index])
        docx_table.columns[index].width = Twips(widths[index])
        _set_cell_text(header_cell, name, layout, layout.heading1_font, True)
    # Repeat the header row on every page.
    header_props = docx_table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    # Body rows as XML in one pass: python-docx's per-cell API is quadratic in the row count.
    tbl = docx_table._tbl
    for tr in tbl.tr_lst[1:]:
        tbl.remove(tr)
    line = round(layout.table_size_pt * 20 * 1.5)
    size = round(layout.table_size_pt * 2)
    font = layout.body_font
    fonts = (
        f'<w:rFonts w:ascii="{escape(font.latin)}" w:hAnsi="{escape(font.latin)}" '
        f'w:eastAsia="{escape(font.name)}" w:cs="{escape(font.latin)}"/>'
    )
    rows_xml = []
    for row in table.rows:
        cells_xml = []
        for col_index, value in enumerate(row):
            numeric = isinstance(value.value, int | float) and not isinstance(value.value, bool)
            align = "center" if numeric or col_index == 0 else "left"
            cells_xml.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[col_index]}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
                f'<w:snapToGrid w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/>'
                f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>{fonts}'
                f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
                f'<w:t xml:space="preserve">{escape(value.text)}</w:t></w:r></w:p></w:tc>'
            )
        rows_xml.append("<w:tr>" + "".join(cells_xml) + "</w:tr>")
    if rows_xml:
        body = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows_xml)}</w:tbl>")
        for tr in list(body):
            tbl.append(tr)
    if table.note:
        note = document.add_paragraph()
        _exact_spacing(note, round(layout.table_size_pt * 20 * 1.5))
        _snap_to_grid(note, False)
        _add_run(note, f"注：{table.note}", layout.body_font, layout.table_size_pt)
    document.add_paragraph()


def _add_chart(
    document: DocumentObject,
    chart: Chart,
    number: int,
    layout: OfficialLayout,
    render_chart: ChartRenderer,
) -> None:
    try:
        image = render_chart(chart)
    except MissingCJKFontError as error:
        _body_paragraph(document, f"（图{number}“{chart.title}”未绘制：{error}）", layout)
        return
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _snap_to_grid(picture, False)
    width_mm = min(150.0, layout.type_area_width_twips / TWIPS_PER_MM)
    picture.add_run().add_picture(io.BytesIO(image), width=Mm(width_mm))
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_run(caption, f"图{number}　{chart.title}", layout.heading1_font, layout.table_size_pt + 2)


def _add_colophon(document: DocumentObject, bulletin: Bulletin, layout: OfficialLayout) -> None:
    """版记: the printing organ and date between a thick and a thin line (GB/T 9704-2012 7.4)."""
    document.add_paragraph()
    colophon = document.add_paragraph()
    _snap_to_grid(colophon, False)
    borders = OxmlElement("w:pBdr")
    for side, size in (("top", "8"), ("bottom", "8")):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), size)
        border.set(qn("w:space"), "1")
        border.set(qn("w:color"), "000000")
        borders.append(border)
    _insert_ppr_child(colophon, borders)
    colophon.paragraph_format.left_indent = Pt(layout.page_number_size_pt)
    colophon.paragraph_format.right_indent = Pt(layout.page_number_size_pt)
    tab_stops = colophon.paragraph_format.tab_stops

    tab_stops.add_tab_stop(
        Twips(layout.type_area_width_twips - 2 * round(layout.page_number_size_pt * 20)),
        WD_TAB_ALIGNMENT.RIGHT,
    )
    _add_run(
        colophon,
        f"{bulletin.issuing_authority}办公室\t{bulletin.issue_date_text}印发",
        layout.body_font,
        layout.page_number_size_pt,
    )


__all__ = ["FontSpec", "OfficialLayout", "write_bulletin_docx"]

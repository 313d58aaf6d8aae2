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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from envplan.services.bulletin import (
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Table,
    cn_ordinal,
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
        from envplan.reports.charts import render_chart_png

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


# --- page, grid, styles ------------------------------------------------------------------------


def _setup_page(document: DocumentObject, layout: OfficialLayout) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Twips(_twips(layout.page_width_mm))
    section.page_height = Twips(_twips(layout.page_height_mm))
    section.top_margin = Twips(_twips(layout.margin_top_mm))
    section.bottom_margin = Twips(_twips(layout.margin_bottom_mm))
    section.left_margin = Twips(_twips(layout.margin_left_mm))
    section.right_margin = Twips(_twips(layout.margin_right_mm))
    section.gutter = Twips(0)
    section.header_distance = Mm(15)
    # Footer distance is measured from the paper edge to the footer's baseline box: the page
    # number line (exactly one 4号 line high) starts page_number_gap_mm below the type area.
    footer_line_mm = layout.page_number_size_pt / 72 * 25.4
    section.footer_distance = Mm(
        layout.margin_bottom_mm - layout.page_number_gap_mm - footer_line_mm
    )
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(layout.line_pitch_twips))
    grid.set(qn("w:charSpace"), str(layout.char_space))
    sect_pr.append(grid)


def _set_fonts(rpr_parent: Any, font: FontSpec) -> None:
    """Name the East Asian font and the Latin font of a run or style (``w:rFonts``)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), font.latin)
    fonts.set(qn("w:hAnsi"), font.latin)
    fonts.set(qn("w:eastAsia"), font.name)
    fonts.set(qn("w:cs"), font.latin)
    for theme_attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attribute), None)


def _setup_styles(document: DocumentObject, layout: OfficialLayout) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(layout.body_size_pt)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(normal.element, layout.body_font)
    paragraph_format = normal.paragraph_format
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Twips(layout.line_pitch_twips)
    paragraph_format.widow_control = False
    # python-docx's default template carries theme fonts in docDefaults; name ours instead.
    styles_root = document.styles.element
    defaults = styles_root.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                rpr.remove(fonts)
            fonts = OxmlElement("w:rFonts")
            fonts.set(qn("w:ascii"), layout.body_font.latin)
            fonts.set(qn("w:hAnsi"), layout.body_font.latin)
            fonts.set(qn("w:eastAsia"), layout.body_font.name)
            fonts.set(qn("w:cs"), layout.body_font.latin)
            rpr.insert(0, fonts)
            # The grid's character pitch (w:charSpace) is relative to the default font size:
            # it must be the body size, or CJK characters snap to two grid cells each.
            for tag in ("w:sz", "w:szCs"):
                for old in rpr.findall(qn(tag)):
                    rpr.remove(old)
                size = OxmlElement(tag)
                size.set(qn("w:val"), str(round(layout.body_size_pt * 2)))
                rpr.append(size)


def _declare_fonts(document: DocumentObject, layout: OfficialLayout) -> None:
    """Add each official font to the font table with its fallback as ``w:altName``."""
    part = document.part
    font_table = None
    for rel in part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_table = rel.target_part
            break
    if font_table is None:
        return
    root = parse_xml(font_table.blob)
    known = {font.get(qn("w:name")) for font in root.findall(qn("w:font"))}
    for spec in layout.fonts():
        if spec.name in known:
            continue
        known.add(spec.name)
        font = OxmlElement("w:font")
        font.set(qn("w:name"), spec.name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), spec.fallback)
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if "黑" in spec.name else "roman")
        font.append(family)
        root.append(font)
    from lxml import etree

    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_properties(document: DocumentObject, bulletin: Bulletin, layout: OfficialLayout) -> None:
    properties = document.core_properties
    properties.title = bulletin.title
    properties.subject = f"{bulletin.month_label}调度通报"
    properties.author = bulletin.issuing_authority
    properties.keywords = "月调度通报; GB/T 9704-2012" + ("; 示例" if bulletin.demo else "")
    properties.comments = (
        "版式：GB/T 9704-2012（A4，上37mm/下35mm/左28mm/右26mm，22行×28字）。"
        + layout.fallback_statement()
        + ("。本文件所用调度数据为示例数据。" if bulletin.demo else "。")
    )
    properties.category = "通报"
    properties.language = "zh-CN"


# --- footers ------------------------------------------------------------------------------------


def _add_field(paragraph: DocxParagraph, instruction: str, font: FontSpec, size: float) -> None:
    """Insert a field (e.g. PAGE) as begin / instruction / separate / placeholder / end runs."""

    def field_run(child: Any) -> None:
        run = _add_run(paragraph, "", font, size)
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    field_run(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    field_run(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    field_run(separate)
    _add_run(paragraph, "1", font, size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    field_run(end)


def _page_number_paragraph(paragraph: DocxParagraph, layout: OfficialLayout, odd: bool) -> None:
    font = layout.page_number_font
    size = layout.page_number_size_pt
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    indent = Pt(size)  # one character
    if odd:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(size)
    _snap_to_grid(paragraph, False)
    _add_run(paragraph, "— ", font, size)
    _add_field(paragraph, "PAGE", font, size)
    _add_run(paragraph, " —", font, size)


def _add_page_number_footers(document: DocumentObject, layout: OfficialLayout) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number_paragraph(section.footer.paragraphs[0], layout, odd=True)
    _page_number_paragraph(section.even_page_footer.paragraphs[0], layout, odd=False)


# --- blocks -------------------------------------------------------------------------------------


def _add_run(paragraph: DocxParagraph, text: str, font: FontSpec, size: float, bold: bool = False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    _set_fonts(run._r, font)
    return run


def _exact_spacing(paragraph: DocxParagraph, twips: int) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Twips(twips)


# Children of w:pPr in schema order (ECMA-376 CT_PPrBase): Word rejects out-of-order elements.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _insert_ppr_child(paragraph: DocxParagraph, element: Any) -> None:
    """Insert ``element`` into the paragraph's pPr at its schema position."""
    ppr = paragraph._p.get_or_add_pPr()
    name = element.tag.split("}")[1]
    later = set(PPR_ORDER[PPR_ORDER.index(name) + 1 :])
    for index, child in enumerate(ppr):
        if child.tag.split("}")[1] in later:
            ppr.insert(index, element)
            return
    ppr.append(element)


def _snap_to_grid(paragraph: DocxParagraph, snap: bool) -> None:
    element = paragraph._p.get_or_add_pPr().find(qn("w:snapToGrid"))
    if element is None:
        element = OxmlElement("w:snapToGrid")
        _insert_ppr_child(paragraph, element)
    element.set(qn("w:val"), "1" if snap else "0")


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
    from envplan.reports.charts import MissingCJKFontError

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
    from docx.enum.text import WD_TAB_ALIGNMENT

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

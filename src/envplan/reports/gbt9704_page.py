"""Page, grid, styles, fonts, properties and page-number footers of the GB/T 9704-2012 layout
(the part of :mod:`envplan.reports.gbt9704` that sets up the document before any block)."""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from envplan.reports.gbt9704_layout import FontSpec, OfficialLayout, _twips
from envplan.services.bulletin import (
    Bulletin,
)

# --- runs and paragraph properties ----------------------------------------------------------


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

"""Layout of the Word writer against GB/T 9704-2012 (values from the standard, not from our code).

GB/T 9704-2012: A4 210 × 297 mm; top margin 37 mm, binding margin 28 mm, type area 156 × 225 mm
(so bottom 35 mm, right 26 mm); 22 lines × 28 characters of 3号 (16 pt); title 2号 (22 pt) 小标宋;
headings 黑体 / 楷体; page numbers 4号 (14 pt) "— 1 —", odd pages right, even pages left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from envplan.reports.gbt9704 import write_bulletin_docx

TITLE = "关于2021年6月污染防治攻坚重点任务调度情况的通报"
MM_TOLERANCE = Mm(0.1)


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory, sample, chart_stub) -> Path:
    path = tmp_path_factory.mktemp("docx") / "bulletin.docx"
    write_bulletin_docx(sample, path, render_chart=chart_stub)
    return path


def paragraph_with(document, text: str):
    matches = [p for p in document.paragraphs if p.text == text]
    assert matches, f"no paragraph {text!r}"
    return matches[0]


def east_asian_font(run) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_page_is_a4_with_standard_margins(docx_path: Path) -> None:
    section = Document(str(docx_path)).sections[0]
    for actual, expected_mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(expected_mm)) <= MM_TOLERANCE
    # Type area 156 × 225 mm.
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(width - Mm(156)) <= MM_TOLERANCE
    assert abs(height - Mm(225)) <= MM_TOLERANCE


def test_grid_is_22_lines_of_28_characters(docx_path: Path) -> None:
    section = Document(str(docx_path)).sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch_twips = int(grid.get(qn("w:linePitch")))
    # 225 mm = 12756 twips; 22 lines fit, 23 do not.
    assert 22 * line_pitch_twips <= 12756 < 23 * line_pitch_twips
    # Character pitch = 16 pt + charSpace/4096 pt; 28 of them span the 156 mm (442.2 pt) line.
    pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 28 * pitch_pt == pytest.approx(156 / 25.4 * 72, abs=0.5)


def test_title_and_body_fonts_and_sizes(docx_path: Path) -> None:
    document = Document(str(docx_path))
    title = paragraph_with(document, TITLE)
    assert title.alignment == 1  # centred
    assert title.runs[0].font.size == Pt(22)
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"
    body = paragraph_with(document, "正文段落。" * 30)
    assert body.runs[0].font.size == Pt(16)
    assert east_asian_font(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)


def test_headings_by_level(docx_path: Path) -> None:
    document = Document(str(docx_path))
    level1 = paragraph_with(document, "一、总体进展")
    assert east_asian_font(level1.runs[0]) == "黑体"
    assert paragraph_with(document, "二、下月到期事项")
    level2 = paragraph_with(document, "（一）大气")
    assert east_asian_font(level2.runs[0]) == "楷体_GB2312"
    assert level1.runs[0].font.size == Pt(16)


def test_masthead_number_date_and_gap(docx_path: Path) -> None:
    document = Document(str(docx_path))
    mark = paragraph_with(document, "晋城市生态环境局文件")
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    paragraph_with(document, "晋市环通〔2021〕6号")
    paragraph_with(document, "2021年7月5日")
    paragraph_with(document, "数据缺失：2021年空气质量监测数据（2021年6月）。")
    paragraph_with(document, "附件：2021年6月重点任务调度台账")
    assert any("示例" in p.text for p in document.paragraphs)


def test_page_number_footers_alternate(docx_path: Path) -> None:
    document = Document(str(docx_path))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment  # odd right (2), even left (0)
        xml = paragraph._p.xml
        assert "PAGE" in xml
        assert paragraph.runs[0].text == "— "
        assert paragraph.runs[-1].text == " —"
        assert {run.font.size for run in paragraph.runs} == {Pt(14)}
    odd = section.footer.paragraphs[0].paragraph_format
    even = section.even_page_footer.paragraphs[0].paragraph_format
    assert odd.right_indent == Pt(14) and even.left_indent == Pt(14)  # one character


def test_table_cells_print_the_sourced_text(docx_path: Path) -> None:
    table = Document(str(docx_path)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["责任单位", "应完成", "按时完成率"]
    assert [c.text for c in table.rows[1].cells] == ["市生态环境局", "12", "75.0%"]
    assert [c.text for c in table.rows[2].cells] == ["市住建局", "4", "—"]


def test_fallback_fonts_declared(docx_path: Path) -> None:
    document = Document(str(docx_path))
    assert "Noto Serif CJK SC" in document.core_properties.comments
    assert "仿宋_GB2312" in document.core_properties.comments
    font_table = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    xml = font_table.blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in xml
    assert 'w:val="Noto Sans CJK SC"' in xml  # 黑体's fallback


def test_page_number_sits_7mm_below_the_type_area(docx_path: Path) -> None:
    section = Document(str(docx_path)).sections[0]
    # footer distance (paper edge → footer line bottom) + one exact 4号 line = 35 mm − 7 mm
    footer_top = section.footer_distance + Pt(14)
    assert abs(footer_top - Mm(28)) <= Mm(0.2)


def test_pdf_skipped_with_message_without_libreoffice(
    sample, chart_stub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envplan.reports import bulletin as bulletin_module

    monkeypatch.setattr(bulletin_module, "libreoffice_path", lambda: None)
    files = bulletin_module.write_bulletin(sample, tmp_path, ("pdf",), render_chart=chart_stub)
    assert "pdf" not in files.paths
    assert files.messages == [
        "未检测到 LibreOffice（soffice），已跳过 PDF 生成；安装 LibreOffice 后可生成 PDF。"
    ]
    assert list(tmp_path.iterdir()) == []  # the intermediate .docx is not left behind

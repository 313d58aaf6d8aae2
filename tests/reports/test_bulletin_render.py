"""Render the 2021-06 bulletin (Jincheng 2021 plan) through LibreOffice and poppler.

The page image is kept under ``test-artifacts/`` for a person to look at; the test checks the
PDF's text (the title, the page numbers) and its page size with poppler's own tools.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from envplan.plan import default_plan
from envplan.reports.bulletin import write_bulletin
from envplan.reports.pdf import libreoffice_path, pdf_page_png
from envplan.services.bulletin import BulletinOptions, assemble_monthly_bulletin
from envplan.services.bulletin.sources import (
    demo_soil_files,
    demo_water_file,
    soil_facts_from_files,
    water_facts_from_file,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TITLE = "关于2021年6月污染防治攻坚重点任务调度情况的通报"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if libreoffice_path() is None or shutil.which("pdftotext") is None:
        pytest.skip("未安装 LibreOffice 或 poppler-utils：跳过页面渲染测试")
    plan = default_plan()
    farmland, construction = demo_soil_files()
    bulletin = assemble_monthly_bulletin(
        "2021-06",
        plan=plan,
        water=water_facts_from_file(demo_water_file(), "2021-06", plan=plan),
        soil=soil_facts_from_files(farmland, construction),
        options=BulletinOptions(demo_data=True, attachments=("2021年6月重点任务调度台账",)),
    )
    out = tmp_path_factory.mktemp("render")
    files = write_bulletin(bulletin, out, ("docx", "pdf"))
    assert "pdf" in files.paths, files.messages
    pdf = files.paths["pdf"]
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "bulletin-2021-06.pdf")
    png = pdf_page_png(pdf, ARTIFACTS / "bulletin-2021-06-page1.png", page=1, dpi=80)
    pdf_page_png(pdf, ARTIFACTS / "bulletin-2021-06-page2.png", page=2, dpi=80)
    return pdf, png


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_page_image_exists(rendered: tuple[Path, Path]) -> None:
    _, png = rendered
    assert png.is_file()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000  # a page with text, not a blank image


def test_first_page_shows_masthead_and_title(rendered: tuple[Path, Path]) -> None:
    pdf, _ = rendered
    first_page = re.sub(r"\s+", "", _text(pdf, "-f", "1", "-l", "1"))
    assert "晋城市生态环境局文件" in first_page
    assert "晋环调〔2021〕6号" in first_page
    assert TITLE in first_page
    assert "—1—" in first_page


def test_pdf_is_a4_with_page_numbers(rendered: tuple[Path, Path]) -> None:
    pdf, _ = rendered
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info.stdout)
    second = re.sub(r"\s+", "", _text(pdf, "-f", "2", "-l", "2"))
    assert "—2—" in second


def _width(line: str) -> float:
    """Line width in 3号 characters: CJK and full-width signs 1, half-width digits/letters ½."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in re.sub(r"\s+", "", line))


def test_body_lines_fit_the_28_character_grid(rendered: tuple[Path, Path]) -> None:
    pdf, _ = rendered
    # Lines of the body text on page 1 (after the title): justified lines are full, ≤ 28 wide.
    text = _text(pdf, "-f", "1", "-l", "1")
    body = text[text.index("各县") :]
    widths = [_width(line) for line in body.splitlines() if line.strip() and "—" not in line]
    assert max(widths) <= 28
    assert max(widths) >= 26  # full lines do use the 28-character measure

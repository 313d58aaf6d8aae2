"""PDF and page images of the Word bulletin through LibreOffice (headless) and poppler.

LibreOffice is optional: :func:`libreoffice_path` is ``None`` when it is not installed and callers
skip the PDF with :data:`PDF_SKIPPED_MESSAGE` (zh-CN).

Two things differ between Word, for which the .docx is written, and LibreOffice, which renders
the preview:

- Fonts: the official fonts are proprietary. A private fontconfig file maps each official name to
  its declared fallback (``OfficialLayout`` → ``FontSpec.fallback``) for the conversion only, so the
  PDF uses the labelled substitutes instead of whatever CJK font fontconfig picks first.
- Character grid: Word reads ``w:charSpace`` (negative, to fit 28 characters of 16 pt into 156 mm)
  as intended; LibreOffice snaps each character to two grid cells when the pitch is below the font
  size (14 characters a line). The preview copy is converted with ``w:charSpace="0"``, with which
  LibreOffice lays out 28 characters a line; the .docx handed to users is not changed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from envplan.reports.gbt9704 import OfficialLayout

PDF_SKIPPED_MESSAGE = (
    "未检测到 LibreOffice（soffice），已跳过 PDF 生成；安装 LibreOffice 后可生成 PDF。"
)
CONVERSION_TIMEOUT_S = 120


class PdfConversionError(RuntimeError):
    """LibreOffice or poppler failed; the message (zh-CN) names the file."""


def libreoffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _fontconfig_file(directory: Path, layout: OfficialLayout) -> Path:
    rules = []
    for font in layout.fonts():
        weight = (
            '<edit name="weight" mode="assign"><const>bold</const></edit>'
            if font is layout.title_font
            else ""
        )
        rules.append(
            f'<match target="pattern"><test name="family"><string>{escape(font.name)}</string>'
            f'</test><edit name="family" mode="prepend" binding="strong">'
            f"<string>{escape(font.fallback)}</string></edit>{weight}</match>"
        )
    config = directory / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        + "\n".join(rules)
        + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def _libreoffice_copy(docx: Path, target: Path) -> None:
    """Copy of ``docx`` whose document grid LibreOffice lays out as 28 characters a line."""
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r'w:charSpace="-?\d+"', 'w:charSpace="0"', text)
                data = text.encode("utf-8")
            out.writestr(item, data)


def docx_to_pdf(docx: Path, pdf: Path, *, layout: OfficialLayout | None = None) -> Path:
    """Convert ``docx`` to ``pdf`` with LibreOffice headless; returns the PDF path.

    Raises :class:`PdfConversionError` when LibreOffice is missing or fails.
    """
    soffice = libreoffice_path()
    if soffice is None:
        raise PdfConversionError(PDF_SKIPPED_MESSAGE)
    layout = layout or OfficialLayout()
    with tempfile.TemporaryDirectory(prefix="envplan-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / (pdf.stem + ".docx")
        _libreoffice_copy(docx, source)
        environment = dict(os.environ)
        environment["FONTCONFIG_FILE"] = str(_fontconfig_file(work_dir, layout))
        # A private profile: a running LibreOffice of the user does not block the conversion.
        profile = (work_dir / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work_dir),
            str(source),
        ]
        try:
            completed = subprocess.run(
                command,
                env=environment,
                capture_output=True,
                timeout=CONVERSION_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PdfConversionError(
                f"LibreOffice 转换超时（{CONVERSION_TIMEOUT_S} 秒）：{docx}"
            ) from error
        produced = work_dir / (pdf.stem + ".pdf")
        if completed.returncode != 0 or not produced.is_file():
            detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
            raise PdfConversionError(f"LibreOffice 未能将 {docx} 转换为 PDF：{detail}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(produced, pdf)
    return pdf


def pdf_page_png(pdf: Path, png: Path, *, page: int = 1, dpi: int = 100) -> Path:
    """Render one page of ``pdf`` to ``png`` with poppler's pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PdfConversionError("未检测到 pdftoppm（poppler-utils），无法生成页面图像")
    png.parent.mkdir(parents=True, exist_ok=True)
    stem = png.with_suffix("")
    completed = subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        capture_output=True,
        timeout=CONVERSION_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip()[:300]
        raise PdfConversionError(f"pdftoppm 未能渲染 {pdf} 第 {page} 页：{detail}")
    return stem.with_suffix(".png")

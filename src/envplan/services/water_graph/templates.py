"""The import templates as files: one CSV (UTF-8 with BOM, opens in Excel) and one .xlsx per
template; the workbook's first sheet is the table to fill in, the second (说明) explains it."""

from __future__ import annotations

import csv
from pathlib import Path

from envplan.services.water_graph.imports import OUTFALL_KINDS, template_headers

NOTES = {
    "水系图_河段": "每行一个河段（两个汇流点之间）；下游河段编码留空表示出境。带 * 的列必填。",
    "水系图_断面": "位置为距所在河段上游端的公里数，决定断面与排污口的上下游次序。",
    "水系图_排污口": f"排污口类型：{'、'.join(OUTFALL_KINDS)}；统一社会信用代码按 GB 32100-2015 校验。",
    "排污口监测": "监测时间写 2021-05 或 2021-05-12；未检出写 检出限+L，如 0.05L；流量单位 m³/d。",
    "企业自行监测": "统一社会信用代码与排污口登记表一致；指标列与排污口监测相同。",
    "千吨万人水源地": "水源类型：地表水、地下水；水质目标与最近水质类别写 Ⅲ类 等。",
    "省定断面目标": "目标水质写 Ⅲ类 等；导入时须注明省定目标文件文号（--source）。",
}


def write_templates(out_dir: Path) -> list[Path]:
    """Write every template as .csv and .xlsx into ``out_dir``; returns the paths written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, header in template_headers().items():
        stem = name.removesuffix(".csv")
        csv_path = out_dir / name
        with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerow(header)
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = stem[:31]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, title in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(title) * 2)
        notes = workbook.create_sheet("说明")
        notes.append([NOTES.get(stem, "")])
        notes.append(["所有行一次性校验，有任何问题则整份文件不导入，并列出文件、行号与列名。"])
        xlsx_path = out_dir / f"{stem}.xlsx"
        workbook.save(xlsx_path)
        written += [csv_path, xlsx_path]
    return written

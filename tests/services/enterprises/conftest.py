"""Fixtures for the enterprise registry and emergency tests: dual-backend database (SQLite and
PostgreSQL) and a helper that writes a registry workbook in the import layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from envplan.services.enterprises import COLUMNS
from envplan.store.testing import (  # noqa: F401
    db_backend,
    db_engine,
    db_session,
    db_url,
    migrated_engine,
)

HEADERS = [name for name, _ in COLUMNS]

# Published unified social credit codes of well-known companies (their business licences), used
# as independent evidence that the GB 32100-2015 check computes what the registries print.
PUBLISHED_CODES = {
    "91330100716105852F": "阿里巴巴（中国）有限公司",
    "9144030071526726XG": "深圳市腾讯计算机系统有限公司",
    "914403001922038216": "华为技术有限公司",
}


def row(**values: Any) -> dict[str, Any]:
    """One registry row by header name (defaults: a valid 泽州县 铸造 enterprise)."""
    base = {
        "统一社会信用代码": "91330100716105852F",
        "企业名称": "【示例】甲铸造有限公司",
        "县（市、区）": "泽州县",
        "乡镇（街道）": "巴公镇",
        "村（社区）": "西郜村",
        "行业类别": "铸造",
        "经度": 112.87,
        "纬度": 35.62,
        "排放年份": 2020,
        "数据来源": "排污许可执行报告",
        "二氧化硫（吨/年）": 10,
        "氮氧化物（吨/年）": 20,
        "颗粒物（吨/年）": 5,
        "挥发性有机物（吨/年）": 2,
        "绩效级别": "B",
        "评级日期": "2020-10-15",
        "评级单位": "山西省生态环境厅",
        "清洁运输（是/否）": "否",
        "门禁系统（是/否）": "是",
    }
    base.update(values)
    return base


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[[list[dict[str, Any]]], Path]:
    from openpyxl import Workbook

    def build(rows: list[dict[str, Any]], name: str = "名录.xlsx") -> Path:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "企业名录"
        ws.append(["晋城市排污单位名录"])  # a title row above the header, as bureaus do
        ws.append(HEADERS)
        for r in rows:
            ws.append([r.get(h) for h in HEADERS])
        path = tmp_path / name
        wb.save(path)
        return path

    return build

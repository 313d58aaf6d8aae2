"""The bulletin download: one use case with the CLI, the reader's access scope, the cache.

- The web download and ``envplan report monthly`` for the same month and home give the same
  Word text (document.xml byte for byte): both call ``services.bulletin.monthly_bulletin``.
- The month's good-day count is one number: bulletin, /public/air, the API, ``envplan air assess``.
- A unit clerk's Excel attachment holds the ledger rows of their own unit only (as the API).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from envplan.cli import app as cli_app
from envplan.monitoring.air_bundled import bundled_air_file
from envplan.services.dashboard.platform import Platform
from envplan.web.app import create_app

from .conftest import demo_settings, login

pytestmark = pytest.mark.slow

SITE = ("--site", "晋城市", "--json")
MONTH = "2016-06"  # a month the demo home's store holds (real third-party daily means)


def _document_xml(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def _cli_docx(platform: Platform, out: Path, month: str) -> bytes:
    env = {
        "ENVPLAN_HOME": str(platform.home),
        "ENVPLAN_DATABASE_URL": str(platform.engine.url.render_as_string(hide_password=False)),
    }
    result = CliRunner().invoke(
        cli_app,
        ["report", "monthly", "--month", month, "--format", "docx", "--out", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.docx")
    return path.read_bytes()


def _client(platform: Platform, username: str) -> TestClient:
    client = TestClient(create_app(demo_settings(platform.home), platform=platform))
    client.__enter__()
    login(client, username)
    return client


def test_web_download_and_cli_give_the_same_document(
    shared_platform: Platform, tmp_path: Path
) -> None:
    client = _client(shared_platform, "t-admin")
    try:
        response = client.get("/bulletin/download", params={"month": MONTH, "format": "docx"})
    finally:
        client.__exit__(None, None, None)
    assert response.status_code == 200, response.text[:300]
    web = _document_xml(response.content)
    cli = _document_xml(_cli_docx(shared_platform, tmp_path / "out", MONTH))
    assert web == cli
    text = web.decode("utf-8")
    assert "优良天数比例" in text and "示例" in text  # the demo records are labelled 示例


def _good_days_in_bulletin(docx: bytes) -> int:
    document = Document(io.BytesIO(docx))
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:3] == ["时段", "有效天数", "优良天数"]:
            return int(table.rows[1].cells[2].text)
    raise AssertionError("no good-day table in the bulletin")


def test_the_months_good_day_count_is_one_number(shared_platform: Platform, tmp_path: Path) -> None:
    bulletin = _good_days_in_bulletin(_cli_docx(shared_platform, tmp_path / "out", MONTH))
    client = _client(shared_platform, "t-viewer")
    try:
        api = client.get("/api/v1/public/air/monthly").json()
        month_api = client.get("/api/v1/air/month", params={"month": MONTH}).json()
        missing = client.get("/api/v1/air/month", params={"month": "1999-01"})
        bad = client.get("/api/v1/air/month", params={"month": "2016-13"})
        page = client.get("/public/air").text
    finally:
        client.__exit__(None, None, None)
    (api_row,) = [r for r in api["rows"] if r["month"] == MONTH]
    row_html = re.search(rf"<tr><td>{MONTH}</td>(.*?)</tr>", page)
    assert row_html is not None
    page_cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html.group(1))
    source = bundled_air_file("aqistudy-daily-shanxi-11-cities-2013_2017.csv")
    assessed = CliRunner().invoke(
        cli_app,
        ["air", "assess", str(source), "--format", "aqistudy-daily", "--period", MONTH, *SITE],
    )
    assert assessed.exit_code == 0, assessed.output
    (cli_row,) = json.loads(assessed.output)
    # June 2016 has 30 days and all are valid; the four surfaces agree on the good days.
    assert api_row["valid_days"] == cli_row["valid_days"] == 30
    assert bulletin == api_row["good_days"] == int(page_cells[1]) == cli_row["good_days"]
    assert month_api["good_days"] == bulletin and month_api["label"] == "第三方处理数据"
    assert missing.status_code == 404 and bad.status_code == 422
    assert bulletin > 0  # the old bulletin said 0 valid days for this month


def _ledger_units(xlsx: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(xlsx))
    units: set[str] = set()
    for name in ("大气", "水", "土壤"):
        if name not in workbook.sheetnames:
            continue
        sheet = workbook[name]
        header = [c.value for c in sheet[3]]
        column = header.index("责任单位")
        for row in sheet.iter_rows(min_row=4, values_only=True):
            if row[0] is not None:
                units.add(str(row[column]))
    return units


def test_a_unit_clerk_gets_only_their_units_ledger_rows(shared_platform: Platform) -> None:
    downloads = {}
    for username in ("t-admin", "t-clerk"):
        client = _client(shared_platform, username)
        try:
            response = client.get(
                "/bulletin/download", params={"month": "2021-06", "format": "xlsx"}
            )
        finally:
            client.__exit__(None, None, None)
        assert response.status_code == 200, response.text[:300]
        downloads[username] = _ledger_units(response.content)
    clerk_unit = "市生态环境局"
    assert len(downloads["t-admin"]) > 5  # the bureau's ledger: every unit
    assert downloads["t-clerk"], "the clerk sees their own rows"
    # every row of the clerk's ledger is one the API lets them read: their unit leads it or
    # takes part in it (责任单位 lists the lead, then the co-units and county group)
    assert all(clerk_unit in cell.split("、") for cell in downloads["t-clerk"])
    assert any(cell.split("、")[0] != clerk_unit for cell in downloads["t-admin"])


def test_the_rendered_bulletin_is_cached_per_month_format_and_scope(
    shared_platform: Platform,
) -> None:
    client = _client(shared_platform, "t-clerk")
    try:
        first = client.get("/bulletin/download", params={"month": "2021-05", "format": "html"})
        assert (
            shared_platform.peek(
                ("bulletin", "2021-05", "html", "unit_clerk:city-ecology-environment:")
            )
            is not None
        )
        second = client.get("/bulletin/download", params={"month": "2021-05", "format": "html"})
    finally:
        client.__exit__(None, None, None)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content

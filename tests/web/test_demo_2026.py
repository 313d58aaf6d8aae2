"""The demo ships the Shanxi 2026 stations as real current data (官方实时发布数据).

`envplan report monthly --month 2026-06` on the demo home fills the air section (no "—"), with
Jincheng among the 11 cities; the month's good-day count is one number in the bulletin,
/public/air, the API and `envplan air assess` on the same file.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from envplan.cli import app as cli_app
from envplan.monitoring.air_bundled import bundled_air_file
from envplan.services.dashboard.platform import Platform
from envplan.web.app import create_app

from .conftest import demo_settings, login

pytestmark = pytest.mark.slow

MONTH = "2026-06"
ASSESS = ("--period", MONTH, "--site", "晋城市", "--json")
FILE = "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"
SHANXI_11 = {"太原市", "大同市", "阳泉市", "长治市", "晋城市", "朔州市"}
SHANXI_11 |= {"晋中市", "运城市", "忻州市", "临汾市", "吕梁市"}


def _bulletin(platform: Platform, out: Path) -> Document:
    env = {
        "ENVPLAN_HOME": str(platform.home),
        "ENVPLAN_DATABASE_URL": str(platform.engine.url.render_as_string(hide_password=False)),
    }
    result = CliRunner().invoke(
        cli_app,
        ["report", "monthly", "--month", MONTH, "--format", "docx", "--out", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.docx")
    return Document(io.BytesIO(path.read_bytes()))


def _air_section(document: Document) -> tuple[list[str], list[list[list[str]]]]:
    """Paragraph texts and tables between the air heading and the water heading."""
    body = document.element.body
    texts: list[str] = []
    tables: list[list[list[str]]] = []
    inside = False
    by_element = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            if "环境空气质量" in text and "、" in text[:3]:
                inside = True
            elif "水环境质量" in text and "、" in text[:3]:
                break
            elif inside:
                texts.append(text)
        elif inside and child in by_element:
            tables.append([[c.text for c in r.cells] for r in by_element[child].rows])
    return texts, tables


@pytest.fixture(scope="module")
def air_section(
    shared_platform: Platform, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[str], list[list[list[str]]]]:
    """The air section of the CLI's 2026-06 bulletin on the demo home (built once)."""
    return _air_section(_bulletin(shared_platform, tmp_path_factory.mktemp("out")))


def test_the_2026_06_bulletin_fills_the_air_section(
    air_section: tuple[list[str], list[list[list[str]]]],
) -> None:
    texts, tables = air_section
    assert tables, "the air section has tables"
    cells = [cell for table in tables for row in table[1:] for cell in row]
    assert "—" not in cells
    assert any("官方实时发布数据" in t for t in texts)
    ranking = next(t for t in tables if t[0][:3] == ["城市", "本月综合指数", "本月排名"])
    assert {row[0] for row in ranking[1:]} == SHANXI_11  # Jincheng among the 11 cities


def test_the_2026_06_good_days_are_one_number(
    shared_platform: Platform, air_section: tuple[list[str], list[list[list[str]]]]
) -> None:
    _, tables = air_section
    good = next(t for t in tables if t[0][:3] == ["时段", "有效天数", "优良天数"])
    bulletin = int(good[1][2])
    client = TestClient(create_app(demo_settings(shared_platform.home), platform=shared_platform))
    with client:
        login(client, "t-viewer")
        public_api = client.get("/api/v1/public/air/monthly").json()
        month_api = client.get("/api/v1/air/month", params={"month": MONTH}).json()
        page = client.get("/public/air").text
        dashboard = client.get("/").text
    (api_row,) = [r for r in public_api["rows"] if r["month"] == MONTH]
    assert api_row["label"] == "官方实时发布数据"
    row_html = re.search(rf"<tr><td>{MONTH}</td>(.*?)</tr>", page)
    assert row_html is not None
    page_cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html.group(1))
    assessed = CliRunner().invoke(
        cli_app,
        ["air", "assess", str(bundled_air_file(FILE)), "--format", "cnemc-live", *ASSESS],
    )
    assert assessed.exit_code == 0, assessed.output
    (cli_row,) = json.loads(assessed.output)
    assert bulletin == api_row["good_days"] == month_api["good_days"] == int(page_cells[1])
    assert bulletin == cli_row["good_days"]
    assert api_row["valid_days"] == 30 == cli_row["valid_days"]
    assert f">{MONTH}<" in dashboard  # the dashboard shows Jincheng's latest months

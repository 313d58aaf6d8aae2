"""The analysis page, its JSON twin and the Excel list on the demo platform; the same trend in
the API and in the CLI on the same home."""

from __future__ import annotations

import io
import json

import lxml.html
import openpyxl
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from envplan.cli import app
from envplan.services.dashboard.platform import Platform


def test_page_renders_trend_and_signal_sections(admin_client: TestClient) -> None:
    response = admin_client.get("/analysis?city=晋城市&pollutant=PM2.5")
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    assert doc.get_element_by_id("trend") is not None
    assert doc.get_element_by_id("signals") is not None
    for holder in doc.xpath("//div[@data-option]"):
        option = json.loads(doc.get_element_by_id(holder.get("data-option")).text_content())
        assert option["series"], holder.get("id")
    assert "Theil–Sen" in response.text


def test_api_trend_equals_the_cli_on_the_same_home(
    admin_client: TestClient, shared_platform: Platform
) -> None:
    api = admin_client.get("/api/v1/analysis", params={"city": "晋城市", "pollutant": "PM2.5"})
    assert api.status_code == 200
    trend = api.json()["trend"]
    assert trend is not None, api.json()["trend_error"]
    cli = CliRunner().invoke(
        app,
        ["air", "trend", "--city", "晋城市", "--pollutant", "PM2.5", "--json"],
        env={"ENVPLAN_HOME": str(shared_platform.home)},
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["slope"] == trend["slope"]


def test_excel_list_and_bad_input(admin_client: TestClient, bare_client: TestClient) -> None:
    response = admin_client.get("/analysis/signals.xlsx", params={"city": "晋城市"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:4] == ["站点", "城市", "污染物", "信号类型"]
    assert admin_client.get("/analysis", params={"pollutant": "XYZ"}).status_code == 422
    assert admin_client.get("/api/v1/analysis", params={"city": "x" * 41}).status_code == 422

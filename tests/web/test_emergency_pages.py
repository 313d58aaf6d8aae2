"""Enterprise and emergency pages on the demo platform (示例 registry seeded with the demo)."""

from __future__ import annotations

import json

import lxml.html
from fastapi.testclient import TestClient

from .conftest import login


def test_enterprises_page_lists_demo_and_map(admin_client: TestClient) -> None:
    response = admin_client.get("/enterprises")
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    rows = doc.xpath("//table[@id='enterprises']/tbody/tr[@data-code]")
    assert len(rows) == 16
    assert all("【示例】" in r.text_content() for r in rows)
    option = json.loads(doc.get_element_by_id("opt-enterprise-map").text_content())
    assert {s["name"] for s in option["series"]} == {"A", "引领性", "B", "B-", "C", "D", "非重点"}
    one = admin_client.get("/enterprises", params={"county": "陵川县"}).text
    assert len(lxml.html.fromstring(one).xpath("//tr[@data-code]")) == 2


def test_emergency_page_checks_minimum(admin_client: TestClient) -> None:
    doc = lxml.html.fromstring(admin_client.get("/emergency", params={"level": "red"}).text)
    assert "未达到最低减排比例 30%" in doc.get_element_by_id("verdict").text_content()
    assert doc.xpath("//td[@data-share='PM'][@class='short']")
    timeline = doc.get_element_by_id("timeline").text_content()
    assert "发布" in timeline and "升级" in timeline and "降级" in timeline and "解除" in timeline
    yellow = lxml.html.fromstring(admin_client.get("/emergency", params={"level": "yellow"}).text)
    assert "达到全社会排放量 10%" in yellow.get_element_by_id("verdict").text_content()
    assert admin_client.get("/emergency", params={"level": "purple"}).status_code == 422


def test_api_and_export_give_the_cli_numbers(admin_client: TestClient) -> None:
    data = admin_client.get("/api/emergency/list", params={"level": "orange"}).json()
    assert data["level"] == "orange" and data["required"] == 0.2 and data["meets"] is True
    response = admin_client.get("/emergency/export.xlsx", params={"level": "red"})
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_county_clerk_sees_only_its_county(bare_client: TestClient) -> None:
    login(bare_client, "demo-county", "demo-county-2021")
    rows = bare_client.get("/api/enterprises").json()
    assert rows and {r["county"] for r in rows} == {"泽州县"}
    doc = lxml.html.fromstring(bare_client.get("/emergency", params={"level": "red"}).text)
    counties = {
        tr.xpath("./td[1]")[0].text_content()
        for tr in doc.xpath("//table[@id='list']/tbody/tr[@data-code]")
    }
    assert counties == {"泽州县"}


def test_public_page_shows_warning_without_internal_fields(bare_client: TestClient) -> None:
    response = bare_client.get("/public/emergency")
    assert response.status_code == 200
    text = response.text
    assert "黄色预警" in text and "已于 2021-01-15 解除" in text
    assert "【示例】" in text
    assert "91140" not in text  # no credit codes
    assert "张三" not in text  # no inspections

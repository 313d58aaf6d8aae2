"""The water-graph pages on the demo platform: bureau page, tracing, indicator form, public page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import csrf_of


def test_graph_page_shows_demo_graph_warnings_and_lights(admin_client: TestClient) -> None:
    page = admin_client.get("/water/graph")
    assert page.status_code == 200
    text = page.text
    assert "示例" in text and "水系图（上游 → 下游）" in text
    assert "水预警〔2021〕" in text  # the 示例 warnings issued on 2021-06-30
    # 示例 report: 进水BOD₅ 128 mg/L < 150 → red light.
    row = re.search(r'<tr data-target="water-t09" data-state="(\w+)">', text)
    assert row and row.group(1) == "below"
    assert "省定目标" in text  # the page says the provincial targets are not bundled


def test_trace_on_the_page_lists_upstream_only(admin_client: TestClient) -> None:
    page = admin_client.get(
        "/water/graph", params={"section": "金匠桥", "indicator": "氨氮", "date": "2021-06-30"}
    )
    table = page.text.split('id="trace-result"')[1].split("</table>")[0]
    outfalls = re.findall(r'<tr data-kind="outfall"><td>排污口</td><td>([^<]+)</td>', table)
    assert outfalls == [
        "示例·城区某焦化企业排污口",
        "示例·城区某化工企业排污口",
        "示例·城区某污水处理厂排污口",
    ]
    assert "金匠桥下游" not in table
    bad = admin_client.get("/water/graph", params={"section": "金匠桥", "indicator": "无此指标"})
    assert bad.status_code == 200 and "无法识别" in bad.text


def test_indicator_form_turns_the_light(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/water/graph")
    response = admin_client.post(
        "/water/graph/indicators",
        data={
            "csrf_token": token,
            "target_id": "water-t13",
            "period": "2021-09",
            "value": "41",
            "area": "全市",
        },
        files={"evidence": ("开工清单.pdf", b"%PDF-1.4 list", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = admin_client.get("/water/graph").text
    # 水 (二)7: 开工建设 60 个村庄; 41 < 60 → red.
    assert re.search(r'<tr data-target="water-t13" data-state="below">', page)
    bad = admin_client.post(
        "/water/graph/indicators",
        data={"csrf_token": token, "target_id": "water-t13", "period": "2021/09", "value": "1"},
    )
    assert bad.status_code == 422 and "字段 时段" in bad.text


def test_public_outfall_page_needs_no_login(bare_client: TestClient) -> None:
    page = bare_client.get("/public/outfalls")
    assert page.status_code == 200
    assert "入河排污口月度监测结果" in page.text and "示例" in page.text
    assert "SL-BSH-002" in page.text and "千吨万人" in page.text
    assert bare_client.get("/water/graph", follow_redirects=False).status_code in (302, 303, 401)


def test_api_gives_the_same_answer_as_the_service(admin_client: TestClient) -> None:
    trace = admin_client.get(
        "/api/v1/water/trace",
        params={"section": "金匠桥", "indicator": "氨氮", "date": "2021-06-30"},
    )
    assert trace.status_code == 200
    ranked = [(u["code"], u["rank"]) for u in trace.json()["upstream"] if u["kind"] == "outfall"]
    assert ranked == [("SL-BSH-002", 1), ("SL-BSH-003", 2), ("SL-BSH-001", 3)]
    bad = admin_client.get(
        "/api/v1/water/trace", params={"section": "无", "indicator": "氨氮", "date": "2021-06-30"}
    )
    assert bad.status_code == 422 and "不在水系图中" in bad.json()["detail"]
    warnings = admin_client.get("/api/v1/water/warnings", params={"as_of": "2021-06-30"}).json()
    assert {w["section"] for w in warnings["warnings"]} >= {"金匠桥", "北焦庄"}
    lights = admin_client.get("/api/v1/water/indicators", params={"period": "2021-06"}).json()
    assert any(r["target_id"] == "water-t09" and r["light"] == "红" for r in lights)


def test_api_needs_login(bare_client: TestClient) -> None:
    assert bare_client.get("/api/v1/water/warnings").status_code == 401

"""The JSON API in-process, on a real SQLite file and on PostgreSQL (one schema per module run).

Expected values come from outside envplan's code: the official MEE hourly AQI in the bundled file
(every complete city-hour must match), the plan's printed section list (22 sections, 附件1), the
status rules of the supervision issue (a report at ≥ 50 % lifts an at-risk item), and the
schema of the OpenAPI document itself.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from envplan.services.dashboard.platform import Platform
from envplan.store.models import AuditEntry
from envplan.web import create_app

from .conftest import demo_settings, login


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings(platform.home), platform=platform)) as test_client:
        yield test_client


def api_csrf(client: TestClient) -> str:
    return str(client.get("/api/v1/me").json()["csrf_token"])


def test_internal_api_needs_login(client: TestClient) -> None:
    response = client.get("/api/v1/tasks")
    assert response.status_code == 401
    assert "登录" in response.json()["detail"]


def test_hourly_aqi_matches_every_published_city_hour(client: TestClient) -> None:
    login(client, "t-admin")
    body = client.get("/api/v1/air/hourly").json()
    match = body["match"]
    assert match["cities"] == 367
    assert match["equal"] == match["city_hours"] > 60_000
    jincheng = {h["time"]: h for h in body["hours"]}
    # The published AQI of every Jincheng hour, read straight from the bundled CSV.
    published = _published_jincheng_aqi()
    assert len(published) > 150
    for time, aqi in published.items():
        assert jincheng[time]["published_aqi"] == aqi


def _published_jincheng_aqi() -> dict[str, int]:
    from envplan.monitoring.air_bundled import bundled_air_file

    path = bundled_air_file("mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["time"][:16]: int(row["AQI"])
            for row in csv.DictReader(handle)
            if row["AQI"].isdigit()
        }


def test_air_year_has_a_day_per_calendar_day_and_the_eleven_cities(client: TestClient) -> None:
    login(client, "t-admin")
    body = client.get("/api/v1/air/daily", params={"year": 2016, "as_of": "2016-06-30"}).json()
    assert len(body["days"]) == 366  # 2016 is a leap year; the file has every day
    assert body["label"] == "第三方处理数据"
    assert body["cities_ranked"] == 11
    good = body["good_days"]
    assert good["as_of"] == "2016-06-30"
    assert good["remaining_days"] == 184  # 1 July … 31 December
    assert good["valid_days"] <= 182  # 1 January … 30 June 2016


def test_bad_query_values_are_4xx_with_the_field_named(client: TestClient) -> None:
    login(client, "t-admin")
    cases = [
        ("/api/v1/air/daily?year=abc", "year"),
        ("/api/v1/air/daily?as_of=2016-13-01", "as_of"),
        ("/api/v1/air/daily?year=1999", "year"),
        ("/api/v1/tasks?month=2021-13", "月份"),
        ("/api/v1/tasks?status=bogus", "状态"),
        ("/api/v1/tasks/999999", "不存在"),
    ]
    for url, word in cases:
        response = client.get(url)
        assert 400 <= response.status_code < 500, url
        assert word in response.json()["detail"], (url, response.json())


def test_plan_sections_are_the_22_of_the_annex(client: TestClient) -> None:
    login(client, "t-admin")
    body = client.get("/api/v1/water/sections").json()
    assert [s["number"] for s in body["sections"]] == list(range(1, 23))
    by_name = {s["section"]: s for s in body["sections"]}
    # The CNEMC snapshot has Jincheng's two automatic stations; the others have no data.
    assert by_name["拴驴泉"]["water_class"] is not None
    assert by_name["张峰水库出口"]["water_class"] is not None
    assert sum(1 for s in body["sections"] if s["compliance"] == "无监测数据") == 20


def test_clerk_sees_only_own_unit(client: TestClient) -> None:
    login(client, "t-clerk")
    body = client.get("/api/v1/tasks").json()
    assert body["count"] > 0
    own = "city-ecology-environment"
    # its own lines, the county and co-unit lines of the items it leads (the roll-up), and the
    # lead's line of the items it contributes to — nothing of an item it has no part in
    for row in body["data"]:
        assert row["unit_id"] == own or own in row["lead_unit_ids"] or own in row["co_unit_ids"], (
            row["occurrence_id"]
        )
    leads_of_others = [r for r in body["data"] if r["role"] == "lead" and r["unit_id"] != own]
    assert all(own in r["co_unit_ids"] + r["lead_unit_ids"] for r in leads_of_others)


def test_progress_report_lifts_an_at_risk_item_and_is_audited(
    client: TestClient, platform: Platform
) -> None:
    login(client, "t-clerk")
    at_risk = client.get(
        "/api/v1/tasks", params={"status": "at_risk", "unit": "city-ecology-environment"}
    ).json()["data"]
    assert at_risk, "the clerk's unit has items due within 5 working days at 0 %"
    item = at_risk[0]
    assert item["light"] == "yellow"
    response = client.post(
        f"/api/v1/tasks/{item['occurrence_id']}/progress",
        data={
            "expected_version": str(item["version"]),
            "state": "in_progress",
            "percent": "60",
            "narrative": "已完成方案起草（测试）",
        },
        files={"evidence": ("方案.pdf", b"%PDF-1.4 test evidence", "application/pdf")},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 200, response.text
    state = response.json()
    assert state["light"] == "green"
    assert state["percent"] == 60
    with platform.session() as session:
        last = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action != "records.seal")  # the seal of the records follows
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert last.action == "report.submit"
    assert last.actor == "t-clerk"
    detail = client.get(f"/api/v1/tasks/{item['occurrence_id']}").json()
    mine = [h for h in detail["history"] if h["text"] == "已完成方案起草（测试）"]
    assert mine and mine[0]["evidence"] == ["方案.pdf"]


def test_stale_version_is_a_409_and_nothing_is_written(client: TestClient) -> None:
    login(client, "t-clerk")
    item = client.get(
        "/api/v1/tasks", params={"status": "at_risk", "unit": "city-ecology-environment"}
    ).json()["data"][0]
    data = {"state": "in_progress", "percent": "10", "narrative": "版本冲突测试"}
    token = api_csrf(client)
    path = f"/api/v1/tasks/{item['occurrence_id']}/progress"
    first = client.post(
        path,
        data={**data, "expected_version": str(item["version"])},
        headers={"X-CSRF-Token": token},
    )
    assert first.status_code == 200
    second = client.post(
        path,
        data={**data, "expected_version": str(item["version"])},
        headers={"X-CSRF-Token": token},
    )
    assert second.status_code == 409
    assert "冲突" in second.json()["detail"]


def test_viewer_cannot_report(client: TestClient) -> None:
    login(client, "t-viewer")
    item = client.get("/api/v1/tasks").json()["data"][0]
    response = client.post(
        f"/api/v1/tasks/{item['occurrence_id']}/progress",
        data={
            "expected_version": str(item["version"]),
            "state": "in_progress",
            "percent": "10",
            "narrative": "x",
        },
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 403


def test_evidence_type_and_size_limits(client: TestClient) -> None:
    login(client, "t-clerk")
    item = client.get("/api/v1/tasks").json()["data"][0]
    path = f"/api/v1/tasks/{item['occurrence_id']}/progress"
    data = {
        "expected_version": str(item["version"]),
        "state": "in_progress",
        "percent": "10",
        "narrative": "x",
    }
    token = api_csrf(client)
    exe = client.post(
        path,
        data=data,
        files={"evidence": ("a.exe", b"MZ", "application/x-msdownload")},
        headers={"X-CSRF-Token": token},
    )
    assert exe.status_code == 415
    assert "a.exe" in exe.json()["detail"]
    big = client.post(
        path,
        data=data,
        files={"evidence": ("b.pdf", b"0" * (20 * 1024 * 1024 + 1), "application/pdf")},
        headers={"X-CSRF-Token": token},
    )
    assert big.status_code == 413


def test_bad_monitoring_file_lists_rows_and_imports_nothing(
    client: TestClient, platform: Platform
) -> None:
    login(client, "t-admin")
    before = sorted((platform.timeseries_dir / "air" / "imports").glob("*.json"))
    lines = [
        "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time",
        "晋城市,80,50,90,20,30,1.0,40,PM10,2019-03-01 01:00:00",
        "晋城市,81,-5,90,20,30,1.0,40,PM10,2019-03-01 02:00:00",
        "晋城市,82,abc,90,20,30,1.0,40,PM10,2019-03-01 03:00:00",
    ]
    response = client.post(
        "/api/v1/uploads/air",
        data={"format": "mee-city"},
        files={"file": ("bad-mee.csv", "\n".join(lines).encode(), "text/csv")},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert "未写入任何数据" in body["detail"]
    assert any("第 3 行" in p and "PM2.5" in p for p in body["problems"])
    assert any("第 4 行" in p for p in body["problems"])
    assert sorted((platform.timeseries_dir / "air" / "imports").glob("*.json")) == before


def test_good_monitoring_file_is_imported_once_and_audited(
    client: TestClient, platform: Platform
) -> None:
    login(client, "t-admin")
    lines = [
        "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time",
        "晋城市,58,41,60,12,30,0.8,40,PM2.5,2019-03-01 01:00:00",
    ]
    payload = gzip.compress("\n".join(lines).encode())
    token = api_csrf(client)
    first = client.post(
        "/api/v1/uploads/air",
        files={"file": ("one-hour.csv.gz", io.BytesIO(payload), "application/gzip")},
        headers={"X-CSRF-Token": token},
    )
    assert first.status_code == 200, first.text
    assert first.json()["already_imported"] is False
    again = client.post(
        "/api/v1/uploads/air",
        files={"file": ("one-hour.csv.gz", io.BytesIO(payload), "application/gzip")},
        headers={"X-CSRF-Token": token},
    )
    assert again.json()["already_imported"] is True
    with platform.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == "t-admin")
        ).all()
    assert actions.count("monitoring.import") == 2


def test_clerk_cannot_import_monitoring_data(client: TestClient) -> None:
    login(client, "t-clerk")
    response = client.post(
        "/api/v1/uploads/air",
        files={"file": ("x.csv", b"a,b\n1,2", "text/csv")},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 403


def test_openapi_lists_every_route_with_schemas(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    app_paths = {
        route.path
        for route in client.app.routes  # type: ignore[attr-defined]
        if getattr(route, "include_in_schema", False)
    }
    assert app_paths <= set(spec["paths"])
    for path, methods in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, op in methods.items():
            ok = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in ok or "type" in ok, (method, path)
            assert "422" in op["responses"] or (
                not op.get("parameters") and "requestBody" not in op
            )


def test_water_upload_all_or_nothing_then_assessed(client: TestClient, platform: Platform) -> None:
    login(client, "t-admin")
    token = api_csrf(client)
    header = "断面名称,监测时间,pH（无量纲）,溶解氧（mg/L）,高锰酸盐指数（mg/L）,氨氮（mg/L）,总磷（mg/L）"
    bad = "\n".join(
        [header, "洞头,2021-05,7.9,8.1,3.0,0.40,0.10", "金匠桥,2021-05,abc,8.0,3.1,0.30,0.08"]
    )
    response = client.post(
        "/api/v1/uploads/water",
        files={"file": ("水质5月.csv", bad.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 422, response.text
    assert any("第 3 行" in p for p in response.json()["problems"])
    assert not (platform.home / "water").exists() or not any((platform.home / "water").iterdir())
    # 洞头 (城区, 市考, target Ⅴ): class-Ⅱ values by GB 3838 Table 1 (pH 6–9, DO ≥ 6, CODMn ≤ 4,
    # NH3-N ≤ 0.5, TP ≤ 0.1) → meets its target.
    good = "\n".join([header, "洞头,2021-05,7.9,8.1,3.0,0.40,0.10"])
    response = client.post(
        "/api/v1/uploads/water",
        files={"file": ("水质5月.csv", good.encode(), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    page = client.get("/water").text
    assert "导入的月度监测" in page
    sections = {s["section"]: s for s in platform.views["water"]["uploaded"]["sections"]}
    assert sections["洞头"]["water_class"] == "Ⅱ"
    assert sections["洞头"]["compliance"] == "达标"

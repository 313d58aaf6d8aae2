"""Server-rendered pages: every page answers for a logged-in user, charts carry their options,
forms carry CSRF tokens, and the public pages expose no internal field."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest
from fastapi.testclient import TestClient

from envplan.services.dashboard.monitoring import good_days_needed
from envplan.services.dashboard.platform import Platform
from envplan.web import create_app

from .conftest import csrf_of, demo_settings, login

INTERNAL_PAGES = ["/", "/air", "/water", "/soil", "/tasks", "/notices", "/upload", "/api/docs"]
PUBLIC_PAGES = ["/public/", "/public/air", "/public/water"]


@pytest.mark.parametrize("path", INTERNAL_PAGES)
def test_internal_pages_render_for_admin(admin_client: TestClient, path: str) -> None:
    response = admin_client.get(path)
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    assert doc.get("lang") == "zh-CN"
    for form in doc.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@name='csrf_token']"), f"form without CSRF on {path}"


def test_chart_options_are_valid_json_for_every_chart(admin_client: TestClient) -> None:
    for path in ["/", "/air", "/water"]:
        doc = lxml.html.fromstring(admin_client.get(path).text)
        holders = doc.xpath("//div[@data-option]")
        assert holders, path
        for holder in holders:
            source = doc.get_element_by_id(holder.get("data-option"))
            option = json.loads(source.text_content())
            assert option["series"], (path, holder.get("id"))


def test_calendar_uses_the_official_level_colours(admin_client: TestClient) -> None:
    doc = lxml.html.fromstring(admin_client.get("/air").text)
    option = json.loads(doc.get_element_by_id("opt-calendar").text_content())
    colours = [piece["color"] for piece in option["visualMap"]["pieces"]]
    # HJ 633-2012 Appendix A Table A.1 RGB values of the six levels.
    assert colours == ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]


def test_english_switch_translates_the_chrome(admin_client: TestClient) -> None:
    admin_client.get("/lang/en?next=/")
    text = admin_client.get("/tasks").text
    assert "Task board" in text
    assert '<html lang="en"' in text


def test_good_days_needed_by_hand() -> None:
    # Last year 264 good of 365 valid (72.33 %). By 30 June: 95 good of 182 valid, 184 days left.
    # Final ratio must exceed 264/365: (95 + g)/(182 + 184) > 0.72329 → 95 + g > 264.72 → g = 170.
    assert (
        good_days_needed(
            good_days=95,
            valid_days=182,
            remaining_days=184,
            target_good=264,
            target_valid=365,
            strictly_above=True,
        )
        == 170
    )
    # Reaching exactly the target is enough when not strictly above: 95 + g ≥ 264.72 → g = 170 too;
    # with a round target 1/2 of 366 days = 183: g = 183 − 95 = 88 (not strictly) / 89 (strictly).
    assert (
        good_days_needed(
            good_days=95,
            valid_days=182,
            remaining_days=184,
            target_good=1,
            target_valid=2,
            strictly_above=False,
        )
        == 88
    )
    assert (
        good_days_needed(
            good_days=95,
            valid_days=182,
            remaining_days=184,
            target_good=1,
            target_valid=2,
            strictly_above=True,
        )
        == 89
    )
    # Out of reach: more needed than days left.
    assert (
        good_days_needed(
            good_days=10,
            valid_days=300,
            remaining_days=65,
            target_good=9,
            target_valid=10,
            strictly_above=True,
        )
        is None
    )
    # Already secured whatever happens.
    assert (
        good_days_needed(
            good_days=300,
            valid_days=300,
            remaining_days=65,
            target_good=1,
            target_valid=2,
            strictly_above=True,
        )
        == 0
    )


# ---------------------------------------------------------------------- public disclosure


def _internal_markers(platform: Platform) -> list[str]:
    """Strings that exist only in internal records: user names, narratives, evidence names."""
    from sqlalchemy import select

    from envplan.store.models import ProgressReport, ReportEvidence, User

    with platform.session() as session:
        users = session.scalars(select(User)).all()
        narratives = session.scalars(select(ProgressReport.narrative)).all()
        files = session.scalars(select(ReportEvidence.filename)).all()
    markers = [u.username for u in users] + [u.display_name for u in users]
    markers += [n for n in narratives if len(n) >= 6] + list(files)
    return markers


def test_public_pages_need_no_login_and_show_no_internal_field(
    shared_platform: Platform,
) -> None:
    with TestClient(
        create_app(demo_settings(shared_platform.home), platform=shared_platform)
    ) as client:
        # Put internal content in the records first: a clerk's report under review with evidence.
        login(client, "t-clerk")
        token = client.get("/api/v1/me").json()["csrf_token"]
        item = client.get("/api/v1/tasks").json()["data"][0]
        response = client.post(
            f"/api/v1/tasks/{item['occurrence_id']}/progress",
            data={
                "expected_version": str(item["version"]),
                "state": "done",
                "percent": "100",
                "narrative": "内部审核中的进展说明XYZ",
            },
            files={"evidence": ("内部佐证材料XYZ.pdf", b"%PDF internal", "application/pdf")},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 200, response.text
        client.post("/logout", data={"csrf_token": csrf_of(client, "/tasks")})
    markers = _internal_markers(shared_platform)
    assert "内部审核中的进展说明XYZ" in markers and "内部佐证材料XYZ.pdf" in markers
    with TestClient(
        create_app(demo_settings(shared_platform.home), platform=shared_platform)
    ) as anonymous:
        bodies = []
        for path in [*PUBLIC_PAGES, "/api/v1/public/air/monthly", "/api/v1/public/water/sections"]:
            response = anonymous.get(path)
            assert response.status_code == 200, path
            bodies.append(response.text)
    everything = "\n".join(bodies)
    leaked = [m for m in markers if m and m in everything]
    assert leaked == []
    for word in ("narrative", "evidence", "username", "sha256", "进展情况", "督办"):
        assert word not in everything, word


def test_public_monthly_rows_cover_every_month_in_the_store(bare_client: TestClient) -> None:
    body = bare_client.get("/api/v1/public/air/monthly").json()
    months = [r["month"] for r in body["rows"]]
    assert "2016-01" in months and "2016-12" in months and "2015-06" in months
    labels = {r["month"]: r["label"] for r in body["rows"]}
    assert labels["2016-06"] == "第三方处理数据"
    # the official hourly files of the store are months of their own, labelled as official
    assert labels["2019-02"] == "官方实时发布数据"
    assert "第三方处理数据" in body["label"] and "官方实时发布数据" in body["label"]
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months)


def test_bad_filters_on_pages_are_4xx_not_500(admin_client: TestClient) -> None:
    for path in [
        "/tasks?month=2021-13",
        "/tasks?status=bogus",
        "/tasks/999999",
        "/air?year=1999",
        "/air?as_of=x",
    ]:
        response = admin_client.get(path)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert "alert" in response.text


def test_cached_pages_carry_each_session_its_own_csrf_token(shared_platform: Platform) -> None:
    tokens = []
    for _ in range(2):
        with TestClient(
            create_app(demo_settings(shared_platform.home), platform=shared_platform)
        ) as client:
            login(client, "t-admin")
            page = client.get("/tasks").text
            match = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert match
            tokens.append(match.group(1))
            assert "__envplan_csrf_token__" not in page
    assert tokens[0] != tokens[1]


@pytest.mark.slow
def test_bulletin_download_and_bad_month(admin_client: TestClient) -> None:
    assert admin_client.get("/bulletin").status_code == 200
    response = admin_client.get("/bulletin/download", params={"month": "2021-06", "format": "docx"})
    assert response.status_code == 200, response.text[:300]
    assert response.content[:2] == b"PK"  # a .docx is a zip package
    assert "attachment" in response.headers["content-disposition"]
    bad = admin_client.get("/bulletin/download", params={"month": "2021-13", "format": "docx"})
    assert bad.status_code == 422
    wrong = admin_client.get("/bulletin/download", params={"month": "2021-06", "format": "exe"})
    assert wrong.status_code == 422


def test_upload_page_shows_the_readers_row_messages(admin_client: TestClient) -> None:
    lines = [
        "city,AQI,PM2.5,PM10,SO2,NO2,CO,O3,main_pollution,time",
        "晋城市,80,50,90,20,30,1.0,40,PM10,2019-03-01 01:00:00",
        "晋城市,81,-5,90,20,30,1.0,40,PM10,2019-03-01 02:00:00",
    ]
    response = admin_client.post(
        "/upload/air",
        data={"format": "mee-city", "csrf_token": csrf_of(admin_client, "/upload")},
        files={"file": ("坏数据.csv", "\n".join(lines).encode(), "text/csv")},
    )
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.text)
    problems = [li.text_content() for li in doc.xpath("//div[@id='upload-error']//li")]
    assert any("坏数据.csv" in p and "第 3 行" in p and "PM2.5" in p for p in problems), problems

# ruff: noqa: F811  (pytest fixtures imported from test_api)
"""Supervision routes (issue #12, #21) through the real app, on SQLite and PostgreSQL: the
roll-up, evidence download and preview under the record's access rule with its hash, notice
comment and close, 13710 registration, and a save conflict that keeps the typed text."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select

from envplan.services import supervision as sv
from envplan.services.access import Role, create_user
from envplan.services.dashboard.platform import Platform
from envplan.store.models import User

from .conftest import PASSWORD, csrf_of, login
from .test_api import api_csrf, client  # noqa: F401


def _other_clerk(platform: Platform) -> None:
    with platform.write() as session:
        if session.scalar(select(User).where(User.username == "t-other")) is None:
            create_user(
                session,
                username="t-other",
                password=PASSWORD,
                role=Role.UNIT_CLERK,
                unit_id="city-industry-it",
                display_name="测试其他单位",
            )


def _lead_line(platform: Platform, task_key: str) -> int:
    with platform.session() as session:
        return sv.find_occurrence(session, task_key, 1).id


def test_rollup_lists_every_county(client: TestClient, platform: Platform) -> None:
    login(client, "t-clerk")  # 市生态环境局 leads air-m01
    body = client.get(f"/api/v1/tasks/{_lead_line(platform, 'air-m01')}/rollup").json()
    assert body["counties_total"] == 7
    assert {c["unit_name"] for c in body["counties"]} >= {"泽州县人民政府", "开发区管委会"}
    page = client.get(f"/tasks/{_lead_line(platform, 'air-m01')}")
    assert "各方落实情况" in page.text and "泽州县人民政府" in page.text


def test_evidence_download_preview_hash_and_denial(
    client: TestClient,
    platform: Platform,
) -> None:
    _other_clerk(platform)
    login(client, "t-clerk")
    item = client.get(
        "/api/v1/tasks", params={"status": "at_risk", "unit": "city-ecology-environment"}
    ).json()["data"][0]
    pdf = b"%PDF-1.4 evidence for the download test"
    response = client.post(
        f"/api/v1/tasks/{item['occurrence_id']}/progress",
        data={
            "expected_version": str(item["version"]),
            "state": "in_progress",
            "percent": "30",
            "narrative": "附件测试",
        },
        files={"evidence": ("验收报告.pdf", pdf, "application/pdf")},
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 200, response.text
    files = client.get(f"/api/v1/tasks/{item['occurrence_id']}/evidence").json()["data"]
    mine = next(f for f in files if f["filename"] == "验收报告.pdf")
    assert mine["sha256"] == hashlib.sha256(pdf).hexdigest()
    download = client.get(mine["download"])
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["x-content-sha256"] == hashlib.sha256(pdf).hexdigest()
    assert download.headers["content-disposition"].startswith("attachment")
    preview = client.get(mine["preview"])
    assert preview.headers["content-type"].startswith("application/pdf")
    assert "sandbox" in preview.headers["content-security-policy"]
    assert hashlib.sha256(pdf).hexdigest() in client.get(f"/tasks/{item['occurrence_id']}").text
    # a clerk of another unit may not read the record: the file is not there for it either
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    login(client, "t-other")
    assert client.get(mine["download"]).status_code == 404
    assert client.get(f"/api/v1/tasks/{item['occurrence_id']}/evidence").status_code == 403


def test_conflict_keeps_the_typed_text(client: TestClient) -> None:
    login(client, "t-clerk")
    item = client.get(
        "/api/v1/tasks", params={"status": "at_risk", "unit": "city-ecology-environment"}
    ).json()["data"][0]
    token = csrf_of(client, f"/tasks/{item['occurrence_id']}")
    form = {
        "csrf_token": token,
        "expected_version": str(item["version"]),
        "state": "in_progress",
        "percent": "20",
    }
    first = client.post(
        f"/tasks/{item['occurrence_id']}/progress",
        data={**form, "narrative": "先保存的内容"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    typed = "我花了半小时写的进展说明，不能丢"
    second = client.post(
        f"/tasks/{item['occurrence_id']}/progress", data={**form, "narrative": typed}
    )
    assert second.status_code == 409
    assert typed in second.text and "保存冲突" in second.text


def test_notice_comment_and_close(client: TestClient) -> None:
    login(client, "t-admin")
    token = api_csrf(client)
    notices = client.get("/api/v1/notices").json()["data"]
    assert notices, "the demo issues notices"
    target = next((n for n in notices if n["state"] != "replied"), notices[0])
    number = target["notice_id"]
    response = client.post(
        f"/api/v1/notices/{number}/comment",
        json={"text": "请补充整改照片"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    assert response.json()["comments"][-1]["text"] == "请补充整改照片"
    if target["state"] != "replied":
        closed = client.post(
            f"/api/v1/notices/{number}/close", json={"note": "x"}, headers={"X-CSRF-Token": token}
        )
        assert closed.status_code == 422 and "尚未回复" in closed.json()["detail"]


def test_13710_register_via_api(client: TestClient) -> None:
    login(client, "t-admin")
    response = client.post(
        "/api/v1/13710",
        json={
            "title": "国庆前交办事项（测试）",
            "source": "市政府常务会议",
            "unit_id": "city-ecology-environment",
            "assigned_on": "2021-09-30",
        },
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert response.status_code == 200, response.text
    dues = {s["name"]: s["due"] for s in response.json()["steps"]}
    assert dues == {
        "deploy": "2021-09-30",
        "progress": "2021-10-11",
        "resolve": "2021-10-15",
        "close": None,
    }
    assert "国庆前交办事项" in client.get("/13710").text
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    login(client, "t-clerk")
    denied = client.post(
        "/api/v1/13710",
        json={
            "title": "x",
            "source": "y",
            "unit_id": "city-ecology-environment",
            "assigned_on": "2021-09-30",
        },
        headers={"X-CSRF-Token": api_csrf(client)},
    )
    assert denied.status_code == 403

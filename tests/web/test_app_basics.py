"""The app's contract independent of any domain: settings, health, sessions, CSRF, errors,
languages, static files, OpenAPI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from envplan.services.settings import DEMO_SECRET_KEY, Settings
from envplan.web import create_app
from envplan.web.app import SettingsError

from .conftest import csrf_of

VENDOR = Path(__file__).resolve().parents[2] / "src/envplan/web/static/vendor"


def test_default_secret_is_refused_outside_demo(tmp_path: Path) -> None:
    settings = Settings(tmp_path, f"sqlite:///{tmp_path}/x.db", DEMO_SECRET_KEY, demo=False)
    with pytest.raises(SettingsError, match="演示密钥"):
        create_app(settings)


def test_short_secret_is_refused_outside_demo(tmp_path: Path) -> None:
    settings = Settings(tmp_path, f"sqlite:///{tmp_path}/x.db", "short", demo=False)
    with pytest.raises(SettingsError, match="过短"):
        create_app(settings)


def test_healthz_answers_200_when_ready(bare_client: TestClient) -> None:
    response = bare_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_session_cookie_is_httponly_and_samesite(bare_client: TestClient) -> None:
    response = bare_client.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "envplan_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_post_without_csrf_token_is_refused(bare_client: TestClient) -> None:
    response = bare_client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_post_with_wrong_csrf_token_is_refused(bare_client: TestClient) -> None:
    csrf_of(bare_client)
    response = bare_client.post(
        "/login", data={"username": "x", "password": "y", "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_unknown_api_path_is_a_json_404_in_chinese(bare_client: TestClient) -> None:
    response = bare_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "未找到" in response.json()["detail"]


def test_wrong_method_is_405_not_500(bare_client: TestClient) -> None:
    response = bare_client.delete("/healthz", headers={"X-CSRF-Token": csrf_of(bare_client)})
    assert response.status_code == 405
    assert "不支持" in response.json()["detail"]


def test_login_with_missing_field_names_the_field(bare_client: TestClient) -> None:
    token = csrf_of(bare_client)
    response = bare_client.post("/login", data={"username": "x", "csrf_token": token})
    assert response.status_code == 422
    assert "password" in response.text
    assert "缺少必填项" in response.text


def test_login_throttled_after_repeated_failures(bare_client: TestClient) -> None:
    token = csrf_of(bare_client)
    statuses = [
        bare_client.post(
            "/login", data={"username": "nobody", "password": "bad", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429


def test_pages_require_login(bare_client: TestClient) -> None:
    response = bare_client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_language_switch_to_english_and_back(bare_client: TestClient) -> None:
    assert "用户登录" in bare_client.get("/login").text
    bare_client.get("/lang/en?next=/login")
    assert "Log in" in bare_client.get("/login").text
    bare_client.get("/lang/zh?next=/login")
    assert "用户登录" in bare_client.get("/login").text


def test_language_switch_does_not_redirect_off_site(bare_client: TestClient) -> None:
    response = bare_client.get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_vendored_echarts_is_served_and_matches_its_recorded_hash(bare_client: TestClient) -> None:
    response = bare_client.get("/static/vendor/echarts.min.js")
    assert response.status_code == 200
    recorded = (VENDOR / "echarts.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256(response.content).hexdigest() == recorded


def test_pages_load_scripts_only_from_this_server(bare_client: TestClient) -> None:
    response = bare_client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "http" not in "".join(
        line for line in response.text.splitlines() if "<script" in line and "src=" in line
    )

"""Sessions, accounts and request bounds as a hostile probe tried them (issue 21), on SQLite and
on PostgreSQL. Each test failed on the code before the fix (noted per test)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from envplan.services import accounts
from envplan.services.dashboard.platform import Platform
from envplan.services.settings import DEMO_SECRET_KEY
from envplan.web import create_app
from envplan.web.security import LoginThrottle

from .conftest import PASSWORD, csrf_of, demo_settings, login


def _client(platform: Platform, address: str = "testclient") -> TestClient:
    return TestClient(
        create_app(demo_settings(platform.home), platform=platform), client=(address, 50000)
    )


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with _client(platform) as test_client:
        yield test_client


def _new_user(platform: Platform, role: str = "admin", unit_id: str | None = None) -> str:
    from envplan.services.access import create_user

    name = f"u{uuid.uuid4().hex[:8]}"
    with platform.write() as session:
        create_user(session, username=name, password=PASSWORD, role=role, unit_id=unit_id)
    return name


def test_a_cookie_copied_before_logout_no_longer_works(client: TestClient) -> None:
    # before: the signed cookie held the user id; logout only changed the browser's copy
    name = _new_user(client.app.state.web.platform)  # type: ignore[attr-defined]
    login(client, name)
    copied = client.cookies.get("envplan_session")
    assert client.get("/api/v1/me").status_code == 200
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert (
        client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.clear()
    client.cookies.set("envplan_session", copied or "")
    assert client.get("/api/v1/me").status_code == 401


def test_disabling_a_user_ends_every_session_at_once(platform: Platform) -> None:
    # before: an inactive user kept full rights until the server restarted (cached user)
    name = _new_user(platform)
    with _client(platform) as first, _client(platform) as second:
        login(first, name)
        login(second, name)
        assert first.get("/api/v1/tasks").status_code == 200
        with platform.write() as session:
            assert accounts.set_active(session, name, False) == 2
        assert first.get("/api/v1/tasks").status_code == 401
        assert second.get("/api/v1/me").status_code == 401
        with platform.write() as session:
            accounts.set_active(session, name, True)
        assert first.get("/api/v1/me").status_code == 401  # enabling does not revive a session
        login(first, name)
        assert first.get("/api/v1/me").status_code == 200


def test_a_demoted_user_loses_rights_with_the_next_request(platform: Platform) -> None:
    # before: the role was cached per process; a demoted admin kept importing data
    name = _new_user(platform)
    with _client(platform) as browser:
        login(browser, name)
        assert browser.get("/api/v1/me").json()["role"] == "admin"
        with platform.write() as session:
            accounts.set_role(session, name, "viewer")
        me = browser.get("/api/v1/me").json()
        assert me["role"] == "viewer"
        response = browser.post(
            "/api/v1/uploads/water",
            files={"file": ("w.csv", b"a,b\n1,2\n", "text/csv")},
            headers={"X-CSRF-Token": me["csrf_token"]},
        )
        assert response.status_code == 403


def test_a_password_change_ends_every_session(platform: Platform) -> None:
    name = _new_user(platform)
    with _client(platform) as browser:
        login(browser, name)
        with platform.write() as session:
            assert accounts.set_password(session, name, "another-long-pass-9") == 1
        assert browser.get("/api/v1/me").status_code == 401
        login(browser, name, "another-long-pass-9")
        assert browser.get("/api/v1/me").status_code == 200


def test_forged_cookies_do_not_log_in(client: TestClient) -> None:
    # before: the demo signed {"uid": …} with a published constant key: anyone could be user 1
    old = URLSafeTimedSerializer(DEMO_SECRET_KEY, salt="envplan-session")
    client.cookies.set("envplan_session", old.dumps({"uid": 1, "csrf": "x"}))
    assert client.get("/api/v1/me").status_code == 401
    # even with the installation's own key, a token the server never issued is nobody
    own = URLSafeTimedSerializer("test-secret-" + "x" * 40, salt="envplan-session-v2")
    client.cookies.set("envplan_session", own.dumps({"t": "made-up-token"}))
    assert client.get("/api/v1/me").status_code == 401


def test_usernames_are_normalised_at_login(client: TestClient) -> None:
    # before: "t-admin " (trailing space) was looked up as another name
    login(client, "t-admin ")
    assert client.get("/api/v1/me").json()["username"] == "t-admin"


def test_authenticated_answers_are_not_cached_and_https_gets_hsts(platform: Platform) -> None:
    with _client(platform) as browser:
        assert "no-store" not in browser.get("/public/").headers.get("cache-control", "")
        login(browser, "t-viewer")
        assert browser.get("/tasks").headers["cache-control"] == "no-store"
        assert browser.get("/api/v1/me").headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in browser.get("/healthz").headers
    with TestClient(
        create_app(demo_settings(platform.home), platform=platform), base_url="https://testserver"
    ) as secure:
        assert "max-age=31536000" in secure.get("/healthz").headers["strict-transport-security"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tasks/9223372036854775808",  # 2^63: overflowed SQLite / PostgreSQL before
        "/api/v1/tasks/99999999999999999999999",
        "/api/v1/tasks/2147483648",  # beyond PostgreSQL's INTEGER
        "/api/v1/tasks?unit=a%00b",
        "/api/v1/notices?state=%00",
    ],
)
def test_out_of_range_ids_and_nul_bytes_are_422(client: TestClient, path: str) -> None:
    login(client, "t-admin")
    response = client.get(path)
    assert response.status_code == 422, response.text
    assert "detail" in response.json()


def test_nul_in_the_login_name_is_422_not_500(client: TestClient) -> None:
    # before: PostgreSQL refused the NUL inside the query: 500 and a dropped connection
    token = csrf_of(client)
    response = client.post(
        "/login", data={"username": "t-admin\x00", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "NUL" in response.text


def test_nul_in_a_json_body_and_big_form_ids_are_422(client: TestClient) -> None:
    login(client, "t-clerk")
    token = client.get("/api/v1/me").json()["csrf_token"]
    response = client.post(
        "/api/v1/notices/1/reply", json={"text": "a\x00b"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 422
    tasks = client.get("/api/v1/tasks").json()["data"]
    response = client.post(
        f"/api/v1/tasks/{tasks[0]['occurrence_id']}/progress",
        data={
            "expected_version": str(2**63),
            "state": "in_progress",
            "percent": "10",
            "narrative": "x",
        },
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 422, response.text
    assert "expected_version" in response.text


def test_login_time_does_not_tell_which_names_exist(client: TestClient) -> None:
    # before: an unknown name answered in 11 ms, a known one in 394 ms (argon2 ran only then)
    platform: Platform = client.app.state.web.platform  # type: ignore[attr-defined]

    def median_ms(name: str) -> float:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            assert platform.authenticate(name, "wrong-password-x") is None
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    known, unknown = median_ms("t-admin"), median_ms("no-such-user-xyz")
    assert unknown > 0.5 * known, (known, unknown)


def test_failures_from_elsewhere_do_not_lock_a_user_out(platform: Platform) -> None:
    # before: 5 failures by anyone locked the name for 5 minutes
    with _client(platform, "203.0.113.9") as attacker:
        token = csrf_of(attacker)
        for _ in range(8):
            attacker.post(
                "/login", data={"username": "t-leader", "password": "bad", "csrf_token": token}
            )
        blocked = attacker.post(
            "/login", data={"username": "t-leader", "password": "bad", "csrf_token": token}
        )
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    with _client(platform, "198.51.100.7") as owner:
        login(owner, "t-leader")  # the real user, from their own address, is not locked


def test_throttle_backs_off_instead_of_locking() -> None:
    throttle = LoginThrottle(2, 900.0, base_delay_s=2.0, max_delay_s=300.0)
    key = ["1.2.3.4|x"]
    for _ in range(2):
        assert throttle.retry_after_s(key) == 0
        throttle.record_failure(key)
    assert 1 <= throttle.retry_after_s(key) <= 3  # 2 s after the 3rd failure, not 5 minutes
    for _ in range(4):
        throttle.record_failure(key)
    assert 30 <= throttle.retry_after_s(key) <= 129  # doubled per failure: 2·2^5 = 64 s
    throttle.reset(key)
    assert throttle.retry_after_s(key) == 0


def test_forwarded_for_is_believed_only_from_configured_proxies() -> None:
    # before: uvicorn's default believed X-Forwarded-For from 127.0.0.1, so a local client could
    # pick any address and escape the per-address limit
    from envplan.cli.serve_cmd import uvicorn_proxy_options

    assert uvicorn_proxy_options(()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert uvicorn_proxy_options(("10.0.0.2",)) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.2",
    }

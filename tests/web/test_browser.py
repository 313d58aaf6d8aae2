"""Browser tests in real headless Chromium (Debian's, driven by Playwright): the platform served by
uvicorn on a free localhost port. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from envplan.services import supervision
from envplan.services.access import SYSTEM
from envplan.services.dashboard.platform import Platform
from envplan.web import create_app

from .conftest import PASSWORD, TODAY, LiveServer, demo_settings, open_test_platform, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    opened = open_test_platform(tmp_path_factory.mktemp("browser-home"))
    with opened.write() as session:  # notices for what is overdue on the evaluation date
        supervision.escalate(session, as_of=TODAY, actor=SYSTEM)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def server(platform: Platform) -> Iterator[LiveServer]:
    live = LiveServer(create_app(demo_settings(platform.home), platform=platform))
    live.start()
    yield live
    live.stop()


@pytest.fixture
def page(chromium: Any, server: LiveServer) -> Iterator[Any]:
    """A fresh tab with no cookies; console errors and page errors are collected."""
    chromium.clear_cookies()
    tab = chromium.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    tab.close()


def log_in(page: Any, server: LiveServer, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, page.content()[:500]


def test_clerk_submits_progress_with_evidence_and_the_light_turns_green(
    page: Any, server: LiveServer, tmp_path: Path
) -> None:
    log_in(page, server, "t-clerk")
    page.goto(f"{server.url}/tasks?status=at_risk")
    first = page.locator("#all-tasks tr[data-occurrence]").first
    assert first.locator("[data-light]").get_attribute("data-light") == "yellow"
    first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#task-light").get_attribute("data-light") == "yellow"
    screenshot(page, "clerk-task-before")
    evidence = tmp_path / "整改方案.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence for the browser test")
    page.select_option("select[name=state]", "in_progress")
    page.fill("input[name=percent]", "70")
    page.fill("textarea[name=narrative]", "已印发整改方案并完成现场核查（浏览器测试）")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("#progress-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#task-light").get_attribute("data-light") == "green"
    assert "整改方案.pdf" in page.locator("#history").inner_text()
    screenshot(page, "clerk-task-after")
    assert page.errors == []


def test_admin_sees_overdue_list_and_a_notice(page: Any, server: LiveServer) -> None:
    log_in(page, server, "t-admin")
    page.goto(f"{server.url}/tasks")
    overdue_rows = page.locator("#overdue-list tbody tr")
    assert overdue_rows.count() > 1
    assert "无逾期任务" not in overdue_rows.first.inner_text()
    screenshot(page, "admin-tasks")
    page.goto(f"{server.url}/notices")
    notices = page.locator("#notices tr[data-notice]")
    assert notices.count() >= 1
    assert "督办单" in notices.first.inner_text()
    screenshot(page, "admin-notices")
    assert page.errors == []


def test_dashboard_renders_its_charts(page: Any, server: LiveServer) -> None:
    log_in(page, server, "t-admin")
    for path in ["/", "/air", "/water"]:
        page.goto(f"{server.url}{path}")
        page.wait_for_load_state("networkidle")
        holders = page.locator("[data-option]")
        assert holders.count() > 0
        for i in range(holders.count()):
            holder = holders.nth(i)
            assert holder.get_attribute("data-rendered") == "1", (path, holder.get_attribute("id"))
            assert holder.locator("canvas").count() >= 1
        screenshot(page, "dashboard" if path == "/" else path.strip("/"))
    assert page.errors == []


def test_public_pages_show_no_internal_field(page: Any, server: LiveServer) -> None:
    for path in ["/public/", "/public/air", "/public/water"]:
        page.goto(f"{server.url}{path}")
        page.wait_for_load_state("networkidle")
        text = page.inner_text("body")
        for word in ("t-clerk", "t-admin", "浏览器测试", "整改方案.pdf", "退出", "督办单"):
            assert word not in text, (path, word)
        screenshot(page, "public" + path.replace("/", "-").rstrip("-"))
    assert page.errors == []

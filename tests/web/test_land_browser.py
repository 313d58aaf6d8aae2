"""The land pages in real headless Chromium: a county clerk advances a plot with its report through
the form, a skip is refused with a zh-CN message, the gate form answers, the public 名录 renders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from envplan.services.access import create_user
from envplan.services.dashboard.platform import Platform
from envplan.web import create_app

from .conftest import PASSWORD, LiveServer, demo_settings, open_test_platform, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    platform: Platform = open_test_platform(tmp_path_factory.mktemp("land-browser-home"))
    with platform.write() as session:
        create_user(
            session, username="t-land-zz", password=PASSWORD, role="county_clerk", county="泽州县"
        )
    live = LiveServer(create_app(demo_settings(platform.home), platform=platform))
    live.start()
    yield live
    live.stop()
    platform.close()


@pytest.fixture
def page(chromium: Any, server: LiveServer) -> Iterator[Any]:
    chromium.clear_cookies()
    tab = chromium.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    tab.close()


def test_clerk_advances_a_plot_and_the_gate_still_refuses(
    page: Any, server: LiveServer, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "t-land-zz")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{server.url}/land/plots/示例-ZZ-001")
    assert "疑似污染地块" in page.inner_text("#plot-facts")
    report = tmp_path / "初步调查报告.pdf"
    report.write_bytes(b"%PDF-1.4 preliminary report")
    page.select_option("#advance-form select[name=to]", "初步调查")
    page.fill("#advance-form input[name=step_on]", "2021-09-20")
    page.set_input_files("#advance-form input[name=report]", str(report))
    page.fill("#advance-form input[name=review_meeting]", "泽州县初步调查报告评审会")
    page.click("#advance-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    assert "初步调查（疑似污染地块名单" in page.inner_text("#plot-facts")
    assert "初步调查报告.pdf" in page.inner_text("#plot-steps")
    screenshot(page, "land-plot")

    page.goto(f"{server.url}/land")
    page.fill("#land-gate input[name=parcel]", "示例-ZZ-001")
    page.select_option("#land-gate select[name=purpose]", "供地")
    page.click("#land-gate button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#land-answer", "data-allowed") == "false"
    assert "调查评估尚未完成" in page.inner_text("#land-answer")
    assert page.errors == []


def test_public_list_renders_without_login(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/public/land")
    text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert "建设用地土壤污染风险管控和修复名录" in text and "示例-KF-007" in text
    assert "专家组" not in text and "经办人" not in text
    screenshot(page, "land-public")
    assert page.errors == []

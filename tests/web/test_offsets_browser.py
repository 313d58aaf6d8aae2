"""The approval office's flow in real headless Chromium: offset a project on /offsets, then
pre-screen a site on /siting. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from envplan.services.dashboard.platform import Platform
from envplan.web import create_app

from .conftest import PASSWORD, LiveServer, demo_settings, open_test_platform, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    platform: Platform = open_test_platform(tmp_path_factory.mktemp("offsets-browser-home"))
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
    tab.goto(f"{server.url}/login")
    tab.fill("input[name=username]", "t-admin")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form[action='/login'] button[type=submit]")
    tab.wait_for_load_state("networkidle")
    yield tab
    tab.close()


def test_debit_through_the_form_then_siting(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/offsets")
    cell = page.locator("td[data-county='泽州县'][data-pollutant='NOx']")
    assert cell.inner_text().strip() == "6 / 12"  # 示例: 12 t credited, 6 t used
    page.fill("#debit-form input[name=project]", "浏览器测试项目")
    page.select_option("#debit-form select[name=county]", "泽州县")
    page.select_option("#debit-form select[name=pollutant]", "NOx")
    page.fill("#debit-form input[name=tonnes]", "2")
    page.fill("#debit-form input[name=on]", "2021-08-01")
    page.click("#debit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#offsets-message").inner_text().startswith("通过：")
    assert cell.inner_text().strip() == "2 / 12"  # 2 t × 2 = 4 t more
    screenshot(page, "offsets-after-debit")

    page.goto(f"{server.url}/siting")
    page.fill("#siting-form input[name=industry]", "钢铁")
    page.fill("#siting-form input[name=town]", "巴公镇")
    page.fill("#siting-form input[name=village]", "西郜村")
    page.click("#siting-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "禁止"
    page.check("#siting-form input[value=short_process]")
    page.click("#siting-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "有条件"
    assert "空气 三、重点任务 2" in page.locator("#siting-result").inner_text()
    screenshot(page, "siting-short-process")
    assert page.errors == []

"""The water-graph page in real headless Chromium: tracing form and an indicator report."""

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
    platform: Platform = open_test_platform(tmp_path_factory.mktemp("water-graph-home"))
    live = LiveServer(create_app(demo_settings(platform.home), platform=platform))
    live.start()
    yield live
    live.stop()
    platform.close()


def test_trace_and_report_in_the_browser(chromium: Any, server: LiveServer) -> None:
    chromium.clear_cookies()
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server.url}/login")
        page.fill("input[name=username]", "t-admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{server.url}/water/graph")
        page.select_option("#trace select[name=section]", "金匠桥")
        page.fill("#trace input[name=indicator]", "化学需氧量")
        page.fill("#trace input[name=date]", "2021-06-30")
        page.click("#trace button[type=submit]")
        page.wait_for_load_state("networkidle")
        names = page.locator(
            "#trace-result tr[data-kind=outfall] td:nth-child(2)"
        ).all_inner_texts()
        # 示例 COD 2021-04..06: SL-BSH-002 (62+65+66)/3 = 64.33; SL-BSH-003 (47+48+49)/3 = 48;
        # SL-BSH-001 (30+31+29)/3 = 30.
        assert names == [
            "示例·城区某焦化企业排污口",
            "示例·城区某化工企业排污口",
            "示例·城区某污水处理厂排污口",
        ]
        screenshot(page, "water-graph-trace")
        page.select_option("#indicators select[name=target_id]", "water-t10")
        page.fill("#indicators input[name=period]", "2021-09")
        page.fill("#indicators input[name=value]", "90")
        page.click("#indicators button[type=submit]")
        page.wait_for_load_state("networkidle")
        row = page.locator("tr[data-target=water-t10]")
        assert row.get_attribute("data-state") == "below"  # 90 < 100 mg/L (每次浓度)
        assert row.locator("[data-light]").get_attribute("data-light") == "red"
        assert errors == []
    finally:
        page.close()

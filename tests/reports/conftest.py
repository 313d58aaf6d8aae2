"""Fixtures of the report tests: a small hand-written bulletin and a chart stub."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from envplan.services.bulletin import (
    Bulletin,
    Chart,
    DataGap,
    Heading,
    Paragraph,
    Section,
    Sourced,
    Table,
)

TITLE = "关于2021年6月污染防治攻坚重点任务调度情况的通报"


def fake_chart_png(chart: Chart) -> bytes:
    # A 1×1 PNG, so the layout test does not depend on matplotlib or fonts.
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )


def sample_bulletin() -> Bulletin:
    table = Table.build(
        "各单位完成情况",
        ["责任单位", "应完成", "按时完成率"],
        [
            ["市生态环境局", Sourced.number(12, "测试"), Sourced.percent(0.75, "测试")],
            ["市住建局", Sourced.number(4, "测试"), Sourced.percent(None, "测试")],
        ],
    )
    return Bulletin(
        month=dt.date(2021, 6, 1),
        title=TITLE,
        issuing_authority="晋城市生态环境局",
        document_number="晋市环通〔2021〕6号",
        issue_date=dt.date(2021, 7, 5),
        addressee="各县（市、区）人民政府，市直有关单位：",
        introduction="现将2021年6月调度情况通报如下。",
        sections=(
            Section(
                "总体进展",
                (
                    Heading(2, "大气"),
                    Paragraph("正文段落。" * 30),
                    table,
                    Chart("示意图", ("甲", "乙"), (("本月", (1.0, 2.0)),)),
                    DataGap("2021年空气质量监测数据", "2021年6月"),
                ),
            ),
            Section("下月到期事项", (Paragraph("无。"),)),
        ),
        attachments=("2021年6月重点任务调度台账",),
        demo=True,
    )


@pytest.fixture(scope="session")
def sample() -> Bulletin:
    return sample_bulletin()


@pytest.fixture(scope="session")
def chart_stub():
    return fake_chart_png

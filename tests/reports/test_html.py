"""The HTML page carries the same content as the Word bulletin."""

from __future__ import annotations

from envplan.reports.html import render_bulletin_html

TITLE = "关于2021年6月污染防治攻坚重点任务调度情况的通报"


def test_html_has_title_headings_tables_and_gaps(sample, chart_stub) -> None:
    page = render_bulletin_html(sample, render_chart=chart_stub)
    assert '<html lang="zh-CN">' in page
    assert f"<h1>{TITLE}</h1>" in page
    assert "<h2>一、总体进展</h2>" in page
    assert "<h3>（一）大气</h3>" in page
    assert "<caption>表1　各单位完成情况</caption>" in page
    assert '<td class="num" title="来源：测试">75.0%</td>' in page
    assert "数据缺失：2021年空气质量监测数据（2021年6月）。" in page
    assert "data:image/png;base64," in page
    assert "晋市环通〔2021〕6号" in page
    assert "【示例】" in page

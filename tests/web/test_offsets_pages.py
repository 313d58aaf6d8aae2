"""The offsets and siting pages on the demo platform: 示例 data shown, forms with CSRF, a debit
through the form, the Excel download, the JSON twins, and access by role."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from envplan.cli import app as cli_app
from envplan.services.dashboard.platform import Platform
from envplan.web import create_app

from .conftest import PASSWORD, csrf_of, demo_settings, login, open_test_platform


@pytest.fixture(scope="module")
def offsets_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A demo platform of its own: these tests write to the ledger."""
    platform = open_test_platform(tmp_path_factory.mktemp("offsets-home"))
    yield platform
    platform.close()


@pytest.fixture
def bare_client(offsets_platform: Platform) -> Iterator[TestClient]:
    app = create_app(demo_settings(offsets_platform.home), platform=offsets_platform)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin_client(bare_client: TestClient) -> TestClient:
    login(bare_client, "t-admin")
    return bare_client


def test_offsets_page_shows_demo_ledger(admin_client: TestClient) -> None:
    response = admin_client.get("/offsets")
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    for form in doc.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@name='csrf_token']")
    assert "示例" in response.text and "【示例】巴公钢铁有限公司" in response.text
    # 示例: 泽州县 NOx 12 t credited, the 3 t project took 6 t → 6 t left
    cell = doc.xpath("//td[@data-county='泽州县'][@data-pollutant='NOx']")[0]
    assert cell.text_content().strip() == "6 / 12"
    assert doc.xpath("//table[@id='debits']//td[text()='拒绝']")  # the refused 城区 request
    row = doc.xpath("//tr[@data-area='泽州县'][@data-pollutant='SO2']")[0]
    assert "-2.32%" in row.text_content() and "达标" in row.text_content()


def test_debit_form_and_export(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/offsets")
    response = admin_client.post(
        "/offsets/debit",
        data={
            "csrf_token": token,
            "project": "网页测试项目",
            "county": "阳城县",
            "pollutant": "NOx",
            "tonnes": "0.5",
            "on": "2021-08-01",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "通过：" in response.text and "网页测试项目" in response.text
    bad = admin_client.post(
        "/offsets/debit",
        data={
            "csrf_token": token,
            "project": "x",
            "county": "某县",
            "pollutant": "NOx",
            "tonnes": "1",
            "on": "2021-08-01",
        },
    )
    assert bad.status_code == 422 and "某县" in bad.text
    export = admin_client.get("/offsets/export.xlsx")
    assert export.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.content))
    assert "替代使用记录" in wb.sheetnames


def test_siting_page_and_json(admin_client: TestClient) -> None:
    page = admin_client.get(
        "/siting", params={"industry": "钢铁", "town": "巴公镇", "village": "西郜村"}
    )
    assert page.status_code == 200
    assert re.search(r'data-verdict="禁止"', page.text)
    assert "【示例】巴公钢铁有限公司" in page.text  # listed in the key control zone
    answer = admin_client.get(
        "/api/v1/siting/check",
        params={
            "industry": "钢铁",
            "town": "巴公镇",
            "village": "西郜村",
            "flags": "short_process",
        },
    ).json()
    assert answer["verdict"] == "有条件" and answer["clauses"]
    balance = admin_client.get("/api/v1/offsets/balance", params={"county": "城区"}).json()
    assert balance["NOx"] == 6.0


def test_clerk_of_another_unit_cannot_debit(bare_client: TestClient) -> None:
    login(bare_client, "t-clerk")  # 市生态环境局 unit clerk: not the approval office
    page = bare_client.get("/offsets")
    assert page.status_code == 403


def test_api_debit(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/offsets")
    headers = {"X-CSRF-Token": token}
    body = {"county": "阳城县", "pollutant": "NOx", "tonnes": "0.25", "project": "接口项目"}
    ok = admin_client.post("/api/v1/offsets/debit", json=body, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["ok"] is True and ok.json()["required"] == 0.5
    refused = admin_client.post(
        "/api/v1/offsets/debit", json=body | {"county": "城区", "tonnes": "100"}, headers=headers
    )
    assert refused.status_code == 409 and refused.json()["ok"] is False


def test_inventory_upload_all_or_nothing_and_withdraw(admin_client: TestClient) -> None:
    from envplan.services.offsets import INVENTORY_COLUMNS

    token = csrf_of(admin_client, "/offsets")
    header = ",".join(INVENTORY_COLUMNS)
    bad = f"{header}\n2021,上传公司,,某县,,,,1,,,,\n"
    response = admin_client.post(
        "/offsets/inventory",
        data={"csrf_token": token},
        files={"file": ("清单.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 422 and "清单.csv 第 2 行" in response.text
    good = f"{header}\n2021,上传公司,,陵川县,,,,1.25,,,,\n"
    response = admin_client.post(
        "/offsets/inventory",
        data={"csrf_token": token},
        files={"file": ("清单.csv", good.encode(), "text/csv")},
    )
    assert response.status_code == 200 and "1 项排放量" in response.text
    row = lxml.html.fromstring(response.text).xpath(
        "//tr[@data-area='陵川县'][@data-pollutant='SO2']"
    )[0]
    assert "1.25" in row.text_content()
    wrong = admin_client.post(
        "/offsets/inventory",
        data={"csrf_token": token},
        files={"file": ("清单.txt", b"x", "text/plain")},
    )
    assert wrong.status_code == 415

    doc = lxml.html.fromstring(admin_client.get("/offsets").text)
    action = doc.xpath("//tr[@data-credit]//form/@action")[0]
    done = admin_client.post(action, data={"csrf_token": token, "reason": "核查未通过"})
    assert done.status_code == 200 and "已撤销削减量" in done.text


def _cell_values(xlsx: bytes) -> dict[str, list[tuple[object, ...]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_web_download_and_cli_export_give_the_same_workbook(
    offsets_platform: Platform, tmp_path: Path
) -> None:
    # both call services.siting.offsets_export, then reports.offsets_xlsx: same user and year,
    # same cells (a county clerk's, so the reader's scope is applied on both paths)
    from sqlalchemy import select

    from envplan.services.access import create_user
    from envplan.store.models import User

    with offsets_platform.write() as session:
        if session.scalar(select(User).where(User.username == "t-offsets-zz")) is None:
            create_user(
                session, username="t-offsets-zz", password=PASSWORD, role="county_clerk",
                county="泽州县",
            )  # fmt: skip
    app = create_app(demo_settings(offsets_platform.home), platform=offsets_platform)
    with TestClient(app) as client:
        login(client, "t-offsets-zz")
        web = client.get("/offsets/export.xlsx", params={"year": 2021})
    assert web.status_code == 200, web.text[:300]
    out = tmp_path / "台账.xlsx"
    env = {
        "ENVPLAN_HOME": str(offsets_platform.home),
        "ENVPLAN_DATABASE_URL": offsets_platform.engine.url.render_as_string(hide_password=False),
    }
    result = CliRunner().invoke(
        cli_app,
        ["offsets", "export", "--out", str(out), "--year", "2021", "--user", "t-offsets-zz"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    cells = _cell_values(out.read_bytes())
    assert cells == _cell_values(web.content)
    balances = cells["余量"][3:]
    assert balances and {row[0] for row in balances} == {"泽州县"}  # the clerk's county only

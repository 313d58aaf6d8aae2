"""The land pages on the demo platform: the bureau's registry, a plot, the gate form, the Excel
export, and the public 名录 page with nothing internal."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import lxml.html
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from envplan.cli import app as cli_app
from envplan.services.dashboard.platform import Platform

from .conftest import TODAY, csrf_of, login


def test_registry_page_shows_demo_plots_units_and_queries(admin_client: TestClient) -> None:
    response = admin_client.get("/land")
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    plots = doc.get_element_by_id("land-plots").xpath(".//tbody/tr")
    assert len(plots) >= 7
    assert "示例-ZZ-001" in response.text and "示例" in plots[0].text_content()
    assert doc.xpath(
        "//table[@id='land-units']//span[@data-light='red']"
    )  # overdue demolition plan
    assert doc.get_element_by_id("land-queries").xpath(".//tbody/tr")
    for form in doc.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@name='csrf_token']")


def test_plot_page_shows_steps_and_assessment(admin_client: TestClient) -> None:
    response = admin_client.get("/land/plots/示例-CQ-002")
    assert response.status_code == 200, response.text[:300]
    assert "土壤污染状况初步调查报告" in response.text
    # 示例 S1 铅 520 mg/kg > 400 mg/kg (第一类用地筛选值, GB 36600-2018 表1)
    assert "铅(520.0)" in response.text
    assert admin_client.get("/land/plots/NOPE").status_code == 404


def test_gate_form_answers_and_records(admin_client: TestClient) -> None:
    token = csrf_of(admin_client, "/land")
    response = admin_client.post(
        "/land/gate", data={"parcel": "WEB-TEST-1", "purpose": "征收", "csrf_token": token}
    )
    assert response.status_code == 200, response.text[:300]
    doc = lxml.html.fromstring(response.text)
    assert doc.get_element_by_id("land-answer").get("data-allowed") == "true"
    assert "未列入疑似污染地块名单" in response.text
    refused = admin_client.post(
        "/land/gate", data={"parcel": "示例-ZZ-001", "purpose": "供地", "csrf_token": token}
    )
    assert "需开展调查" in refused.text
    bad = admin_client.post(
        "/land/gate", data={"parcel": "x", "purpose": "出租", "csrf_token": token}
    )
    assert bad.status_code == 422 and "出租" in bad.text
    assert (
        admin_client.post("/land/gate", data={"parcel": "x", "purpose": "供地"}).status_code == 403
    )


def test_export_is_admin_only_and_opens_in_excel(
    admin_client: TestClient, bare_client: TestClient
) -> None:
    response = admin_client.get("/land/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["地块", "重点监管单位", "跟踪事项", "查询记录"]
    assert book["地块"]["N2"].value == "示例"


def test_public_list_shows_plots_and_nothing_internal(
    admin_client: TestClient, bare_client: TestClient
) -> None:
    internal = admin_client.get("/land/plots/示例-GP-003").text
    assert "专家组（内部）" in internal and "经办人" in internal  # reviewers and askers exist
    login_free = TestClient(bare_client.app)
    response = login_free.get("/public/land")
    assert response.status_code == 200
    text = response.text
    for parcel in ("示例-ZZ-001", "示例-GP-003", "示例-KF-007"):
        assert parcel in text
    for marker in ("专家组", "经办人", "评审会", "SHA-256", "报告.txt", "查询", "书面回复"):
        assert marker not in text, marker
    doc = lxml.html.fromstring(text)
    assert doc.get_element_by_id("public-land-control").xpath(".//tbody/tr")
    api = login_free.get("/api/v1/land/public").json()
    assert api["count"] >= 7 and "专家组" not in str(api)


def test_county_clerk_sees_only_its_county(bare_client: TestClient) -> None:
    from envplan.services.access import create_user

    platform = bare_client.app.state.web.platform  # type: ignore[attr-defined]
    from sqlalchemy import select

    from envplan.store.models import User

    with platform.write() as session:
        if session.scalar(select(User).where(User.username == "t-land-county")) is None:
            create_user(
                session, username="t-land-county", password="test-password-1",
                role="county_clerk", county="高平市",
            )  # fmt: skip
    login(bare_client, "t-land-county")
    text = bare_client.get("/land").text
    assert "示例-GP-003" in text and "示例-ZZ-001" not in text
    assert bare_client.get("/land/plots/示例-ZZ-001").status_code == 403


def test_gate_api_answers_like_the_cli(admin_client: TestClient) -> None:
    token = admin_client.get("/api/v1/me").json()["csrf_token"]
    response = admin_client.post(
        "/api/v1/land/gate",
        json={"parcel": "示例-LC-006", "purpose": "供地"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # 示例-LC-006 went through five steps: it stands at 效果评估, not yet removed
    assert body["allowed"] is False and body["status"] == "效果评估"
    assert "二（四）7" in body["rule"] and body["date"] == "2021-09-30"
    bad = admin_client.post(
        "/api/v1/land/gate", json={"parcel": "x", "purpose": "?"}, headers={"X-CSRF-Token": token}
    )
    assert bad.status_code == 422


def test_samples_reply_and_import_forms(admin_client: TestClient) -> None:
    from openpyxl import Workbook

    token = csrf_of(admin_client, "/land")
    # 苯 5 mg/kg > 4 mg/kg: GB 36600-2018 表1 第二类用地筛选值 (示例-YC-004 is 第二类用地)
    csv = "样点编号,检测项目,含量（mg/kg）\nW1,苯,5\n".encode()
    response = admin_client.post(
        "/land/plots/示例-YC-004/samples",
        data={"csrf_token": token, "taken_on": "2021-09-01"},
        files={"file": ("结果.csv", csv, "text/csv")},
    )
    assert response.status_code == 200 and "已保存" in response.text
    assert "苯(5.0)" in response.text and "超过筛选值（需详细调查和风险评估）" in response.text
    bad = admin_client.post(
        "/land/plots/示例-YC-004/samples",
        data={"csrf_token": token, "taken_on": "2021-09-01"},
        files={"file": ("坏.csv", "样点编号,检测项目,含量\nW2,苯,abc\n".encode(), "text/csv")},
    )
    assert bad.status_code == 422 and "坏.csv" in bad.text and "第 2 行" in bad.text

    page = lxml.html.fromstring(admin_client.get("/land/plots/示例-GP-003").text)
    action = page.xpath("//form[contains(@class, 'reply-form')]/@action")[0]  # the 收回 query
    replied = admin_client.post(
        action,
        data={"csrf_token": token, "parcel": "示例-GP-003", "replied_on": "2021-09-29",
              "text": "同意收回，须先完成风险评估（网页登记）"},
    )  # fmt: skip
    assert replied.status_code == 200 and "同意收回，须先完成风险评估（网页登记）" in replied.text
    early = admin_client.post(
        action,
        data={
            "csrf_token": token,
            "parcel": "示例-GP-003",
            "replied_on": "2020-01-01",
            "text": "x",
        },
    )
    assert early.status_code == 422 and "不能早于查询日期" in early.text
    book = Workbook()
    sheet = book.active
    sheet.title = "地块"  # type: ignore[union-attr]
    sheet.append(["地块编号", "县（市、区）"])  # type: ignore[union-attr]
    sheet.append(["IMP-1", "泽州县"])  # type: ignore[union-attr]
    sheet.append(["IMP-2", "不存在县"])  # type: ignore[union-attr]
    out = BytesIO()
    book.save(out)
    refused = admin_client.post(
        "/land/import",
        data={"csrf_token": token},
        files={"file": ("名录.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert refused.status_code == 422
    assert "工作表「地块」 第 3 行 列「县（市、区）」" in refused.text
    assert "IMP-1" not in admin_client.get("/land").text  # nothing imported


def _cell_values(xlsx: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(BytesIO(xlsx))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_web_download_and_cli_export_give_the_same_workbook(
    admin_client: TestClient, shared_platform: Platform, tmp_path: Path
) -> None:
    # both call services.land.land_export, then reports.land_xlsx.registry_workbook
    web = admin_client.get("/land/export.xlsx")
    assert web.status_code == 200
    out = tmp_path / "名录.xlsx"
    env = {
        "ENVPLAN_HOME": str(shared_platform.home),
        "ENVPLAN_DATABASE_URL": shared_platform.engine.url.render_as_string(hide_password=False),
    }
    result = CliRunner().invoke(
        cli_app, ["land", "export", str(out), "--as-of", TODAY.isoformat()], env=env
    )
    assert result.exit_code == 0, result.output
    cells = _cell_values(out.read_bytes())
    assert cells == _cell_values(web.content)
    assert len(cells["地块"]) >= 8 and len(cells["跟踪事项"]) >= 2  # header + the 示例 rows

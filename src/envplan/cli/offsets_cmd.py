"""`envplan offsets` command group: 2:1 offsets ledger (削减替代台账) and emission inventory.

Stable contract (issue 14):
``envplan offsets credit --county C --pollutant P --tonnes T --kind K --source NAME --json`` prints
the credit with an ``id``; ``envplan offsets debit --county C --pollutant P --tonnes T --project
NAME --json`` prints ``{"ok", "required", "used": [{"credit", "tonnes"}], "reason"}`` and exits 1
when refused; ``envplan offsets balance --county C --json`` prints ``{pollutant: tonnes}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from envplan.cli.db_cmd import acting_user, fail, parse_date, records_session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from envplan.services.access import Principal

app = typer.Typer(
    help=(
        "削减替代与排放清单：倍量削减（2:1）台账、余量、减排目标核算 / "
        "Offsets: 2:1 offsets ledger, balances, emission inventory and the −2 % check."
    ),
    no_args_is_help=True,
)
inventory_app = typer.Typer(
    help="排放清单：导入与目标核算 / Emission inventory: import and target check.",
    no_args_is_help=True,
)
app.add_typer(inventory_app, name="inventory")

UserOption = typer.Option(None, "--user", help="操作用户名（默认系统账户）/ Acting user.")
JsonOption = typer.Option(False, "--json", help="输出 JSON / Print JSON.")


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@contextmanager
def _ledger(user: str | None) -> Iterator[tuple[Session, Principal]]:
    """A session and the acting user; ledger errors become zh-CN messages, never tracebacks."""
    from envplan.services.offsets import InventoryImportError, OffsetsDenied, OffsetsError

    with records_session() as session:
        principal = acting_user(session, user)
        try:
            yield session, principal
        except (OffsetsError, OffsetsDenied) as exc:
            session.rollback()
            raise fail(str(exc)) from exc
        except InventoryImportError as exc:
            session.rollback()
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc


@app.command("credit")
def credit(
    county: str = typer.Option(..., "--county", help="县（市、区），如 泽州县 / County."),
    pollutant: str = typer.Option(..., "--pollutant", help="SO2 | NOx | VOCs | PM"),
    tonnes: str = typer.Option(..., "--tonnes", help="削减量（吨/年）/ Reduction [t/a]."),
    kind: str = typer.Option(
        ..., "--kind", help="工程减排 | 结构减排 | 清洁生产（富余指标）/ Kind of reduction."
    ),
    source: str = typer.Option(..., "--source", help="削减来源企业 / Source enterprise."),
    credit_code: str | None = typer.Option(
        None, "--credit-code", help="来源企业统一社会信用代码 / Credit code."
    ),
    on: str | None = typer.Option(None, "--date", help="削减生效日期（默认今天）/ Date."),
    evidence: str = typer.Option("", "--evidence", help="佐证材料 / Evidence."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """登记削减量（可供替代的指标）/ Register a reduction as a credit."""
    from envplan.services.offsets import add_credit, credit_dict

    day = parse_date(on, "--date")
    with _ledger(user) as (session, principal):
        row = add_credit(
            session,
            principal,
            county=county,
            pollutant=pollutant,
            tonnes=tonnes,
            kind=kind,
            source=source,
            on=day,
            evidence=evidence,
            source_credit_code=credit_code,
        )
        session.commit()
        data = credit_dict(row)
    if as_json:
        _print_json(data)
    else:
        typer.echo(
            f"已登记削减量 #{data['id']}：{data['county']} {data['pollutant']} "
            f"{data['tonnes']:g} 吨/年（{data['kind']}，{data['source']}）"
        )


@app.command("debit")
def debit(
    county: str = typer.Option(..., "--county", help="项目所在县（市、区）/ Project county."),
    pollutant: str = typer.Option(..., "--pollutant", help="SO2 | NOx | VOCs | PM"),
    tonnes: str = typer.Option(..., "--tonnes", help="项目新增排放量（吨/年）/ Added [t/a]."),
    project: str = typer.Option(..., "--project", help="建设项目名称 / Project name."),
    on: str | None = typer.Option(None, "--date", help="审批日期（默认今天）/ Date."),
    approval_no: str = typer.Option("", "--approval-no", help="审批文号 / Approval number."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """按倍量削减使用削减量（不足则拒绝，退出码 1）/ Offset a project's added emission."""
    from envplan.services.offsets import debit as run_debit

    day = parse_date(on, "--date")
    with _ledger(user) as (session, principal):
        result = run_debit(
            session,
            principal,
            county=county,
            pollutant=pollutant,
            tonnes=tonnes,
            project=project,
            on=day,
            approval_no=approval_no,
        )
        session.commit()
    if as_json:
        _print_json(result.to_dict())
    else:
        typer.echo(("通过：" if result.ok else "拒绝：") + result.reason)
        for used in result.used:
            typer.echo(f"  使用削减量 #{used['credit']}：{used['tonnes']:g} 吨/年")
    if not result.ok:
        raise typer.Exit(1)


@app.command("withdraw")
def withdraw(
    credit_id: int = typer.Option(..., "--credit", help="削减量编号 / Credit id."),
    reason: str = typer.Option(..., "--reason", help="撤销原因 / Reason."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """撤销削减量未使用的余量（已使用部分保留）/ Withdraw the unused rest of a credit."""
    from envplan.services.offsets import withdraw_credit

    with _ledger(user) as (session, principal):
        data = withdraw_credit(session, principal, credit_id, reason=reason)
        session.commit()
    if as_json:
        _print_json(data)
    else:
        typer.echo(f"已撤销削减量 #{credit_id} 的余量：{data['note']}")


@app.command("balance")
def balance(
    county: str = typer.Option(..., "--county", help="县（市、区）/ County."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """某县（市、区）各污染物可用余量（吨/年）/ Available tonnes per pollutant of a county."""
    from envplan.services.offsets import balance as run_balance

    with _ledger(user) as (session, principal):
        data = run_balance(session, principal, county)
    if as_json:
        _print_json(data)
    else:
        typer.echo("，".join(f"{p} {t:g} 吨/年" for p, t in data.items()))


@app.command("credits")
def credits(
    county: str | None = typer.Option(None, "--county", help="县（市、区）/ County."),
    pollutant: str | None = typer.Option(None, "--pollutant", help="污染物 / Pollutant."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """削减量台账及每笔的使用记录 / Credits with their history."""
    from envplan.services.offsets import list_credits

    with _ledger(user) as (session, principal):
        rows = list_credits(session, principal, county=county, pollutant=pollutant)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        typer.echo(
            f"#{row['id']} {row['date']} {row['county']} {row['pollutant']} {row['tonnes']:g} 吨/年"
            f"（余 {row['remaining']:g}）{row['kind']} {row['source']}"
        )
        for used in row["history"]:
            typer.echo(f"    → {used['date']} {used['project']}：{used['tonnes']:g} 吨/年")


@app.command("debits")
def debits(
    county: str | None = typer.Option(None, "--county", help="项目所在县（市、区）/ County."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """替代使用记录（含被拒绝的申请）/ Debits, granted and refused."""
    from envplan.services.offsets import list_debits

    with _ledger(user) as (session, principal):
        rows = list_debits(session, principal, county=county)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        typer.echo(f"#{row['id']} {row['date']} {'通过' if row['ok'] else '拒绝'} {row['project']}")
        typer.echo(f"    {row['reason']}")


@app.command("rules")
def rules(as_json: bool = JsonOption) -> None:
    """削减替代规则（比例、同县规定、施行日期、条款）/ The offset rules and their clauses."""
    from envplan.services.offsets import rule_dict
    from envplan.standards.offsets import OFFSET_RULES

    data = [rule_dict(r) for r in OFFSET_RULES]
    if as_json:
        _print_json(data)
        return
    for rule in data:
        typer.echo(
            f"{rule['id']}：倍量削减 {rule['ratio']}，只能本区域内替代：{'、'.join(rule['same_county'])}"
            f"（自 {rule['valid_from']} 起）"
        )
        for clause in rule["clauses"]:
            typer.echo(f"  {clause['clause']}：{clause['quote']}")


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="输出文件 .xlsx / Output file."),
    year: int = typer.Option(2021, "--year", help="核算年份 / Inventory year."),
    user: str | None = UserOption,
) -> None:
    """导出削减替代台账与减排核算 Excel（审批局、生态环境局用）/ Export the ledger to Excel."""
    from envplan.reports.offsets_xlsx import write_offsets_workbook
    from envplan.services.siting import offsets_export

    with _ledger(user) as (session, principal):
        ledger = offsets_export(session, principal, year=year)
    sheets = write_offsets_workbook(ledger, out)
    typer.echo(f"已导出 {out}：" + "，".join(f"{n} {c} 行" for n, c in sheets.items()))


@inventory_app.command("import")
def inventory_import(
    path: Path = typer.Argument(..., help="排放清单 .xlsx / .csv / Inventory file."),
    user: str | None = UserOption,
) -> None:
    """导入排放清单（全部校验通过才写入）/ Import an inventory (all or nothing)."""
    from envplan.services.offsets import import_inventory

    with _ledger(user) as (session, principal):
        count = import_inventory(session, principal, path)
        session.commit()
    typer.echo(f"已导入排放清单 {path.name}：{count} 项排放量。")


@inventory_app.command("check")
def inventory_check(
    year: int = typer.Option(2021, "--year", help="核算年份（对比2020年）/ Year."),
    user: str | None = UserOption,
    as_json: bool = JsonOption,
) -> None:
    """各县（市、区）与全市减排目标核算（较2020年下降2%）/ The −2 % check per county and city."""
    from envplan.services.offsets import inventory_check as run_check

    with _ledger(user) as (session, principal):
        data = run_check(session, principal, year)
    if as_json:
        _print_json(data)
        return
    typer.echo(f"{year} 年排放量较 {2020} 年变化（吨/年）；{data['note']}")
    for row in data["rows"]:
        if row["target_pct"] is None:
            continue
        state = {True: "达标", False: "未达标", None: "无数据"}[row["met"]]
        change = "—" if row["change_pct"] is None else f"{row['change_pct']:+.2f}%"
        typer.echo(
            f"{row['area']} {row['pollutant']}：{row['base']:g} → {row['current']:g}（{change}，"
            f"目标 {row['target_pct']:g}%，余量 {row['margin']:g}）{state}"
        )


@inventory_app.command("template")
def inventory_template(
    out: Path = typer.Option(..., "--out", help="输出文件 .xlsx / Output file."),
) -> None:
    """生成排放清单导入模板 / Write the inventory import template."""
    from envplan.reports.offsets_xlsx import write_inventory_template

    write_inventory_template(out)
    typer.echo(f"已生成模板 {out}")

"""`envplan audit` command group: verify the chain, print its head, write a signed checkpoint.

``verify`` recomputes every hash, compares the records (users, reports, reviews, notices, …) with
the last seal in the chain and the evidence files with their SHA-256. Deleting the last entries or
re-hashing the whole chain leaves a valid-looking chain: keep the head outside the database
(``envplan audit head`` into the operations log, or ``envplan audit checkpoint --out FILE``
signed with ENVPLAN_SECRET_KEY, on another machine) and give it to ``verify --expect`` /
``--checkpoint``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from envplan.cli.db_cmd import cli_settings, fail, records_session

app = typer.Typer(
    help="审计日志：校验哈希链、输出链头、签名检查点 / Audit log: verify, head, checkpoint.",
    no_args_is_help=True,
)


def _key() -> bytes:
    from envplan.services.settings import ENV_SECRET_KEY

    key = os.environ.get(ENV_SECRET_KEY, "")
    if len(key) < 32:
        raise fail(f"签名检查点需要 {ENV_SECRET_KEY}（至少 32 个字符）")
    return key.encode("utf-8")


@app.command("verify")
def verify(
    expect: str | None = typer.Option(
        None, "--expect", help="先前记下的链头 序号:哈希 / A head taken earlier (SEQ:HASH)."
    ),
    checkpoint: Path | None = typer.Option(
        None, "--checkpoint", help="签名检查点文件 / A signed checkpoint file."
    ),
) -> None:
    """校验审计日志、记录封存与证明材料（发现问题时退出码为 1）/ Verify the audit chain."""
    from envplan.store import EvidenceStore
    from envplan.store.audit import Head, read_checkpoint, verify_all, verify_anchor

    anchors: list[Head] = []
    if expect:
        try:
            anchors.append(Head.parse(expect))
        except ValueError as exc:
            raise fail(f"--expect：{exc}") from exc
    if checkpoint is not None:
        try:
            document = json.loads(checkpoint.read_text(encoding="utf-8"))
            anchors.append(read_checkpoint(document, _key()))
        except (OSError, ValueError) as exc:
            raise fail(f"--checkpoint {checkpoint}：{exc}") from exc
    store = EvidenceStore(cli_settings().evidence_dir)
    with records_session() as session:
        count, problems = verify_all(session, evidence_store=store)
        for anchor in anchors:
            problems.extend(verify_anchor(session, anchor))
    if problems:
        typer.echo(f"审计日志校验失败：{count} 条记录中发现 {len(problems)} 处问题：", err=True)
        for problem in problems:
            where = f"第 {problem.seq} 条：" if problem.seq else ""
            typer.echo(f"  {where}{problem.reason}", err=True)
        raise typer.Exit(1)
    anchored = f"，与锚点一致（{len(anchors)} 个）" if anchors else ""
    typer.echo(f"审计日志完整：{count} 条记录，哈希链校验通过，记录封存与证明材料一致{anchored}。")


@app.command("head")
def head_cmd() -> None:
    """输出当前链头 序号:哈希（请保存在数据库之外）/ Print the chain head SEQ:HASH."""
    from envplan.store.audit import head

    with records_session() as session:
        typer.echo(str(head(session)))


@app.command("checkpoint")
def checkpoint_cmd(
    out: Path = typer.Option(..., "--out", help="检查点文件 / Checkpoint file to write."),
) -> None:
    """把链头写成签名检查点文件（HMAC-SHA256，密钥 ENVPLAN_SECRET_KEY）/ Write a signed checkpoint."""
    from envplan.store.audit import head, sign_checkpoint

    key = _key()
    with records_session() as session:
        anchor = head(session)
    document = sign_checkpoint(anchor, key)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"已写入检查点 {out}：第 {anchor.seq} 条 {anchor.hash}")

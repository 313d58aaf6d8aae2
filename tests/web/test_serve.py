"""`envplan serve` refuses unsafe settings before opening anything."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from envplan.cli import app
from envplan.services.settings import DEMO_SECRET_KEY


def test_serve_without_secret_outside_demo_stops_with_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve"], env={"ENVPLAN_HOME": str(tmp_path), "ENVPLAN_SECRET_KEY": ""}
    )
    assert result.exit_code == 2
    assert "ENVPLAN_SECRET_KEY" in result.output
    assert not (tmp_path / "envplan.sqlite3").exists()


def test_serve_refuses_the_demo_secret_outside_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve"], env={"ENVPLAN_HOME": str(tmp_path), "ENVPLAN_SECRET_KEY": DEMO_SECRET_KEY}
    )
    assert result.exit_code == 2
    assert "演示密钥" in result.output


def test_serve_help_names_the_contract() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--demo"):
        assert option in result.output

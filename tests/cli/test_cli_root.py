from typer.testing import CliRunner

from envplan import __version__
from envplan.cli import app


def test_help_is_bilingual() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "行动计划" in result.output
    assert "action plans" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"envplan {__version__}"

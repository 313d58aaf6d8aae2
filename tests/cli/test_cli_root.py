import os
import subprocess
import sys
from pathlib import Path

import pytest
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


def _run_main(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it (``envplan.cli.main``, not the Typer app alone)."""
    code = "import sys; from envplan.cli import main; sys.argv = ['envplan', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["report", "monthly", "--month", "2021-06", "--format", "html"],
        ["air", "assess", "--help"],  # --help never reads settings: no error
        ["db", "status"],
    ],
)
def test_a_home_that_is_a_file_is_one_message_not_a_traceback(
    tmp_path: Path, args: list[str]
) -> None:
    # before: ENVPLAN_HOME naming a file made `report monthly` print two tracebacks
    # (FileExistsError from the demo key's mkdir)
    home = tmp_path / "not-a-folder"
    home.write_text("x", encoding="utf-8")
    result = _run_main(
        [*args, "--out", str(tmp_path)] if args[0] == "report" else args,
        {
            "ENVPLAN_HOME": str(home),
            "ENVPLAN_SECRET_KEY": "",
            "ENVPLAN_DATABASE_URL": "",
        },
    )
    assert "Traceback" not in result.stderr and "╭" not in result.stderr
    if "--help" in args:
        assert result.returncode == 0
        return
    assert result.returncode == 2
    assert f"ENVPLAN_HOME 指向的 {home} 是一个文件，不是文件夹" in result.stderr
    assert home.read_text(encoding="utf-8") == "x"  # nothing written over it

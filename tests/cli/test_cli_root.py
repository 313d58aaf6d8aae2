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


def test_the_console_script_passes_exit_codes_and_flushes_piped_output() -> None:
    ok = _run_main(["--version"], {})
    assert (ok.returncode, ok.stdout) == (0, f"envplan {__version__}\n")  # a pipe: block-buffered
    bad = _run_main(["report", "monthly", "--month", "2021-13"], {})
    assert bad.returncode == 2 and "月份格式应为 YYYY-MM" in bad.stderr
    unknown = _run_main(["no-such-command"], {})
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


def test_leave_runs_the_exit_handlers_and_keeps_sys_exit_meanings(tmp_path: Path) -> None:
    # leave() skips the interpreter's teardown, not the exit handlers (temporary folders, logs)
    marker = tmp_path / "handler-ran"
    for code, status, stderr in ((None, 0, ""), (3, 3, ""), ("出错了", 1, "出错了\n")):
        marker.unlink(missing_ok=True)
        script = (
            "import atexit, pathlib, sys\n"
            f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
            "print('written before leaving', end='')\n"
            "from envplan.cli import leave\n"
            f"leave({code!r})\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert (done.returncode, done.stdout, done.stderr) == (
            status,
            "written before leaving",
            stderr,
        )
        assert marker.read_text() == "yes"

"""Hypothesis throws mutated rows at every reader: never a panic or traceback, always either a
clean result or an `InputFileError` whose every problem names the file (and row/column where a
row is at fault). Readers return data and write nothing; all-or-nothing is checked by the
store's import tests, here by the absence of any result when an error is raised.

Seeds are real lines (tests/data) and the bundled templates; mutations replace cells with
hostile text, cut or extend rows, duplicate rows and swap in markers (`NA`, `/`, `*`, `--`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import InputFileError
from envplan.monitoring.soil_readers import read_construction_samples, read_farmland_samples
from envplan.monitoring.water_cnemc import read_cnemc_water_auto
from envplan.monitoring.water_template import read_water_template

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
TEMPLATES = ROOT / "src" / "envplan" / "monitoring" / "bundled" / "templates"


def _first_lines(path: Path, n: int) -> list[list[str]]:
    import gzip

    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[: n + 1]


def _air(fmt: str) -> Callable[[Path], object]:
    return lambda p: read_air(p, fmt)


#: (name, seed file, reader, output file name)
READERS: list[tuple[str, Path, Callable[[Path], object], str]] = [
    ("mee-city", DATA / "air" / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv", _air("mee-city"), "m.csv"),
    ("cnemc-live-2022", DATA / "air" / "cnemc-live-shanxi-stations-2022-01-01T00.csv", _air("cnemc-live"), "l.csv"),
    ("cnemc-live-2026", DATA / "air" / "cnemc-live-national-2026-02-28_2026-03-01.csv.gz", _air("cnemc-live"), "l26.csv"),
    ("cnemc-sites", DATA / "air" / "cnemc-sites-guangzhou-2025-04-01.csv", _air("cnemc-sites"), "china_sites_20250401.csv"),
    ("aqistudy", DATA / "air" / "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv", _air("aqistudy-daily"), "a.csv"),
    ("air-template", TEMPLATES / "air-monitoring-template.csv", _air("template"), "t.csv"),
    ("water-auto-2025", DATA / "water" / "cnemc-water-auto-2025-11-06T20.csv", read_cnemc_water_auto, "w.csv"),
    ("water-auto-2026", DATA / "water" / "cnemc-water-auto-2026-02-04-north.csv", read_cnemc_water_auto, "w2.csv"),
    ("water-template", TEMPLATES / "water_monthly_示例_jincheng-2021.csv", read_water_template, "wt.csv"),
    ("soil-farmland", TEMPLATES / "soil_farmland_示例.csv", read_farmland_samples, "sf.csv"),
    ("soil-construction", TEMPLATES / "soil_construction_示例.csv", read_construction_samples, "sc.csv"),
]  # fmt: skip

HOSTILE = st.one_of(
    st.sampled_from(
        ["", "NA", "/", "*", "--", "—", "nan", "inf", "-inf", "1e400", "-1", "-0", "1e-400",
         "99999999999999999999", "0x10", "１２", "12,5", "3.4.5", "2026-13-01T2500",
         "2026-02-30 10:00", "24:61", "\x00", "'", '"', "=cmd|' /C calc'!A0", "0.05L", "LL",
         "臭氧1小时(O3_1h),?", "细颗粒物(PM2.5)", "Ⅵ", "劣Ⅴ", "维护", "9" * 400]
    ),
    st.text(max_size=12),
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    header, body = rows[0], [list(r) for r in rows[1:]]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["cell", "cut", "extend", "duplicate", "drop", "header"]))
        i = draw(st.integers(0, len(body) - 1))
        if kind == "cell":
            j = draw(st.integers(0, len(body[i]) - 1))
            body[i][j] = draw(HOSTILE)
        elif kind == "cut" and len(body[i]) > 1:
            body[i] = body[i][: draw(st.integers(1, len(body[i]) - 1))]
        elif kind == "extend":
            body[i] = [*body[i], draw(HOSTILE)]
        elif kind == "duplicate":
            body.insert(i, list(body[i]))
        elif kind == "drop" and len(body) > 1:
            body.pop(i)
        elif kind == "header":
            header = list(header)
            header[draw(st.integers(0, len(header) - 1))] = draw(HOSTILE)
    return [header, *body]


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(("name", "seed", "reader", "out"), READERS, ids=[r[0] for r in READERS])
def test_mutated_rows_never_crash(
    name: str,
    seed: Path,
    reader: Callable[[Path], object],
    out: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = _first_lines(seed, 6)
    folder = tmp_path_factory.mktemp(name)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(mutated(rows))
    def check(case: list[list[str]]) -> None:
        path = folder / out
        _write(path, case)
        try:
            reader(path)
        except InputFileError as error:
            assert error.total >= 1 and error.problems
            for problem in error.problems:
                assert problem.file == path.name, problem
                assert problem.message and "Traceback" not in problem.message
            assert path.name in str(error)

    check()


def test_seeds_read_cleanly() -> None:
    """The unmutated seeds are accepted, so a rejection above comes from the mutation."""
    for _name, seed, reader, out in READERS:
        rows = _first_lines(seed, 6)
        folder = Path(__import__("tempfile").mkdtemp())
        _write(folder / out, rows)
        reader(folder / out)  # raises on failure


def test_empty_cells_give_a_message(tmp_path: Path) -> None:
    """An empty hour/type cell once produced a problem with no message (pl.format of null)."""
    rows = _first_lines(DATA / "air" / "cnemc-sites-guangzhou-2025-04-01.csv", 2)
    rows[1][1] = ""
    rows[2][2] = ""
    path = tmp_path / "china_sites_20250401.csv"
    _write(path, rows)
    with pytest.raises(InputFileError) as caught:
        read_air(path, "cnemc-sites")
    messages = {(p.row, p.column): p.message for p in caught.value.problems}
    assert messages[(2, "hour")].startswith("无法解析的小时「」")
    assert messages[(3, "type")].startswith("未知的数据类型「」")

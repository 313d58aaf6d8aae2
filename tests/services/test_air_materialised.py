"""The air views are computed once per state of the store and read back afterwards: a second
start recomputes nothing and sees the same values; an import recomputes them (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envplan.monitoring import timeseries
from envplan.services.air import figures
from envplan.services.dashboard import loading as monitoring

FILES = (
    "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv",
    "cnemc-live-jincheng-stations-2022-06-15.csv",
)


def _views(root: Path) -> dict[str, object]:
    return monitoring.compute_air_views(root, lambda _message, _began: None)


def test_second_start_reads_back_and_an_import_recomputes(
    test_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeseries.import_air_file(test_data / "air" / FILES[0], tmp_path)
    first = _views(tmp_path)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("recomputed")

    with monkeypatch.context() as patch:
        patch.setattr(figures, "city_daily_frame", fail)
        patch.setattr(monitoring, "official_hourly_view", fail)
        again = _views(tmp_path)
    assert again.keys() == first.keys()
    assert again["air_daily"].equals(first["air_daily"])  # type: ignore[attr-defined]
    assert {k: v for k, v in again.items() if k != "air_daily"} == {
        k: v for k, v in first.items() if k != "air_daily"
    }
    # Jincheng's MEE file: 2019-02-04 … 02-12, hourly; the official view matched hours
    hourly = again["air_hourly"]
    assert isinstance(hourly, dict) and hourly["match"]["cities"] == 1

    timeseries.import_air_file(test_data / "air" / FILES[1], tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(figures, "city_daily_frame", fail)
        with pytest.raises(AssertionError, match="recomputed"):
            _views(tmp_path)
    after = _views(tmp_path)
    assert after["air_daily"].height > first["air_daily"].height  # type: ignore[attr-defined]

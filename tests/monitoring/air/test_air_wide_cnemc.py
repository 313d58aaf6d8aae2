"""The wide reader of the cnemc-live layout against the general reader and the published AQI.

Expected values: the general reader's output on the same official files (old and new path must
agree cell for cell), the files' own published ``aqi`` (official data; the national file's 29
known quirk hours are those of tests/standards/air/test_cnemc_2026_publication.py), and for the
fallback cases, files written by hand in the test.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_readers import read_air
from envplan.monitoring.air_wide_cnemc import city_groups, read_cnemc_live_wide
from envplan.services.air.hourly import hourly_aqi_wide, hourly_wide

NATIONAL = "cnemc-live-national-2026-02-28_2026-03-01.csv.gz"
SHANXI = "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz"
FILES_2022 = (
    "cnemc-live-shanxi-stations-2022-01-01T00.csv",  # swapped O3 layout (HeQinWill archive)
    "cnemc-live-jincheng-stations-2022-06-15.csv",
)

HEADER = (
    "timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,pm10,"
    "pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h,"
    "source_blob"
)
# Two hand-written station-hours in the 2026 layout. AQI of ROW_A by hand (HJ 633-2012, in force
# before 2026-03-01; PM scored on the 24-h breakpoints): PM2.5 77 µg/m³ in the 75-115 band ->
# 100 + (77 - 75) * 50 / 40 = 102.5 -> 103; PM10 107 -> 50 + (107 - 50) * 50 / 100 = 78.5;
# O3 46 -> 14.4, NO2 35 -> 17.5, SO2 3 -> 1, CO 0.9 -> 9: AQI 103, primary PM2.5.
ROW_A = (
    "2026-01-01T0100,1001A,116.3611,39.8786,北京市,万寿西宫,细颗粒物(PM2.5),103,107,82,77,58,"
    "46,46,48,48,35,26,3,3,0.9,0.8,289526cb225b"
)
ROW_B = (
    "2026-01-01T0100,1003A,116.4174,39.9289,北京市,东四,,NA,NA,89,/,60,47,,42,42,34,29,6,6,"
    "0.9,0.8,289526cb225b"
)


def _old_path(path: Path) -> pl.DataFrame:
    return hourly_wide(read_air(path).measurements)


@pytest.mark.parametrize("name", [NATIONAL, SHANXI, *FILES_2022])
def test_same_frame_and_hourly_aqi_as_the_general_reader(test_data: Path, name: str) -> None:
    path = test_data / "air" / name
    fast = read_cnemc_live_wide(path)
    assert fast is not None  # clean official files take the fast path
    old = _old_path(path)
    assert fast.select(old.columns).equals(old)
    assert hourly_aqi_wide(fast.select(old.columns)).equals(hourly_aqi_wide(old))


def test_official_aqi_reproduced_at_the_known_rate(test_data: Path) -> None:
    fast = read_cnemc_live_wide(test_data / "air" / NATIONAL)
    assert fast is not None
    assert fast.height == 76_800  # README: 1,600 stations x 48 hours
    calc = hourly_aqi_wide(fast)["aqi"]
    published = fast.with_columns(calc=calc).filter(pl.col("official_aqi").is_not_null())
    assert published.height == 73_705  # non-empty, non-NA `aqi` cells of the file
    misses = published.filter(pl.col("calc").ne_missing(pl.col("official_aqi")))
    assert misses.height == 29  # the official quirk hours, all very clean (AQI <= 10)
    assert (misses["official_aqi"] <= 10).all()
    assert (misses["calc"] - misses["official_aqi"]).abs().max() == 2


def test_shanxi_2026_published_aqi_every_hour(test_data: Path) -> None:
    fast = read_cnemc_live_wide(test_data / "air" / SHANXI)
    assert fast is not None and fast.height == 215_932  # README row count
    calc = hourly_aqi_wide(fast)["aqi"]
    published = fast.with_columns(calc=calc).filter(pl.col("official_aqi").is_not_null())
    assert published.height > 200_000
    assert published.filter(pl.col("calc").ne_missing(pl.col("official_aqi"))).height == 0


def _write(tmp_path: Path, *rows: str, name: str = "feed.csv", prefix: bytes = b"") -> Path:
    path = tmp_path / name
    text = prefix + ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    return path


def test_hand_written_rows(tmp_path: Path) -> None:
    fast = read_cnemc_live_wide(_write(tmp_path, ROW_B, ROW_A, name="feed.csv.gz"))
    assert fast is not None
    assert fast["site"].to_list() == ["1001A", "1003A"]  # sorted by site and hour
    first = fast.row(0, named=True)
    assert (first["PM2.5"], first["PM10"], first["O3"], first["official_aqi"]) == (77, 107, 46, 103)
    second = fast.row(1, named=True)
    assert second["PM2.5"] is None and second["PM10"] is None  # `/` and NA: no value
    assert second["O3"] == 47  # `o3` is the 1-h value in the 2026 layout
    assert second["official_aqi"] is None
    assert hourly_aqi_wide(fast)["aqi"].to_list()[0] == 103  # hand computation above


@pytest.mark.parametrize(
    ("rows", "prefix"),
    [
        ((ROW_A, ROW_A), b""),  # a repeated station-hour
        ((ROW_A.replace("1001A", " 1001A"),), b""),  # padded station code
        ((ROW_A.replace(",107,", ",—,"),), b""),  # another missing marker
        ((ROW_A.replace(",107,", ",-5,"),), b""),  # a negative concentration
        ((ROW_A.replace(",103,", ",103.5,"),), b""),  # AQI not an integer
        ((ROW_A.replace("2026-01-01T0100", "2026-01-01T2400"),), b""),  # hour 24
        ((ROW_A.replace("2026-01-01T0100", "2026-01-01T0130"),), b""),  # not a whole hour
        ((ROW_A.replace(",细颗粒物(PM2.5),", ",沙尘,"),), b""),  # unknown primary pollutant
        ((ROW_A.replace(",289526cb225b", ""),), b""),  # a short row
        ((ROW_A,), b"\xef\xbb\xbf"),  # BOM
    ],
)
def test_anything_unusual_goes_to_the_general_reader(
    tmp_path: Path, rows: tuple[str, ...], prefix: bytes
) -> None:
    assert read_cnemc_live_wide(_write(tmp_path, ROW_B, *rows, prefix=prefix)) is None


def test_file_order_and_city_groups(tmp_path: Path) -> None:
    other = ROW_A.replace("1001A", "0999A").replace("北京市", "天津市")
    path = _write(tmp_path, ROW_A, other, ROW_B)
    unsorted = read_cnemc_live_wide(path, sort=False)
    assert unsorted is not None
    assert unsorted["site"].to_list() == ["1001A", "0999A", "1003A"]  # as in the file
    whole = list(city_groups(unsorted, station_hours=1))  # one city a group
    assert [g["site"].to_list() for g in whole] == [["1001A", "1003A"], ["0999A"]]  # 北 < 天
    together = list(city_groups(unsorted, station_hours=10))
    assert [g.height for g in together] == [3]

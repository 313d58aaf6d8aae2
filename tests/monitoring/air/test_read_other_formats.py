"""quotsoft (one file, folder, concatenated; sites and cities), aqistudy, template, bundled copies.

Expected values are hand-read from the raw CSV text quoted in the comments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl
import pytest

from envplan.monitoring.air_bundled import (
    air_template_path,
    bundled_air_file,
    bundled_air_files,
)
from envplan.monitoring.air_layouts import detect_air_format
from envplan.monitoring.air_readers import read_air
from envplan.monitoring.errors import InputFileError

GUANGZHOU = "cnemc-sites-guangzhou-2025-04-01.csv"


@pytest.fixture(scope="module")
def air_dir(test_data: Path) -> Path:
    return test_data / "air"


def one(frame: pl.DataFrame, **where: object) -> dict[str, object]:
    rows = frame.filter(*[pl.col(k) == v for k, v in where.items()])
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def split_by_hour(source: Path, noon: int = 12) -> tuple[str, str, str]:
    """(header, lines of hours < noon, lines of hours >= noon) of a quotsoft file."""
    header, *lines = source.read_text(encoding="utf-8").splitlines()
    morning = [ln for ln in lines if int(ln.split(",")[1]) < noon]
    afternoon = [ln for ln in lines if int(ln.split(",")[1]) >= noon]
    return header, "\n".join(morning) + "\n", "\n".join(afternoon) + "\n"


# ------------------------------------------------------------------ quotsoft sites


def test_quotsoft_sites_single_file(air_dir: Path) -> None:
    result = read_air(air_dir / GUANGZHOU, "cnemc-sites")
    m, p = result.measurements, result.published
    # 168 data lines = 24 hours × 7 types (AQI + six 1-h pollutants); 21 station columns.
    assert m.height == 24 * 6 * 21
    assert p.height == 24 * 21
    assert m["site"].n_unique() == 21
    assert set(m["averaging"].unique()) == {"1h"}
    # 20250401,0,AQI,17.0,12.0,…  (first station column 1345A)
    row = one(p, site="1345A", interval_end=dt.datetime(2025, 4, 1, 0))
    assert row["aqi"] == 17 and row["primary_pollutant"] is None
    # 20250401,0,CO,0.4,0.7,…
    co = one(m, site="1345A", pollutant="CO", interval_end=dt.datetime(2025, 4, 1, 0))
    assert co["value"] == pytest.approx(0.4)
    assert co["interval_start"] == dt.datetime(2025, 3, 31, 23)
    assert co["site_kind"] == "station" and co["unit"] == "mg/m³"
    # 20250401,0,PM10,17.0,12.0,8.0,10.0,12.0,22.0,12.0,9.0,9.0,,11.0 → 1355A (10th) is empty
    pm10 = one(m, site="1355A", pollutant="PM10", interval_end=dt.datetime(2025, 4, 1, 0))
    assert pm10["value"] is None
    # 20250401,1,NO2,26.0,20.0,…
    no2 = one(m, site="1346A", pollutant="NO2", interval_end=dt.datetime(2025, 4, 1, 1))
    assert no2["value"] == 20


def test_quotsoft_folder_and_concatenated_file_match_single_file(
    air_dir: Path, tmp_path: Path
) -> None:
    single = read_air(air_dir / GUANGZHOU, "cnemc-sites")
    header, morning, afternoon = split_by_hour(air_dir / GUANGZHOU)
    folder = tmp_path / "days"
    folder.mkdir()
    (folder / "china_sites_20250401a.csv").write_text(header + "\n" + morning, encoding="utf-8")
    (folder / "china_sites_20250401b.csv").write_text(header + "\n" + afternoon, encoding="utf-8")
    assert detect_air_format(folder) == "cnemc-sites"
    from_folder = read_air(folder)
    assert len(from_folder.files) == 2
    concatenated = tmp_path / "china_sites_all.csv"
    concatenated.write_text(header + "\n" + morning + header + "\n" + afternoon, encoding="utf-8")
    from_concat = read_air(concatenated, "cnemc-sites")
    key = ["site", "interval_end", "pollutant", "averaging"]
    expected = single.measurements.drop("source").sort(key)
    assert from_folder.measurements.drop("source").sort(key).equals(expected)
    assert from_concat.measurements.drop("source").sort(key).equals(expected)
    assert from_concat.published.height == 504


def test_quotsoft_folder_with_the_same_day_twice_is_rejected(air_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "days"
    folder.mkdir()
    text = (air_dir / GUANGZHOU).read_text(encoding="utf-8")
    (folder / "china_sites_20250401.csv").write_text(text, encoding="utf-8")
    (folder / "china_sites_20250401_copy.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_air(folder, "cnemc-sites")
    first = caught.value.problems[0]
    assert first.file == "china_sites_20250401_copy.csv"
    assert "重复" in first.message and "china_sites_20250401.csv" in first.message
    # every repeated cell: 24 hours × 6 pollutants × 21 stations, plus the 24 × 21 AQI cells
    assert caught.value.total == 24 * 6 * 21 + 24 * 21


def test_quotsoft_cities(tmp_path: Path) -> None:
    # Values copied from mee-city-hourly-2019-02-04_2019-02-12.csv.gz:
    #   晋城市,62,14,73,12,13,0.5,76,PM10,2019-02-04 00:00:00
    #   北京市,61,14,71,3,12,0.3,61,PM10,2019-02-04 00:00:00
    lines = [
        "date,hour,type,北京,晋城",
        "20190204,0,AQI,61,62",
        "20190204,0,PM2.5,14,14",
        "20190204,0,PM10,71,73",
        "20190204,0,SO2,3,12",
        "20190204,0,NO2,12,13",
        "20190204,0,O3,61,76",
        "20190204,0,CO,0.3,0.5",
    ]
    path = tmp_path / "china_cities_20190204.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_air_format(path) == "cnemc-cities"
    result = read_air(path)
    m = result.measurements
    assert m.height == 12
    row = one(m, site="晋城市", pollutant="PM10")
    assert (row["site_name"], row["city"], row["site_kind"], row["value"]) == (
        "晋城",
        "晋城市",
        "city",
        73,
    )
    assert one(result.published, site="北京市")["aqi"] == 61


# ------------------------------------------------------------------ aqistudy


def test_aqistudy_jincheng_daily(air_dir: Path) -> None:
    result = read_air(air_dir / "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv")
    assert result.format == "aqistudy-daily"
    m, p = result.measurements, result.published
    assert p.height == 763 and m.height == 763 * 6
    assert set(m["data_version"].unique()) == {"third-party"}
    # 晋城,2014-12-31,57,46~71,良,22.9,63.2,52.1,0.689,15.3,34,140
    day_end = dt.datetime(2015, 1, 1)
    expected = {
        ("PM2.5", "24h"): 22.9,
        ("PM10", "24h"): 63.2,
        ("SO2", "24h"): 52.1,
        ("CO", "24h"): 0.689,
        ("NO2", "24h"): 15.3,
        ("O3", "8h_max_day"): 34,
    }
    for (pollutant, averaging), v in expected.items():
        row = one(m, site="晋城市", pollutant=pollutant, averaging=averaging, interval_end=day_end)
        assert row["value"] == pytest.approx(v)
        assert row["interval_start"] == dt.datetime(2014, 12, 31)
        assert row["site_name"] == "晋城" and row["site_kind"] == "city"
    pub = one(p, site="晋城市", interval_end=day_end)
    # The site's own AQI is kept only as a third-party column, never as the published AQI.
    assert pub["aqi"] is None
    assert pub["third_party_aqi"] == 57
    assert pub["third_party_quality"] == "良"
    assert pub["third_party_aqi_hourly_range"] == "46~71"
    assert pub["third_party_rank"] == 140
    assert pub["data_version"] == "third-party"


def test_aqistudy_shanxi_eleven_cities(air_dir: Path) -> None:
    result = read_air(air_dir / "aqistudy-daily-shanxi-11-cities-2013_2017.csv")
    p = result.published
    assert p.height == 10_363
    assert sorted(p["site"].unique()) == sorted(
        f"{c}市"
        for c in (
            "临汾",
            "吕梁",
            "大同",
            "太原",
            "忻州",
            "晋中",
            "晋城",
            "朔州",
            "运城",
            "长治",
            "阳泉",
        )
    )
    # rank 0 (814 rows, counted with awk) means "not ranked".
    assert p["third_party_rank"].null_count() == 814


# ------------------------------------------------------------------ template


def test_template_csv_and_xlsx_agree_with_the_source_rows(air_dir: Path) -> None:
    live = read_air(air_dir / "cnemc-live-jincheng-stations-2022-06-15.csv").measurements
    hourly = live.filter(
        (pl.col("site") == "2160A")
        & (pl.col("averaging") == "1h")
        & (pl.col("interval_end") <= dt.datetime(2022, 6, 15, 8))
    )
    key = ["site", "interval_end", "pollutant"]
    columns = [*key, "interval_start", "value", "unit", "site_name", "city"]
    for suffix in ("csv", "xlsx"):
        result = read_air(air_template_path(suffix))
        assert result.format == "template"
        m = result.measurements
        assert m.height == 9 * 6
        assert m.select(columns).sort(key).equals(hourly.select(columns).sort(key))
        # "2022-06-14 24:00" is hour 24, stored as 00:00 of the next day.
        first = one(result.published, site="2160A", interval_end=dt.datetime(2022, 6, 15, 0))
        assert first["aqi"] == 48
        # 2160A,…,2022-06-15 08:00,1h,realtime,15,44,2.0,79,69,34,60,颗粒物(PM10)
        last = one(result.published, interval_end=dt.datetime(2022, 6, 15, 8))
        assert (last["aqi"], last["primary_pollutant"]) == (60, "PM10")
        assert one(m, pollutant="CO", interval_end=dt.datetime(2022, 6, 15, 8))["value"] == 2.0


def test_template_english_headers_daily_rows_and_unit_row(tmp_path: Path) -> None:
    path = tmp_path / "bureau.csv"
    path.write_text(
        "site,time,averaging,data_version,SO2,NO2,CO,O3,PM10,PM2.5\n"
        "unit,单位,,,ug/m3,μg/m³,mg/m3,微克/立方米,µg/m³,ug/m3\n"
        "晋城市,2015-01-01,日均值,审核,52,15,0.7,,64,23\n"
        "晋城市,2015-01-01,8H_max_day,Audited,,,,34,,\n",
        encoding="utf-8",
    )
    result = read_air(path)
    m = result.measurements.filter(pl.col("value").is_not_null())
    assert m.height == 6
    assert set(m["data_version"].unique()) == {"audited"}
    o3 = one(m, pollutant="O3")
    assert o3["averaging"] == "8h_max_day"
    assert o3["interval_start"] == dt.datetime(2015, 1, 1)
    assert o3["interval_end"] == dt.datetime(2015, 1, 2)
    assert one(m, pollutant="PM10")["averaging"] == "24h"


# ------------------------------------------------------------------ bundled copies


# SHA-256 of the official files as published in shared/data/air (checked with sha256sum when they
# were copied); the package's bundled copies and the test copies must both be these bytes.
BUNDLED_AIR_SHA256 = {
    "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv": "e8a33650026de9c1915cddf14fd3ba9ff9151a83f0eea7389b7d2198dcb35c19",
    "aqistudy-daily-shanxi-11-cities-2013_2017.csv": "d141ccf3faaeb108cdf7adb4beba7ef169cad6e7d237eb02b33f0bde548e2142",
    "cnemc-live-jincheng-stations-2022-06-15.csv": "fb2da6bc2d46fa8797c3f955c29d5fbd6dde2676ce5523e4993206201fdc2415",
    "cnemc-live-shanxi-2026-03-02_2026-07-24.csv.gz": "5ff7383a2fb48f9455ae055079bcecb02a7161b6026397f906a0b1f4f4d1a0b5",
    "cnemc-live-shanxi-stations-2022-01-01T00.csv": "9464d8d48bc11426d53921a744a7f6993e5e18a66ea1cf656f9b4d8e5d7f5c6a",
    "cnemc-sites-guangzhou-2025-04-01.csv": "c95f1a568fbb9873ee1cdc4baab49180dee9f772e432628af885e6106a1a1a5a",
    "golden-cases-hourly-aqi.csv": "9dafccce7bf0160e1d538596a055273f7f3a183a4f1d665d327dcbd42ee87b13",
    "mee-city-hourly-2019-02-04_2019-02-12.csv.gz": "54152c741bd91f6e036b19bf19be5653c8cc8da681e628cccde8c01ec16089c7",
    "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv": "f75cf0e6cc9c6ff4e74d0e9eb28e0dd446f9a4bfb842cc6d21d9224607feeca0",
}


def test_bundled_air_data_are_unchanged_copies(air_dir: Path) -> None:
    names = [p.name for p in bundled_air_files()]
    assert sorted(names) == sorted(BUNDLED_AIR_SHA256)
    for name in names:
        assert (
            hashlib.sha256(bundled_air_file(name).read_bytes()).hexdigest()
            == BUNDLED_AIR_SHA256[name]
        )
        assert bundled_air_file(name).read_bytes() == (air_dir / name).read_bytes()
    provenance = (bundled_air_file(names[0]).parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "commit 8a63dbc5" in provenance and "commit 88f594f7" in provenance


def test_template_excel_date_and_datetime_cells(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["站点编码", "时间", "统计类型", "PM10(μg/m³)", "CO(mg/m³)"])
    # Hourly values as Excel date-times (00:00 is the label of hour 24 of the previous day)
    sheet.append(["2160A", dt.datetime(2022, 6, 15, 0), "1h", 34, 0.4])
    sheet.append(["2160A", dt.datetime(2022, 6, 15, 1), "1h", 36, 0.5])
    # A daily mean as an Excel date: the natural day 2022-06-15
    sheet.append(["2160A", dt.date(2022, 6, 15), "日均值", 40, 0.6])
    path = tmp_path / "bureau.xlsx"
    workbook.save(path)
    m = read_air(path).measurements
    assert m.height == 6
    hourly_midnight = one(m, pollutant="PM10", averaging="1h", value=34.0)
    assert hourly_midnight["interval_end"] == dt.datetime(2022, 6, 15, 0)
    daily = one(m, pollutant="PM10", averaging="24h")
    assert (daily["interval_start"], daily["interval_end"]) == (
        dt.datetime(2022, 6, 15),
        dt.datetime(2022, 6, 16),
    )


def test_data_version_can_be_set_for_official_layouts(air_dir: Path) -> None:
    path = air_dir / "mee-city-hourly-jincheng-2019-02-04_2019-02-12.csv"
    audited = read_air(path, data_version="audited")
    assert set(audited.measurements["data_version"].unique()) == {"audited"}
    assert set(audited.published["data_version"].unique()) == {"audited"}
    with pytest.raises(InputFileError) as caught:
        read_air(path, data_version="final")
    assert "数据版本「final」无效" in caught.value.problems[0].message
    # aqistudy stays third-party whatever the caller says
    daily = read_air(
        air_dir / "aqistudy-daily-jincheng-2014-12-31_2017-01-31.csv", data_version="audited"
    )
    assert set(daily.measurements["data_version"].unique()) == {"third-party"}


def test_station_codes_get_names_and_cities_from_the_catalog(air_dir: Path, tmp_path: Path) -> None:
    # Jincheng stations at 2022-01-01 00:00 in the quotsoft layout; values from
    # cnemc-live-shanxi-stations-2022-01-01T00.csv (pm2_5 column: 58, 56, 61, 41, 19).
    path = tmp_path / "china_sites_20220101.csv"
    path.write_text(
        "date,hour,type,2160A,2161A,2162A,2163A,2165A\n20220101,0,PM2.5,58,56,61,41,19\n",
        encoding="utf-8",
    )
    m = read_air(path).measurements
    row = one(m, site="2165A")
    assert (row["site_name"], row["city"], row["value"]) == ("白马寺 (对照点)", "晋城市", 19)
    assert set(m["city"].unique()) == {"晋城市"}
    # Stations outside the catalog keep empty names; a caller's catalog fills them.
    guangzhou = read_air(air_dir / GUANGZHOU).measurements
    assert guangzhou["city"].null_count() == guangzhou.height
    own = pl.DataFrame({"site": ["1345A"], "site_name": ["测试站"], "city": ["广州市"]})
    filled = read_air(path, stations=own).measurements
    assert filled["city"].null_count() == filled.height  # the caller's catalog replaces the default
    gz = read_air(air_dir / GUANGZHOU, stations=own).measurements
    assert set(gz.filter(pl.col("site") == "1345A")["city"].unique()) == {"广州市"}


def test_quotsoft_zip_archive(air_dir: Path, tmp_path: Path) -> None:
    import zipfile

    header, morning, afternoon = split_by_hour(air_dir / GUANGZHOU)
    archive = tmp_path / "站点_20250401-20250401.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("站点_20250401-20250401/china_sites_20250401a.csv", header + "\n" + morning)
        zipped.writestr(
            "站点_20250401-20250401/china_sites_20250401b.csv", header + "\n" + afternoon
        )
        zipped.writestr("__MACOSX/._china_sites_20250401a.csv", "junk")
    assert detect_air_format(archive) == "cnemc-sites"
    result = read_air(archive)
    assert [p.name for p in result.files] == [
        "china_sites_20250401a.csv",
        "china_sites_20250401b.csv",
    ]
    key = ["site", "interval_end", "pollutant", "averaging"]
    single = read_air(air_dir / GUANGZHOU).measurements.drop("source").sort(key)
    assert result.measurements.drop("source").sort(key).equals(single)
    with pytest.raises(InputFileError) as caught:
        read_air(archive, "mee-city")
    assert "zip" in caught.value.problems[0].message

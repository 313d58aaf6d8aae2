"""Composite index and rank from a statistics table, within a named city set, and the plan's
ranking target ("排名退出后20位" of the 168 key cities).

Input: a table of the period's city concentrations (``monitoring.air_city_table``: site and the
six statistics) — what MEE/CNEMC reports publish for every city, so a rank among 168 or 339
cities needs no station data. The composite index is HJ 663 / 环办监测〔2018〕19号
(``standards.air.ranking.composite_index``: I_i = C_i / S_i over the level-2 limits of the GB 3095
edition in force, I_sum = Σ I_i to 2 decimals); the rank is ascending with ties sharing the rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from envplan.services.air.city_sets import CITY_SETS, CitySet
from envplan.services.month import Month
from envplan.standards.air.ranking import composite_index, rank_ascending
from envplan.standards.air.rules import LimitSet, select_limits


class RankingError(ValueError):
    """A ranking request that cannot be answered (zh-CN message)."""


def city_key(name: str) -> str:
    """The name compared across sources: 晋城市 and 晋城 are one city."""
    return name.strip().removesuffix("市")


def _city_key_expr(names: pl.Expr) -> pl.Expr:
    return names.str.strip_chars().str.strip_suffix("市")


def resolve_city_set(spec: str) -> CitySet:
    """``168``, ``339``, ``shanxi-11``, ``table`` (every city of the table) or a text file
    listing the cities (one a line, or separated by 、/,)."""
    if spec in CITY_SETS:
        return CITY_SETS[spec]
    if spec == "table":
        return CitySet("table", "统计表中的全部城市", (), None, False, "统计表")
    path = Path(spec)
    if path.is_file():
        names = [
            n for n in re.split(r"[\n,，、\t]+", path.read_text(encoding="utf-8-sig")) if n.strip()
        ]
        if not names:
            raise RankingError(f"城市名单文件「{path.name}」为空")
        return CitySet(
            path.stem,
            f"名单“{path.name}”",
            tuple(n.strip() for n in names),
            len(names),
            True,
            path.name,
        )
    raise RankingError(
        f"未知的城市范围“{spec}”：可选 168、339、shanxi-11、table 或城市名单文件路径"
    )


@dataclass(frozen=True)
class TableRanking:
    """The ranked table and what its rank can stand for.

    ranking: ``rank, site, composite_index, max_index, max_index_pollutants, index_*`` and the six
    statistics, members of the set only; rank_valid: the table holds the whole set, so a rank is
    a rank within the set; missing: cities of the set absent from the table (known members);
    note: zh-CN explanation when the rank is not valid for the set.
    """

    city_set: CitySet
    limits: str
    ranking: pl.DataFrame
    rank_valid: bool
    missing: tuple[str, ...] = ()
    note: str = ""
    outside: tuple[str, ...] = field(default=())


def rank_table(
    table: pl.DataFrame,
    city_set: CitySet,
    *,
    period: Month | int | None = None,
    limits: LimitSet | None = None,
) -> TableRanking:
    """Composite index of every city of ``table`` in ``city_set`` and its rank among them.

    Limits: ``limits``, else the GB 3095 edition in force on the period's first day (a month or a
    year), else GB 3095-2012."""
    if limits is None:
        if isinstance(period, Month):
            limits = select_limits(period.first)
        elif isinstance(period, int):
            limits = select_limits(Month(period, 1).first)
        else:
            limits = select_limits(code="gb3095-2012")
    keyed = table.with_columns(_city_key_expr(pl.col("site")).alias("_key"))
    members = {city_key(m) for m in city_set.members}
    inside = keyed.filter(pl.col("_key").is_in(list(members))) if city_set.complete else keyed
    outside = tuple(sorted(set(keyed["site"].to_list()) - set(inside["site"].to_list())))
    present = set(inside["_key"].to_list())
    missing = tuple(m for m in city_set.members if city_key(m) not in present)
    count_ok = city_set.count is None or inside.height == city_set.count
    rank_valid = not missing and count_ok
    note = ""
    if not rank_valid:
        parts = []
        if city_set.count is not None and inside.height != city_set.count:
            parts.append(f"统计表含{inside.height}个城市，{city_set.name}应为{city_set.count}个")
        if missing:
            shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
            parts.append(f"缺少{len(missing)}个城市（{shown}）")
        note = "；".join(parts) + f"：名次仅为表内城市间的排序，不是{city_set.name}排名。"
    ranked = (
        composite_index(inside.drop("_key"), limits)
        .with_columns(rank_ascending(pl.col("composite_index")).alias("rank"))
        .sort(pl.col("rank").fill_null(10**9), "site")
    )
    columns = ["rank", "site", "composite_index", "max_index", "max_index_pollutants"]
    rest = [c for c in ranked.columns if c not in columns]
    return TableRanking(
        city_set, limits.code, ranked.select(*columns, *rest), rank_valid, missing, note, outside
    )


def _set_of_scope(scope: str | None) -> str | None:
    match = re.search(r"(\d+)个", scope or "")
    return match.group(1) if match else None


def evaluate_rank_target(target: Any, ranking: TableRanking | None, city: str) -> dict[str, Any]:
    """The plan's ``outside_bottom`` target (e.g. 综合指数在全国168个重点城市中排名退出后20位)
    against a ranking: ``status`` met / not_met / unknown, the rank, and in ``text`` (zh-CN)
    the verdict or which input is missing."""
    wanted = _set_of_scope(getattr(target, "scope", None))
    bottom = int(getattr(target, "value", 0) or 0)
    scope = getattr(target, "scope", "") or ""
    result: dict[str, Any] = {"status": "unknown", "rank": None, "of": None, "target": target}
    if ranking is None:
        result["text"] = f"缺少输入：{scope}环境空气质量统计表（六项污染物浓度），无法评价排名目标"
        return result
    if wanted is not None and ranking.city_set.code not in (wanted, "table"):
        result["text"] = f"缺少输入：排名范围为{ranking.city_set.name}，目标要求{scope}"
        return result
    if not ranking.rank_valid:
        result["text"] = f"缺少输入：{ranking.note}"
        return result
    rows = ranking.ranking.filter(_city_key_expr(pl.col("site")) == city_key(city))
    if rows.is_empty() or rows["rank"][0] is None:
        result["text"] = f"缺少输入：统计表中没有{city}的完整六项浓度"
        return result
    rank, total = int(rows["rank"][0]), ranking.ranking.height
    limit = total - bottom
    result |= {"rank": rank, "of": total}
    if rank <= limit:
        result["status"] = "met"
        result["text"] = f"{city}排第{rank}位（共{total}个），已退出后{bottom}位（须≤第{limit}位）"
    else:
        result["status"] = "not_met"
        result["text"] = f"{city}排第{rank}位（共{total}个），仍在后{bottom}位（须≤第{limit}位）"
    return result

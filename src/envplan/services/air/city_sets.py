"""Named city sets for the composite-index ranking, as cited data (this module is data).

Who is ranked is set by the ranking documents, not by the data on hand:

- ``168``: the 168 key cities of the national monthly ranking, 2020–2021 (CNEMC 2021-07 national
  report, air-standards.md S28; 169 from 2018-07 until Laiwu merged into Jinan). **No official
  text listing all 168 names was available** to this project (the reference folder cites the
  count and the regional groups only). Shipped: the count and, as known members, the groups whose
  city lists are written in official documents — the 28 cities of 京津冀大气污染传输通道
  ("2+26", 环大气〔2017〕29号《京津冀及周边地区2017年大气污染防治工作方案》) and the 11 cities of
  汾渭平原 (国发〔2018〕22号《打赢蓝天保卫战三年行动计划》). A rank within the 168 is therefore
  taken only from a statistics table that itself holds 168 cities including these members.
- ``339``: all prefecture-level and larger cities, 2021 (S28): the count only; a table of 339
  cities is taken as the set.
- ``shanxi-11``: the 11 prefecture-level cities of Shanxi (山西省行政区划; the same 11 cities
  as CNEMC's Shanxi stations and the aqistudy files in tests/data).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CitySet:
    """A ranked set of cities.

    members: the cities when the whole list is known (``complete``), else the cited known part;
    count: how many cities the set has (``None`` = as many as the table holds);
    source: the document that sets it, in zh-CN.
    """

    code: str
    name: str
    members: tuple[str, ...]
    count: int | None
    complete: bool
    source: str


#: Beijing, Tianjin and the 26 cities of the Beijing–Tianjin–Hebei transmission channel (“2+26”).
JJJ_2_26 = (
    "北京",
    "天津",
    *("石家庄", "唐山", "廊坊", "保定", "沧州", "衡水", "邢台", "邯郸"),
    *("太原", "阳泉", "长治", "晋城"),
    *("济南", "淄博", "济宁", "德州", "聊城", "滨州", "菏泽"),
    *("郑州", "开封", "安阳", "鹤壁", "新乡", "焦作", "濮阳"),
)
#: The 11 cities of the Fenwei Plain (汾渭平原).
FENWEI_11 = (
    *("晋中", "运城", "临汾", "吕梁"),
    *("洛阳", "三门峡"),
    *("西安", "铜川", "宝鸡", "咸阳", "渭南"),
)
#: The 11 prefecture-level cities of Shanxi.
SHANXI_11 = (
    "太原",
    "大同",
    "阳泉",
    "长治",
    "晋城",
    "朔州",
    "晋中",
    "运城",
    "忻州",
    "临汾",
    "吕梁",
)

#: The city sets a ranking can be restricted to, by code (``168``, ``339``, ``shanxi-11``).
CITY_SETS: dict[str, CitySet] = {
    "168": CitySet(
        "168",
        "全国168个重点城市",
        JJJ_2_26 + FENWEI_11,
        168,
        False,
        "中国环境监测总站2021年7月全国城市空气质量报告（168个重点城市）；已知成员：环大气〔2017〕29号"
        "“2+26”城市、国发〔2018〕22号汾渭平原11城市（完整名单未获官方文本）",
    ),
    "339": CitySet(
        "339",
        "全国339个地级及以上城市",
        (),
        339,
        False,
        "中国环境监测总站2021年7月全国城市空气质量报告（339个地级及以上城市）",
    ),
    "shanxi-11": CitySet(
        "shanxi-11", "山西省11个设区市", SHANXI_11, 11, True, "山西省行政区划（11个设区市）"
    ),
}

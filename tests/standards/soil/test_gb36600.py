"""GB 36600-2018 tables 1-2: every value at, just inside and just outside, for both land classes.
Values typed from the reference §6.3-6.4 (shared/reference/water-soil-standards.md)."""

from __future__ import annotations

import pytest

from envplan.standards.soil.gb36600 import TABLE_1, TABLE_2, construction_result

# name: (screen class 1, screen class 2, intervention class 1, intervention class 2)
TYPED = {
    "砷": (20, 60, 120, 140), "镉": (20, 65, 47, 172), "铬(六价)": (3.0, 5.7, 30, 78),
    "铜": (2000, 18000, 8000, 36000), "铅": (400, 800, 800, 2500), "汞": (8, 38, 33, 82),
    "镍": (150, 900, 600, 2000), "四氯化碳": (0.9, 2.8, 9, 36), "氯仿": (0.3, 0.9, 5, 10),
    "氯甲烷": (12, 37, 21, 120), "1,1-二氯乙烷": (3, 9, 20, 100), "1,2-二氯乙烷": (0.52, 5, 6, 21),
    "1,1-二氯乙烯": (12, 66, 40, 200), "顺-1,2-二氯乙烯": (66, 596, 200, 2000),
    "反-1,2-二氯乙烯": (10, 54, 31, 163), "二氯甲烷": (94, 616, 300, 2000),
    "1,2-二氯丙烷": (1, 5, 5, 47), "1,1,1,2-四氯乙烷": (2.6, 10, 26, 100),
    "1,1,2,2-四氯乙烷": (1.6, 6.8, 14, 50), "四氯乙烯": (11, 53, 34, 183),
    "1,1,1-三氯乙烷": (701, 840, 840, 840), "1,1,2-三氯乙烷": (0.6, 2.8, 5, 15),
    "三氯乙烯": (0.7, 2.8, 7, 20), "1,2,3-三氯丙烷": (0.05, 0.5, 0.5, 5),
    "氯乙烯": (0.12, 0.43, 1.2, 4.3), "苯": (1, 4, 10, 40), "氯苯": (68, 270, 200, 1000),
    "1,2-二氯苯": (560, 560, 560, 560), "1,4-二氯苯": (5.6, 20, 56, 200), "乙苯": (7.2, 28, 72, 280),
    "苯乙烯": (1290, 1290, 1290, 1290), "甲苯": (1200, 1200, 1200, 1200),
    "间二甲苯+对二甲苯": (163, 570, 500, 570), "邻二甲苯": (222, 640, 640, 640),
    "硝基苯": (34, 76, 190, 760), "苯胺": (92, 260, 211, 663), "2-氯酚": (250, 2256, 500, 4500),
    "苯并[a]蒽": (5.5, 15, 55, 151), "苯并[a]芘": (0.55, 1.5, 5.5, 15),
    "苯并[b]荧蒽": (5.5, 15, 55, 151), "苯并[k]荧蒽": (55, 151, 550, 1500),
    "䓛": (490, 1293, 4900, 12900), "二苯并[a,h]蒽": (0.55, 1.5, 5.5, 15),
    "茚并[1,2,3-cd]芘": (5.5, 15, 55, 151), "萘": (25, 70, 255, 700),
    "锑": (20, 180, 40, 360), "铍": (15, 29, 98, 290), "钴": (20, 70, 190, 350),
    "甲基汞": (5.0, 45, 10, 120), "钒": (165, 752, 330, 1500), "氰化物": (22, 135, 44, 270),
    "一溴二氯甲烷": (0.29, 1.2, 2.9, 12), "溴仿": (32, 103, 320, 1030),
    "二溴氯甲烷": (9.3, 33, 93, 330), "1,2-二溴乙烷": (0.07, 0.24, 0.7, 2.4),
    "六氯环戊二烯": (1.1, 5.2, 2.3, 10), "2,4-二硝基甲苯": (1.8, 5.2, 18, 52),
    "2,4-二氯酚": (117, 843, 234, 1690), "2,4,6-三氯酚": (39, 137, 78, 560),
    "2,4-二硝基酚": (78, 562, 156, 1130), "五氯酚": (1.1, 2.7, 12, 27),
    "邻苯二甲酸二(2-乙基己基)酯": (42, 121, 420, 1210), "邻苯二甲酸丁基苄酯": (312, 900, 3120, 9000),
    "邻苯二甲酸二正辛酯": (390, 2812, 800, 5700), "3,3'-二氯联苯胺": (1.3, 3.6, 13, 36),
    "阿特拉津": (2.6, 7.4, 26, 74), "氯丹": (2.0, 6.2, 20, 62), "p,p'-滴滴滴": (2.5, 7.1, 25, 71),
    "p,p'-滴滴伊": (2.0, 7.0, 20, 70), "滴滴涕": (2.0, 6.7, 21, 67), "敌敌畏": (1.8, 5.0, 18, 50),
    "乐果": (86, 619, 170, 1240), "硫丹": (234, 1687, 470, 3400), "七氯": (0.13, 0.37, 1.3, 3.7),
    "α-六六六": (0.09, 0.3, 0.9, 3), "β-六六六": (0.32, 0.92, 3.2, 9.2),
    "γ-六六六": (0.62, 1.9, 6.2, 19), "六氯苯": (0.33, 1.0, 3.3, 10), "灭蚁灵": (0.03, 0.09, 0.3, 0.9),
    "多氯联苯（总量）": (0.14, 0.38, 1.4, 3.8),
    "3,3',4,4',5-五氯联苯（PCB 126）": (4e-5, 1e-4, 4e-4, 1e-3),
    "3,3',4,4',5,5'-六氯联苯（PCB 169）": (1e-4, 4e-4, 1e-3, 4e-3),
    "二噁英类（总毒性当量）": (1e-5, 4e-5, 1e-4, 4e-4), "多溴联苯（总量）": (0.02, 0.06, 0.2, 0.6),
    "石油烃（C10-C40）": (826, 4500, 5000, 9000),
}  # fmt: skip


def test_table_sizes() -> None:
    assert len(TABLE_1) == 45
    assert len(TABLE_2) == 40
    assert len(TYPED) == 85


@pytest.mark.parametrize(("name", "values"), list(TYPED.items()))
@pytest.mark.parametrize("land_class", [1, 2])
def test_every_value(name: str, values: tuple[float, ...], land_class: int) -> None:
    screen, interv = (values[0], values[2]) if land_class == 1 else (values[1], values[3])
    probes = [screen * (1 - 1e-6), screen, interv, interv * (1 + 1e-6)]
    got = construction_result([name] * 4, probes, land_class).tolist()
    assert got[0] == 1 and got[1] == 1  # at or below screening
    # At the intervention value: not above it (2, or 1 where screening equals intervention).
    assert got[2] == (1 if interv == screen else 2)
    assert got[3] == 3
    if interv > screen:
        assert construction_result([name], [screen * (1 + 1e-6)], land_class).tolist() == [2]


def test_w6_examples() -> None:
    assert construction_result(["苯"], [2.0], 1).tolist() == [2]
    assert construction_result(["苯"], [2.0], 2).tolist() == [1]
    assert construction_result(["铅"], [900.0], 1).tolist() == [3]
    # Footnote ①: As 25 above screening 20 but within a local background of 25 → not managed.
    assert construction_result(["砷"], [25.0], 1, background=[25.0]).tolist() == [1]
    assert construction_result(["砷"], [25.0], 1, background=[22.0]).tolist() == [2]
    # The exemption is for As, Co, V only.
    assert construction_result(["苯"], [2.0], 1, background=[5.0]).tolist() == [2]


def test_unknown_item_and_class() -> None:
    assert construction_result(["不存在的物质"], [1.0], 1).tolist() == [0]
    with pytest.raises(ValueError):
        construction_result(["苯"], [1.0], 3)


def test_item_spellings() -> None:
    # Spellings seen in lab reports and in other transcriptions of the MEE PDF.
    got = construction_result(
        ["铬（六价）", "间-二甲苯+对-二甲苯", "苯并(a)芘", "3,3′-二氯联苯胺"],
        [3.1, 164, 0.56, 1.4],
        1,
    )
    assert got.tolist() == [2, 2, 2, 2]

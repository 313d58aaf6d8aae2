"""Target compliance of a section: its class against a target class.

Document: GB 3838-2002 clause 5.1 (评价结果应说明水质达标情况) and the 水十条 assessment practice that a
section meets its target when its class is equal to or better than the target class (reference
§1.1). Class codes: 1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ, 0 = not classed.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

_ROMAN: Final[dict[str, int]] = {
    "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5,
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5,
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
}  # fmt: skip

_LABEL = re.compile(r"^\s*(劣)?\s*(Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|III|II|IV|I|V|[1-5])\s*类?\s*$")


def parse_class_label(label: str) -> int | None:
    """Class code [–] of a written class ("Ⅲ类", "III类", "V", "劣Ⅴ类", "劣V") per GB 3838-2002
    clause 3; None when the text is not a class (e.g. "完成省定目标").

    Parameters
    ----------
    label
        A written class.

    Returns
    -------
    int or None
        Class code 1..6.
    """
    match = _LABEL.match(label.replace("Ⅲ", "Ⅲ"))
    if match is None:
        return None
    code = _ROMAN[match.group(2)]
    if match.group(1):
        return 6 if code == 5 else None
    return code


def target_met(water_class: ArrayLike, target_class: ArrayLike) -> NDArray[np.int8]:
    """Target compliance per GB 3838-2002 clause 5.1 (水质达标情况): 1 where the class code [–] is
    equal to or better than the target (达标), 0 where worse (不达标), −1 where either is unknown
    (class 0 or target 0/negative).

    Parameters
    ----------
    water_class
        Class codes 0..6.
    target_class
        Target class codes.

    Returns
    -------
    numpy.ndarray of int8
        1 met, 0 not met, −1 unknown.
    """
    achieved = np.asarray(water_class, dtype=np.int64)
    target = np.asarray(target_class, dtype=np.int64)
    known = (achieved > 0) & (target > 0)
    result: NDArray[np.int8] = np.where(known, (achieved <= target).astype(np.int8), -1).astype(
        np.int8
    )
    return result

"""Enterprise identifiers: the unified social credit code (统一社会信用代码).

Document: GB 32100-2015《法人和其他组织统一社会信用代码编码规则》, in force 2015-10-01.

- §4.1 (structure, 18 characters): 1 登记管理部门代码, 2 机构类别代码, 3–8 登记管理机关行政区划码
  (GB/T 2260, six digits), 9–17 主体标识码 (组织机构代码, GB 11714), 18 校验码.
- §4.2 / Table 1 (character set): digits 0–9 and the 21 capital letters without I, O, Z, S, V —
  31 characters, valued 0…30 in the order ``0123456789ABCDEFGHJKLMNPQRTUWXY``.
- §5 / Table 3 (check character): C18 = 31 − (Σ_{i=1..17} Ci·Wi mod 31) with the weights
  Wi = 3^(i−1) mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; a result of 31 is 0.

Outside the table: anything that is not exactly 18 characters of the set (after trimming and
upper-casing) is malformed; the function names the first reason in zh-CN.
"""

from __future__ import annotations

import numpy as np

#: The coding rule of the unified social credit code.
GB32100_DOCUMENT = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"
#: Characters of the code with their values 0…30 (GB 32100-2015 Table 1).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 表1, values 0…30
#: Weights of the first 17 characters for the check character (GB 32100-2015 Table 3).
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 表3
_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_CHARSET)}


def normalise_credit_code(raw: object) -> str:
    """Trimmed, upper-cased text of a cell (full-width characters folded to ASCII).

    Parameters
    ----------
    raw
        A cell value.

    Returns
    -------
    str
        The normalised text.
    """
    text = "" if raw is None else str(raw)
    folded = "".join(
        chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text.strip()
    )
    return folded.replace(" ", "").upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character (校验码) for the first 17 characters (GB 32100-2015 §5).

    Parameters
    ----------
    first17
        The first 17 characters of a unified social credit code.

    Returns
    -------
    str
        The check character.
    """
    values = np.array([_VALUE[c] for c in first17], dtype=np.int64)
    remainder = int(values @ np.array(CREDIT_CODE_WEIGHTS, dtype=np.int64)) % 31
    return CREDIT_CODE_CHARSET[(31 - remainder) % 31]


def credit_code_problem(code: str) -> str | None:
    """None if ``code`` is a well-formed unified social credit code, else the zh-CN reason.

    Parameters
    ----------
    code
        A normalised code (:func:`normalise_credit_code`).

    Returns
    -------
    str or None
        The reason, None when valid.
    """
    if len(code) != 18:
        return f"应为 18 位，实为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"含有不允许的字符 {'、'.join(bad)}（只允许数字和除 I、O、Z、S、V 外的大写字母）"
    if not code[2:8].isdigit():
        return f"第 3–8 位应为行政区划代码（6 位数字），实为 {code[2:8]}"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验码错误：第 18 位应为 {expected}，实为 {code[17]}（{GB32100_DOCUMENT} 第5章）"
    return None

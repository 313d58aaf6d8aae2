"""统一社会信用代码 check (GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》, clause 4-5).

18 characters from the 31-character set 0-9 A-H J-N P-R T-U W-Y (no I O Z S V); the 18th is the
check character: C18 = 31 - (Σ_{i=1..17} C_i × W_i mod 31), with weights W_i = 3^(i-1) mod 31
(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28); a result of 31 is written 0.
Used only until the plot registry links to the enterprise registry's own check.
"""

from __future__ import annotations

from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str | None:
    """None for a valid code, else a zh-CN reason [–]."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实为{len(code)}位"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return f"统一社会信用代码含非法字符：{''.join(bad)}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    if ALPHABET[check] != code[17]:
        return f"统一社会信用代码校验位错误（应为 {ALPHABET[check]}）"
    return None

"""Pure, vectorised implementations of the national standards (HJ 633, GB 3095, HJ 663, GB 3838, GB
15618, GB 36600). No I/O and no imports from the rest of envplan.
"""

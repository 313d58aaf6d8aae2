"""Ambient air quality standards (HJ 633, GB 3095, HJ 663, GB/T 8170, city ranking rules).

Pure and vectorised: functions take NumPy arrays or Polars frames and never do I/O. Every rule set
is data with its edition and effective dates (``rules``); computations record which set they used.
"""

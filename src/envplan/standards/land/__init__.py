"""Contaminated construction land: the plot lifecycle, the land-supply gate and the key supervised
units' deadlines as dated, cited data (pure, no I/O). Modules: :mod:`.lifecycle`, :mod:`.gate`,
:mod:`.key_units`.
"""

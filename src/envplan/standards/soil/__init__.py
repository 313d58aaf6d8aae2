"""Soil standards: GB 15618-2018 (farmland), farmland categories and safe-use rate, GB 36600-2018
(construction land). Modules: :mod:`.gb15618`, :mod:`.categories`, :mod:`.gb36600`.
"""

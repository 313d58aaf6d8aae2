"""Statistical analysis of monitoring series: pure functions on columns, no I/O.

Not national standards (those are in :mod:`envplan.standards`) but the analyses a bureau asks
for beside them: temporal variation (openair's ``timeVariation``), the Theil–Sen trend with its
interval and significance (openair's ``TheilSen``; Sen 1968), target projections, and
monitoring-data quality and fraud signals (the seed's air 保障(五): 严肃查处数据造假).

Every parameter that is an envplan choice rather than a document's rule is a field of a frozen
dataclass with its default documented in ``docs/analysis.md``.
"""

"""envplan — 城市污染防治行动计划运行平台 (pollution-prevention action-plan platform).

Layers, bottom to top (enforced by import-linter, see docs/architecture.md):

    standards → plan → monitoring | store → services → reports → web | cli
"""

__version__ = "0.1.0"

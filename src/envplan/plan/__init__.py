"""The plan registry: action plans as validated, versioned data (targets, measures, key tasks,
units, zones).
"""

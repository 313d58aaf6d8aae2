"""Monitoring-data readers: map each source layout onto canonical long tables stored as Parquet."""

"""Use cases that combine plan, monitoring data and records: assessment, supervision, dispatch."""

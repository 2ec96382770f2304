"""Synthetic data for demos, tests and benchmarks (never used by production paths)."""

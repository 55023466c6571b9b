"""Benchmarks, each printing its figures and the ratio to its reference."""

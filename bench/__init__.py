"""Benchmarks (never part of the test run); ``bench.settings`` serves them."""

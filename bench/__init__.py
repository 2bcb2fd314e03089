"""Benchmarks (not tests): upstream calls and time, next to their lower bounds."""

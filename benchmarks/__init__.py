"""Benchmarks (scripts, not tests): ``python -m benchmarks.repository``."""

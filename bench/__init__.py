"""Benchmarks: runnable commands that print numbers (speed goals live here, never in tests)."""

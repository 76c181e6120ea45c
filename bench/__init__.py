"""Benchmarks and the shared data generator (`bench.generate`)."""

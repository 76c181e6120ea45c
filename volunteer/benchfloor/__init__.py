"""The benchmark's floor: the cheapest request the app can serve (bench/bench_scan.py only)."""

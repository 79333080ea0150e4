"""Benchmarks: each runs in a throwaway database and prints one JSON line of figures."""

"""Developer tooling beside the product: benchmarks, the demo world, synthetic data and test clips."""

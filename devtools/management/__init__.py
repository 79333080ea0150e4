"""The developer commands (benchmarks, demo seeding), installed only in development and test settings."""

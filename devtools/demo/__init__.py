"""The demo world `make run` seeds: logins, creators and their videos, signals, analytics, a promotion."""

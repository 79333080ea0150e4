"""The feeds JSON API: feeds, signals and reports."""

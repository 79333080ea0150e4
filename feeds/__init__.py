"""Feeds: interaction signals, interest profiles, ranking and the feed pages and API."""

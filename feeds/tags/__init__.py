"""Hashtag pages: a hashtag's videos ranked for the viewer, its counts, related and trending hashtags, follows."""

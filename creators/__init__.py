"""Creators: profiles, follows, videos, the media pipeline, the studio and creator analytics."""

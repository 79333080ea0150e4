"""Search: videos, creators and hashtags by words, forgiving typos and accents, through each database's own engine."""

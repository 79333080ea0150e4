"""The creators JSON API: profiles, follows, topics and the studio's videos."""

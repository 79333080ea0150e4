"""Every hashtag in a caption links to its page; nothing else in a caption becomes markup."""

import pytest
from django.template import Context, Template

from creators.templatetags.hashtags import hashtag_links
from tests.tags.world import tagged_video


def test_each_hashtag_in_a_caption_links_to_its_page():
    assert hashtag_links("Brezn in #München with #Bread_2!") == (
        'Brezn in <a class="hashtag" href="/tag/m%C3%BCnchen">#München</a> with '
        '<a class="hashtag" href="/tag/bread_2">#Bread_2</a>!'
    )


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "<script>alert(1)</script> #ok",
            '&lt;script&gt;alert(1)&lt;/script&gt; <a class="hashtag" href="/tag/ok">#ok</a>',
        ),
        (
            '#"><img src=x onerror=alert(1)>',
            "#&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        ),
        (
            '#tag"><img src=x onerror=alert(1)>',
            '<a class="hashtag" href="/tag/tag">#tag</a>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
        ),
        # An entity's own '#' is never taken for a hashtag: the text is escaped piece by piece.
        ("it's #fun", 'it&#x27;s <a class="hashtag" href="/tag/fun">#fun</a>'),
        ("", ""),
        (None, ""),
    ],
)
def test_a_caption_stays_inert_text(caption, expected):
    assert hashtag_links(caption) == expected


@pytest.mark.django_db
def test_the_plain_watch_page_links_the_captions_hashtags(rf):
    """The watch page without the feeds' player (``creators`` alone) renders the caption the same way."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    video = tagged_video("munich", caption='Pretzels #munich <b>"bold"</b>')
    request = rf.get("/")
    request.user = AnonymousUser()
    body = render_to_string("creators/watch.html", {"video": video}, request=request)
    assert (
        '<p class="caption" data-testid="caption" translate="no">Pretzels <a class="hashtag" href="/tag/munich">#munich</a> '
        "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;</p>"
    ) in body


def test_the_filter_escapes_in_a_template():
    rendered = Template("{% load hashtags %}{{ caption|hashtag_links }}").render(
        Context({"caption": "<i>#a</i>"})
    )
    assert rendered == '&lt;i&gt;<a class="hashtag" href="/tag/a">#a</a>&lt;/i&gt;'

"""`make run`'s banner: printed once the site answers, so it is the last thing on the screen."""

import io
import socket
from urllib.parse import urlparse

from django.core.management import call_command


def test_the_banner_waits_for_the_site_then_prints_addresses_and_logins(live_server):
    port = urlparse(live_server.url).port
    out = io.StringIO()
    call_command("banner", port=port, timeout=20, exit=True, stdout=out)
    text = out.getvalue()
    assert f"Joyreel is up      http://127.0.0.1:{port}/" in text
    assert f"http://127.0.0.1:{port}/admin/" in text
    assert "viewer@joyreel.localhost" in text
    assert "joyreel-demo" in text


def test_a_site_that_never_answers_is_said_plainly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    out, err = io.StringIO(), io.StringIO()
    call_command("banner", port=port, timeout=1, exit=True, stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert f"The site did not answer on http://127.0.0.1:{port}/healthz" in err.getvalue()

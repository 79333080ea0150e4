"""Site pages, the health check, the API schema and docs, and the demo data command."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from platform import age
from platform.models import FamilyLink, ScreenTimeDay, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "guidelines", "signup", "login", "password_reset"])
def test_public_pages_render_with_the_mobile_viewport(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width' in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_fails_when_the_broker_is_unreachable(client, monkeypatch):
    from platform.celery import app

    connect = app.connection_for_write
    # Nothing listens on port 1: the same check against a broker that is down.
    monkeypatch.setattr(app, "connection_for_write", lambda: connect(url="redis://127.0.0.1:1/0"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_openapi_schema_lists_the_account_endpoints(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/feeds/for-you",
        "/api/v1/feeds/following",
        "/api/v1/feeds/local",
        "/api/v1/feeds/topics/{slug}",
        "/api/v1/signals",
        "/api/v1/studio/videos",
        "/api/v1/studio/videos/{public_id}/publish",
        "/api/v1/creators/{handle}/follow",
    ]:
        assert path in paths
    assert "201" in paths["/api/v1/auth/signup"]["post"]["responses"]


def test_api_docs_are_served_from_our_own_static_files(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert User.objects.count() == 8
    admin = User.objects.get(email="admin@joyreel.localhost")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("joyreel-demo")
    assert output.count("(created)") == 8
    assert output.count("(exists)") == 8
    assert "viewer@joyreel.localhost" in output
    teen = User.objects.get(email="teen@joyreel.localhost")
    assert teen.age_band == age.AgeBand.TEEN_13_15
    assert teen.is_private
    assert teen.is_restricted_mode
    assert FamilyLink.objects.get(teen=teen).parent.email == "parent@joyreel.localhost"
    assert ScreenTimeDay.objects.filter(user=teen).count() == 6
    reviewer = User.objects.get(email="reviewer@joyreel.localhost")
    assert list(reviewer.groups.values_list("name", flat=True)) == ["STEM reviewers"]
    assert not reviewer.is_superuser


def test_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_favicon_ico_leads_to_the_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_redoc_which_needs_the_internet_leads_to_the_offline_swagger_ui(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs/"
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert 'src="http' not in html
    assert 'href="http' not in html


def test_a_shared_video_link_has_a_preview_card(client):
    from tests.factories import published_video

    video = published_video(caption='Volcanoes <script>alert("x")</script> explained')
    html = client.get(f"/v/{video.public_id}/").content.decode()
    assert '<meta property="og:type" content="video.other">' in html
    assert f'<meta property="og:url" content="http://testserver/v/{video.public_id}/">' in html
    assert "og:title" in html
    assert "&lt;script&gt;" in html
    assert '<script>alert("x")' not in html

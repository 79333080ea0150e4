"""Everything under /api/ answers the API's one error shape (``{"detail", "code"}``), 404 and 405
included, with DEBUG on or off, whether a DRF view, a plain Django view or no view at all answered."""

import json
import secrets
import subprocess
import sys
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # drf-spectacular's own dependency; no stubs here
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from drf_spectacular.generators import SchemaGenerator

from creators import services
from creators.models import Appeal, CreatorProfile
from platform.views.errors import page_not_found, permission_denied
from tests.factories import UserFactory
from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def conforms(body: object, schema: dict[str, Any], name: str) -> bool:
    """Whether ``body`` is valid against the generated schema's component ``name`` (refs resolved)."""
    document = {"$ref": f"#/components/schemas/{name}", "components": schema["components"]}
    return bool(jsonschema.Draft7Validator(document).is_valid(body))


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/videos/not-a-uuid",
        "/api/v1/creators/no%20such%20handle",
        "/api/v2/feeds/for-you",
        "/api/",
        "/api",
    ],
)
def test_an_unmatched_api_path_is_the_json_404(client, debug, schema, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND
    assert conforms(response.json(), schema, "ApiError")
    assert conforms(response.json(), schema, "ApiErrorResponse")


def test_an_unmatched_api_path_is_the_json_404_for_every_method_and_without_a_csrf_token(debug):
    client = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/nothing-here", data={}, content_type="application/json")
        assert (method, response.status_code, response.json()) == (method, 404, NOT_FOUND)


def test_a_read_of_an_api_route_without_its_slash_still_redirects_to_it(client, debug):
    response = client.get("/api/v1/decisions?page_size=5")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/decisions/?page_size=5"
    assert client.post("/api/v1/decisions").json() == NOT_FOUND


# What each settings module answers, in a fresh interpreter: production (DEBUG off) needs its secrets.
SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
answers = {"debug": settings.DEBUG}
for method, path in (("get", "/api/v1/nothing-here"), ("delete", "/api/v1/videos/not-a-uuid"), ("post", "/api/redoc/")):
    response = getattr(client, method)(path, secure=True)
    answers[path] = [response.status_code, response["Content-Type"], json.loads(response.content)]
print(json.dumps(answers))
"""


@pytest.mark.processes
@pytest.mark.parametrize(
    ("module", "debug"),
    [
        ("platform.settings.local", "0"),
        ("platform.settings.local", "1"),
        ("platform.settings.production", "1"),
    ],
)
def test_every_settings_module_answers_the_api_shape(tmp_path, module, debug):
    env = {
        **clean_environ(),
        "PYTHONPATH": str(ROOT),  # the project's ``platform`` before the standard library's
        "DJANGO_SETTINGS_MODULE": module,
        "DJANGO_DEBUG": debug,
        "JOYREEL_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "STRIPE_SECRET_KEY": "sk_test_probe",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_probe",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}",
        "STRIPE_API_BASE": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # production ignores DJANGO_DEBUG; local takes it
    assert answers.pop("debug") is (module.endswith("local") and debug == "1")
    assert answers == {
        "/api/v1/nothing-here": [404, "application/json", NOT_FOUND],
        "/api/v1/videos/not-a-uuid": [404, "application/json", NOT_FOUND],
        "/api/redoc/": [
            405,
            "application/json",
            {"detail": 'Method "POST" not allowed.', "code": "method_not_allowed"},
        ],
    }


def test_pages_outside_the_api_keep_the_html_404(client):
    response = client.get("/no-such-page-at-all/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_drf_view_answers_405_in_the_error_shape(api_client, debug, schema):
    response = api_client.delete("/api/v1/regions?country=DE")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.', "code": "method_not_allowed"}
    assert conforms(response.json(), schema, "ApiError")


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_its_docs_answer_405_and_406_in_the_error_shape(client, path):
    refused = client.post(path)
    assert (refused.status_code, refused["Content-Type"]) == (405, "application/json")
    assert refused.json() == {"detail": 'Method "POST" not allowed.', "code": "method_not_allowed"}
    unacceptable = client.get(path, HTTP_ACCEPT="image/png")
    assert (unacceptable.status_code, unacceptable.json()["code"]) == (406, "not_acceptable")
    assert client.get(path).status_code == 200


def test_a_plain_django_view_under_the_api_answers_405_in_the_error_shape(debug, schema):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/redoc/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": 'Method "POST" not allowed.', "code": "method_not_allowed"}
    assert conforms(response.json(), schema, "ApiError")
    assert client.get("/api/redoc/").status_code == 302


def test_the_404_handler_answers_json_under_the_api_with_our_reason_only(schema):
    request = RequestFactory().get("/api/v1/anything")
    ours = page_not_found(request, Http404("No such video."))
    assert (ours.status_code, ours["Content-Type"]) == (404, "application/json")
    assert ours.content == b'{"detail": "No such video.", "code": "not_found"}'
    djangos = page_not_found(request, Http404("No Video matches the given query."))
    assert djangos.content == b'{"detail": "Not found.", "code": "not_found"}'


def test_the_403_handler_answers_json_under_the_api():
    request = RequestFactory().get("/api/v1/anything")
    response = permission_denied(request, PermissionDenied("Adults only."))
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")
    assert response.content == b'{"detail": "Adults only.", "code": "permission_denied"}'
    plain = permission_denied(request, None)
    assert plain.content == (
        b'{"detail": "You do not have permission to perform this action.", "code": "permission_denied"}'
    )


# --- the appeal's 400 (it was documented as {"detail"} and answered field errors) ----------------------


@pytest.fixture
def warned():
    moderator = UserFactory.create(is_staff=True, is_superuser=True)
    person = UserFactory.create()
    decision = services.decision_take(
        actor=moderator, action="warning", facts="What we found.", guideline="spam", account=person
    )
    return person, decision


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"statement": ["This field is required."], "codes": {"statement": ["required"]}}),
        (
            {"statement": "x" * 2001},
            {
                "statement": ["Ensure this field has no more than 2000 characters."],
                "codes": {"statement": ["max_length"]},
            },
        ),
        ({"statement": "   "}, {"detail": "Tell us why the decision is wrong.", "code": "invalid"}),
    ],
    ids=["missing", "too-long", "blank"],
)
def test_every_400_of_the_appeal_matches_its_documented_schema(api_client, warned, schema, body, expected):
    person, decision = warned
    api_client.force_authenticate(person)
    response = api_client.post(f"/api/v1/decisions/{decision.pk}/appeal", body, format="json")
    assert response.status_code == 400
    assert response.json() == expected
    documented = schema["paths"]["/api/v1/decisions/{decision_id}/appeal"]["post"]["responses"]["400"]
    assert documented["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiErrorResponse"
    }
    assert conforms(response.json(), schema, "ApiErrorResponse")
    assert Appeal.objects.count() == 0


def test_a_creator_profile_needs_its_handle_as_the_schema_says(api_client, schema):
    person = UserFactory.create()
    api_client.force_authenticate(person)
    response = api_client.post("/api/v1/studio/profile", {"display_name": "Ada"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"handle": ["This field is required."], "codes": {"handle": ["required"]}}
    assert conforms(response.json(), schema, "ApiFieldErrors")
    assert not CreatorProfile.objects.filter(user=person).exists()
    body = schema["paths"]["/api/v1/studio/profile"]["post"]["requestBody"]["content"]["application/json"]
    assert "handle" in schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]["required"]


@pytest.mark.parametrize("handle", [".ada", "ab", "a" * 31, "ad a"])
def test_a_handle_the_schema_forbids_is_refused_in_its_words(api_client, schema, handle):
    person = UserFactory.create()
    api_client.force_authenticate(person)
    response = api_client.post(
        "/api/v1/studio/profile", {"display_name": "Ada", "handle": handle}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["codes"]["handle"] in (["invalid"], ["max_length"])
    assert not CreatorProfile.objects.filter(user=person).exists()
    pattern = schema["components"]["schemas"]["CreatorCreateInputRequest"]["properties"]["handle"]["pattern"]
    assert not jsonschema.Draft7Validator({"type": "string", "pattern": pattern, "maxLength": 31}).is_valid(
        handle
    )


def test_a_handle_with_its_at_sign_is_taken(api_client):
    person = UserFactory.create()
    api_client.force_authenticate(person)
    response = api_client.post(
        "/api/v1/studio/profile", {"display_name": "Ada", "handle": "@ada.l"}, format="json"
    )
    assert response.status_code == 201
    assert CreatorProfile.objects.get(user=person).handle == "ada.l"


def test_an_account_country_must_be_a_country_and_may_be_blank(api_client, schema):
    person = UserFactory.create(country="DE")
    api_client.force_authenticate(person)
    fields = {"display_name": "Ada", "region": "", "is_private": False}
    refused = api_client.put("/api/v1/me", {**fields, "country": "XX"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "country": ['"XX" is not a valid choice.'],
        "codes": {"country": ["invalid_choice"]},
    }
    person.refresh_from_db()
    assert person.country == "DE"
    cleared = api_client.put("/api/v1/me", {**fields, "country": ""}, format="json")
    assert (cleared.status_code, cleared.json()["country"]) == (200, "")
    document = {"$ref": "#/components/schemas/UserOutput", "components": schema["components"]}
    assert jsonschema.Draft7Validator(document).is_valid(cleared.json())

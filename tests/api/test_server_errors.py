"""An unhandled error under /api/ answers the API's error shape (``{"detail", "code"}``), a page's the
site's plain 500 page, under every settings module (``platform.views.errors.server_error``)."""

import json
import secrets
import subprocess
import sys
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # drf-spectacular's own dependency; no stubs here
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from platform.views.errors import SERVER_ERROR
from tests.workers import ROOT, clean_environ

SERVER_ERROR_BODY = {"detail": SERVER_ERROR, "code": "server_error"}


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.urls("tests.api.raising_urls")
def test_an_unhandled_error_under_the_api_answers_the_error_shape(client):
    response = client.get("/api/v1/fails")
    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert response.json() == SERVER_ERROR_BODY
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    document = {"$ref": "#/components/schemas/ApiError", "components": schema["components"]}
    assert jsonschema.Draft7Validator(document).is_valid(response.json())


@pytest.mark.django_db
@pytest.mark.urls("tests.api.raising_urls")
def test_an_unhandled_error_on_a_page_answers_the_plain_500_page_without_a_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fails/")
    assert (response.status_code, response["Content-Type"]) == (500, "text/html; charset=utf-8")
    assert "<title>Something went wrong · Joyreel</title>" in response.content.decode()
    assert "A bug." not in response.content.decode()
    assert len(queries) == 0


# Each settings module in a fresh interpreter: production (DEBUG off) needs its secrets.
SETTINGS_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
client = Client(raise_request_exception=False)
answers = {}
with override_settings(ROOT_URLCONF="tests.api.raising_urls"):
    for path in ("/api/v1/fails", "/fails/"):
        response = client.get(path, secure=True)
        answers[path] = [response.status_code, response["Content-Type"], response.content.decode()]
print(json.dumps(answers))
"""


@pytest.mark.processes
@pytest.mark.parametrize(
    "module", ["platform.settings.local", "platform.settings.test", "platform.settings.production"]
)
def test_every_settings_module_answers_an_unhandled_error_in_the_api_shape(tmp_path, module):
    env = {
        **clean_environ(),
        "PYTHONPATH": str(ROOT),  # the project's ``platform`` before the standard library's
        "DJANGO_SETTINGS_MODULE": module,
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
    status, content_type, body = answers["/api/v1/fails"]
    assert (status, content_type, json.loads(body)) == (500, "application/json", SERVER_ERROR_BODY)
    status, content_type, body = answers["/fails/"]
    assert (status, content_type) == (500, "text/html; charset=utf-8")
    assert "Something went wrong on our side" in body

"""An API client's token is read once per request: the suspension middleware reads it (it must refuse a
suspended account before any view runs) and the API's authentication takes that row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _token_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "authtoken_token"' in query["sql"] for query in queries.captured_queries)


def test_a_token_request_reads_the_token_once_and_is_that_account(client):
    person = UserFactory.create(display_name="Tess Token")
    token = Token.objects.create(user=person)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/v1/me", headers={"Authorization": f"Token {token.key}"})
    assert answer.status_code == 200
    assert answer.json()["display_name"] == "Tess Token"
    assert _token_reads(queries) == 1


def test_a_signal_batch_with_a_token_reads_it_once(client):
    token = Token.objects.create(user=UserFactory.create())
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            "/api/v1/signals",
            {"events": []},
            content_type="application/json",
            headers={"Authorization": f"Token {token.key}"},
        )
    assert answer.status_code in (200, 202, 400), answer.content
    assert _token_reads(queries) == 1


@pytest.mark.parametrize("header", ["Token not-a-real-key", "Token "])
def test_an_unknown_token_is_refused_as_before(client, header):
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Token"


def test_a_deactivated_accounts_token_is_refused(client):
    person = UserFactory.create()
    token = Token.objects.create(user=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    answer = client.get("/api/v1/me", headers={"Authorization": f"Token {token.key}"})
    assert answer.status_code == 401
    assert answer.json()["detail"] == "User inactive or deleted."

"""Schemathesis reads the API's OpenAPI schema, generates requests for every operation and checks each
answer against it (no server error, only documented statuses, bodies and headers in their documented
shape, bad input refused, ...), as four people: an anonymous viewer, a creator, a business and a teen,
with all its checks and phases (the coverage phase for the people named in ``COVERAGE_SKIPS``).

It runs Schemathesis' own command line inside this process (click's runner) against ``live_server``, so the
test stays in no lane (tests/lanes.py) and prints the command's summary line. Each person's run has its own
database (``live_server`` flushes it after each test); logging out deletes the token every other request
carries, so it is left out of the shared runs and has its own run with a throwaway account. The failures
of the last run are written to ``$JOYREEL_VAR_DIR/schemathesis/<person>.txt`` (``settings.VAR_DIR``).
"""

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from drf_spectacular.generators import SchemaGenerator
from hypothesis.configuration import set_hypothesis_home_dir
from rest_framework.authtoken.models import Token
from schemathesis.cli import schemathesis

from creators.models import Video
from platform.models import User
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago, published_video

# Enough examples per operation to reach each one's refusals and its success; few enough that the four
# runs and the log-out one, coverage included, take under two minutes on two cores (90 s with -n 0, 60 s
# with -n 2 on a quiet machine).
MAX_EXAMPLES = 4
PHASES = "examples,fuzzing,stateful"
ALL_PHASES = "examples,coverage,fuzzing,stateful"
# The coverage phase sends every boundary of every field and every undeclared method: ~3,300 requests a
# person, twice the other phases of all four people together, and the same ones for each. It runs as
# the people whose requests get past each operation's 401/403/404 gate to its validation: a business for
# its area (which answers anyone else 404), a creator for the rest (accounts, feeds, signals, comments, the
# studio); the anonymous viewer and the teen meet the same validation behind those gates. Each one's run
# skips the coverage of the other's operations (the filter below, added to CONFIG for that run).
COVERAGE_SKIPS = {
    "creator": 'include-path-regex = "^/api/v1/business/"',
    "business": 'exclude-path-regex = "^/api/v1/business/"',
    "log-out": None,
}
SEED = 20261206
LOG_OUT = "/api/v1/auth/logout"
# Where the API's 400 for a schema-valid request is a rule no schema can state (with the reasons).
CONFIG = Path(__file__).with_name("schemathesis.toml")


def demo_world() -> None:
    """What a person meets in the demo: creators with published videos in topics, a draft."""
    for number in range(3):
        creator = CreatorFactory.create(handle=f"demo_{number}")
        published_video(owner=creator, topics=("comedy",))
        VideoFactory.create(owner=creator, state=Video.State.DRAFT, published_at=None)


def creator() -> User:
    profile = CreatorFactory.create(handle="the_creator")
    published_video(owner=profile, topics=("comedy",))
    return profile.user


def business() -> User:
    profile = CreatorFactory.create(
        handle="the_business", user=UserFactory.create(date_of_birth=born_years_ago(35))
    )
    BusinessFactory.create(creator=profile)
    return profile.user


def teen() -> User:
    return UserFactory.create(date_of_birth=born_years_ago(15))


PEOPLE: dict[str, Callable[[], User] | None] = {
    "anonymous": None,
    "creator": creator,
    "business": business,
    "teen": teen,
}


def run_schemathesis(base_url: str, *, person: str, token: str | None, options: list[str]) -> tuple[int, str]:
    """Schemathesis' command line against ``base_url`` with the schema this code generates; its exit code
    and its output."""
    folder = Path(settings.VAR_DIR) / "schemathesis"
    folder.mkdir(parents=True, exist_ok=True)
    schema_file = folder / f"schema-{person}.json"
    schema_file.write_text(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    config = folder / f"schemathesis-{person}.toml"
    config.write_text(CONFIG.read_text())
    if COVERAGE_SKIPS.get(person):
        with config.open("a") as extra:
            extra.write(f"\n[[operations]]\n{COVERAGE_SKIPS[person]}\nphases.coverage.enabled = false\n")
    phases = ALL_PHASES if person in COVERAGE_SKIPS else PHASES
    arguments = [
        "--config-file",
        str(config),
        "run",
        str(schema_file),
        "--url",
        base_url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--phases",
        phases,
        "--no-color",
        *options,
    ]
    if token:
        arguments += ["--header", f"Authorization: Token {token}"]
    # Schemathesis and Hypothesis keep their caches in the working directory: in ours, not the tree.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        set_hypothesis_home_dir(folder / ".hypothesis")
        result = CliRunner().invoke(schemathesis, arguments, catch_exceptions=False)
    (folder / f"{person}.txt").write_text(result.output)
    return result.exit_code, result.output


def summary_of(output: str) -> str:
    lines = [
        line
        for line in output.splitlines()
        if re.search(r"\d+ (passed|failed)|test cases|\(in [\d.]+s\)", line)
    ]
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def prompt_answers(monkeypatch):
    """The live server writes an answer's headers and its body in two sends; with Nagle's algorithm on,
    the body waits for the client's delayed ACK of the headers (~40 ms a request, most of a run's time).
    Each connection's handler reads this when it starts, so the running server picks it up."""
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("person", list(PEOPLE))
def test_the_api_answers_as_its_schema_says_for(person, live_server):
    demo_world()
    make = PEOPLE[person]
    token = Token.objects.create(user=make()).key if make else None
    exit_code, output = run_schemathesis(
        live_server.url, person=person, token=token, options=["--exclude-path", LOG_OUT]
    )
    print(summary_of(output))  # noqa: T201 - the run's summary line, shown with -s or on failure
    assert exit_code == 0, output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_logging_out_answers_as_the_schema_says(live_server):
    demo_world()
    token = Token.objects.create(user=UserFactory.create()).key
    exit_code, output = run_schemathesis(
        live_server.url, person="log-out", token=token, options=["--include-path", LOG_OUT]
    )
    print(summary_of(output))  # noqa: T201 - the run's summary line, shown with -s or on failure
    assert exit_code == 0, output
    assert not Token.objects.filter(key=token).exists()

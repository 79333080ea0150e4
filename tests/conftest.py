"""Fixtures shared by every test: factories, a clean media folder and a fast cache; the lanes' markers."""

import copy

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tests import lanes
from tests.clips import clips  # noqa: F401  (a session fixture shared by every folder)
from tests.factories import UserFactory
from tests.s3 import s3_media, s3_server  # noqa: F401  (the loopback S3 server, for every folder)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by the markers
def pytest_collection_modifyitems(items):
    lanes.mark_lanes(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A test in no lane runs (fixtures too) with process starts refused; see tests/lanes.py."""
    guard = lanes.guard(item)
    if guard is None:
        return (yield)
    with guard:
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    lanes.fail_report_of_refused(item, report)
    return report


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the sessions still open on it ended before it is dropped.

    The live server's request threads keep a client's keep-alive socket, and so their database
    connection (CONN_MAX_AGE), after the test; PostgreSQL refuses to drop a database in use."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in this process when they are enqueued (after commit), as the worker would."""
    from platform.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    """Every file under a media root, relative, sorted: what a test leaves on disk."""
    from pathlib import Path

    root = Path(root)
    return (
        sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
        if root.exists()
        else []
    )


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """Every test starts in the default language: one that rendered German (a request with
    Accept-Language: de activates it for the thread) leaves nothing behind for the next on this worker."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_feed_catalog():
    """Each test sees a catalog built from its own data."""
    from feeds.catalog import catalog_reset

    catalog_reset()
    yield
    catalog_reset()


@pytest.fixture(autouse=True)
def _fresh_promotion_snapshot():
    """Each test serves the promotions of its own data: the snapshot is kept per process, and one taken
    in an earlier test names promotions a flush has since removed."""
    from businesses.serving import slots

    slots.forget()
    yield
    slots.forget()


@pytest.fixture(autouse=True)
def _taxonomy_in_transactional_tests(request):
    """Transactional tests flush the database, data migrations included: put the topic taxonomy back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    importlib.import_module("creators.migrations.0002_seed_topics").seed(apps, None)


@pytest.fixture
def _test_database_settings_kept(settings, tmp_path):
    """For benchmark tests: the benchmark points the connection's TEST settings at its throwaway database
    (``devtools/bench/throwaway.py``); put them back. Its SQLite file goes to a folder of this test's own,
    never beside a developer's running benchmark."""
    settings.VAR_DIR = tmp_path
    kept = copy.deepcopy(connection.settings_dict.get("TEST", {}))
    yield
    connection.settings_dict["TEST"] = kept

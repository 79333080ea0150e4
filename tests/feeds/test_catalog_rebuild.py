"""The catalog rebuilt in the background never installs what is already out of date: a catalog forgotten
while it was being built stays forgotten, and a change marked meanwhile keeps it stale."""

import pytest
from django.db import connection

from feeds import catalog as catalog_module
from feeds.catalog import catalog_get, catalog_mark_stale, catalog_reset

pytestmark = pytest.mark.django_db


def _building(monkeypatch, during) -> list[bool]:
    """Builds that run ``during`` once built, as another thread's reset or change would meanwhile. The
    background build runs here, in the test's thread: its closing of the connection is left out."""
    real = catalog_module.build_catalog
    ran: list[bool] = []

    def build():
        built = real()
        during()
        ran.append(True)
        return built

    monkeypatch.setattr(catalog_module, "build_catalog", build)
    monkeypatch.setattr(connection, "close", lambda: None)
    return ran


def test_a_reset_during_a_background_build_keeps_the_catalog_forgotten(monkeypatch):
    ran = _building(monkeypatch, catalog_reset)
    catalog_module._rebuild_in_background()
    assert ran == [True]
    assert catalog_module._state["catalog"] is None
    assert catalog_module._state["building"] is False


def test_a_change_marked_during_a_build_leaves_the_new_catalog_stale(monkeypatch):
    ran = _building(monkeypatch, catalog_mark_stale)
    catalog_module._rebuild_in_background()
    assert ran == [True]
    assert catalog_module._state["catalog"] is not None
    assert catalog_module._state["stale"] is True
    monkeypatch.undo()
    catalog_reset()
    first = catalog_get()
    assert catalog_module._state["stale"] is False
    _building(monkeypatch, catalog_mark_stale)
    catalog_mark_stale()
    rebuilt = catalog_get()  # tests refresh in the request: a stale catalog is rebuilt, the mark kept
    assert rebuilt is not first
    assert catalog_module._state["stale"] is True

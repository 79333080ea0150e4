"""Migration feeds 0007: profiles written before one outcome per view keep a sensible interest."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from feeds.ranking import Weights
from feeds.ranking.scoring import Affinity

BEFORE, AFTER = (
    ("feeds", "0006_reports_on_accounts_and_decisions"),
    ("feeds", "0007_interest_outcome_per_view"),
)


@pytest.fixture
def back_to_the_latest():
    """The test database is shared by the tests that follow on this worker: whatever this test migrates
    back to, every app ends at its newest migration again (0009 added a column that 0007 lacks)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest")
def test_summed_weights_get_views_so_old_interests_are_not_all_at_the_ceiling():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("feeds", "InterestProfile")
    old.objects.create(viewer_key="a:old", weights={"t": {"1": 6.0, "2": 0.5}, "h": {"5": -3.0}, "c": {}})
    old.objects.create(viewer_key="a:new", weights={"t": {"1": 2.0}, "tv": {"1": 4.0}})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("feeds", "InterestProfile")

    converted = new.objects.get(viewer_key="a:old")
    assert converted.weights["tv"] == {"1": 6.0, "2": 1.0}
    assert converted.weights["hv"] == {"5": 3.0}
    assert converted.outcomes == {}
    rates = Affinity.of(Weights.from_json(converted.weights))
    assert rates.topics[1] == pytest.approx(6 / 7)  # strong, under the ceiling, above the weaker topic
    assert rates.topics[2] == pytest.approx(0.25)
    assert rates.hashtags[5] == pytest.approx(-0.75)
    untouched = new.objects.get(viewer_key="a:new")
    assert untouched.weights == {"t": {"1": 2.0}, "tv": {"1": 4.0}}  # already counted its views

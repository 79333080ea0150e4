"""``WatchedWord`` moved to ``creators`` (trust and safety) with its table and rows: only this app's state
forgets it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0004_user_time_zone_before"),
        ("creators", "0011_trust_models_moved_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WatchedWord")],
            database_operations=[],
        ),
    ]

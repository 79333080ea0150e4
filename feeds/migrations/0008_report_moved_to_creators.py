"""``Report`` moved to ``creators`` (trust and safety) with its table and rows: only this app's state forgets it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0007_interest_outcome_per_view"),
        ("creators", "0011_trust_models_moved_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Report")],
            database_operations=[],
        ),
    ]

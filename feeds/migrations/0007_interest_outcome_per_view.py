"""Interest profiles learn one outcome per view and read interest as outcome per view.

Profiles written before this kept only summed weights. Each summed weight is given as many views as its
size (at least one), so a profile reads as a strong but not saturated interest until new views refine it,
instead of every old weight hitting the ceiling at once."""

from django.db import migrations, models

VIEW_KEYS = (("t", "tv"), ("h", "hv"), ("c", "cv"))


def views_for_summed_weights(apps, schema_editor):
    InterestProfile = apps.get_model("feeds", "InterestProfile")
    batch = []
    for profile in InterestProfile.objects.only("pk", "weights").iterator(chunk_size=2000):
        weights = profile.weights or {}
        if any(views in weights for _, views in VIEW_KEYS):
            continue
        for gains, views in VIEW_KEYS:
            weights[views] = {key: round(max(1.0, abs(value)), 3) for key, value in weights.get(gains, {}).items()}
        profile.weights = weights
        batch.append(profile)
        if len(batch) >= 2000:
            InterestProfile.objects.bulk_update(batch, ["weights"])
            batch = []
    InterestProfile.objects.bulk_update(batch, ["weights"])


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0006_reports_on_accounts_and_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="interestprofile",
            name="outcomes",
            field=models.JSONField(
                blank=True, default=dict, help_text="The outcome credited so far to each recent view, by video id."
            ),
        ),
        migrations.RunPython(views_for_summed_weights, migrations.RunPython.noop),
    ]

"""InterestProfile.hidden_creators: the copy of the creators a viewer's feeds never show
(``feeds.hidden_creators``), filled for every profile whose user has a block or mute already."""

from django.db import migrations, models
from django.db.models import Q


def copy_hidden_creators(apps, schema_editor):
    InterestProfile = apps.get_model("feeds", "InterestProfile")
    CreatorProfile = apps.get_model("creators", "CreatorProfile")
    Block = apps.get_model("platform", "Block")
    Mute = apps.get_model("platform", "Mute")
    users = set(Block.objects.values_list("blocker_id", flat=True))
    users |= set(Block.objects.values_list("blocked_id", flat=True))
    users |= set(Mute.objects.values_list("muter_id", flat=True))
    for profile in InterestProfile.objects.filter(user_id__in=users).only("pk", "user_id"):
        user_id = profile.user_id
        hidden = set(Block.objects.filter(blocker_id=user_id).values_list("blocked_id", flat=True))
        hidden |= set(Block.objects.filter(blocked_id=user_id).values_list("blocker_id", flat=True))
        hidden |= set(Mute.objects.filter(muter_id=user_id).values_list("muted_id", flat=True))
        creators = sorted(CreatorProfile.objects.filter(Q(user_id__in=hidden)).values_list("pk", flat=True))
        InterestProfile.objects.filter(pk=profile.pk).update(hidden_creators=creators)


class Migration(migrations.Migration):
    dependencies = [
        ("feeds", "0014_search_listed"),
        ("creators", "0015_video_stream"),
        ("platform", "0006_notification_kind_comment"),
    ]

    operations = [
        migrations.AddField(
            model_name="interestprofile",
            name="hidden_creators",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Creators blocked either way or muted (creator profile ids).",
            ),
        ),
        migrations.RunPython(copy_hidden_creators, migrations.RunPython.noop),
    ]

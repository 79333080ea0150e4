"""The review queues' proxy models, the label permission, and the STEM and News reviewer groups.

A reviewer's group holds exactly what the topic review queue needs: to see and decide its rows
(the ``TopicReview`` proxy's own view/change permissions, so the staff's full video-topic admin stays
closed to them) and to label a video unverified. Which topic each group reviews is ``REVIEWER_GROUPS``
in ``creators.admin_review``."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "STEM reviewers": ["view_topicreview", "change_topicreview", "label_unverified"],
    "News reviewers": ["view_topicreview", "change_topicreview", "label_unverified"],
}


def groups_create(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
    config = apps.get_app_config("creators")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="creators", codename__in=codenames)
        assert permissions.count() == len(codenames), name
        group.permissions.set(permissions)


def groups_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0008_decisions_and_appeals"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewProfile",
            fields=[],
            options={
                "verbose_name": "bio under review",
                "verbose_name_plural": "review queue: bios",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("creators.creatorprofile",),
        ),
        migrations.CreateModel(
            name="ReviewVideo",
            fields=[],
            options={
                "verbose_name": "video under review",
                "verbose_name_plural": "review queue: videos",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("creators.video",),
        ),
        migrations.CreateModel(
            name="TopicReview",
            fields=[],
            options={
                "verbose_name": "topic review",
                "verbose_name_plural": "topic review queue",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("creators.videotopic",),
        ),
        migrations.AlterModelOptions(
            name="video",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("label_unverified", "Can label a video as containing unverified claims")],
            },
        ),
        migrations.RunPython(groups_create, groups_delete),
    ]

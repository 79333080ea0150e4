"""Reports (from ``feeds``) and watched words (from ``platform``) join trust and safety in this app.

Only Django's idea of where the models live changes: the tables keep their names (``feeds_report``,
``platform_watchedword``) and their rows, so the database is not touched. The content types follow the
models, so the moderators' permissions and the admin's log entries keep pointing at them. The old apps'
migrations drop the models from their state after this one."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = [("feeds", "report"), ("platform", "watchedword")]


def content_types_move(apps, schema_editor, *, to_old_app=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVED:
        source, target = ("creators", old_app) if to_old_app else (old_app, "creators")
        # A content type already made for the new place (nothing can point at it yet) would block the move.
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, to_old_app=True)


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0010_upload_session_s3_parts"),
        ("feeds", "0007_interest_outcome_per_view"),
        ("platform", "0004_user_time_zone_before"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='WatchedWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phrase', models.CharField(help_text='Matched as whole words, ignoring case.', max_length=100, unique=True)),
                        ('note', models.CharField(blank=True, help_text='Why it is watched (staff only).', max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'platform_watchedword',
                        'ordering': ['phrase'],
                    },
                ),
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('viewer_key', models.CharField(max_length=40)),
                        ('reason', models.CharField(choices=[('spam', 'Spam or scam'), ('misinformation', 'False information'), ('harassment', 'Harassment or hate'), ('dangerous', 'Dangerous acts'), ('sexual', 'Sexual content'), ('minor_safety', 'Child safety'), ('other', 'Something else')], max_length=20)),
                        ('detail', models.CharField(blank=True, max_length=500)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved'), ('dismissed', 'Dismissed')], default='open', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports', to='creators.decision')),
                        ('profile', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='creators.creatorprofile')),
                        ('reporter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('video', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='creators.video')),
                    ],
                    options={
                        'db_table': 'feeds_report',
                        'indexes': [models.Index(fields=['status', '-created_at'], name='report_queue')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('video__isnull', False)), fields=('video', 'viewer_key'), name='report_once_per_viewer'), models.UniqueConstraint(condition=models.Q(('profile__isnull', False)), fields=('profile', 'viewer_key'), name='report_profile_once_per_viewer'), models.CheckConstraint(condition=models.Q(models.Q(('video__isnull', False), ('profile__isnull', True)), models.Q(('video__isnull', True), ('profile__isnull', False)), _connector='OR'), name='report_one_target')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]

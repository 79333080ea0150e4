"""A viewer's "not for me" creators, kept out of the ranked feeds for a while."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feeds', '0008_report_moved_to_creators'),
    ]

    operations = [
        migrations.AddField(
            model_name='interestprofile',
            name='not_for_me',
            field=models.JSONField(blank=True, default=dict, help_text='When the viewer last said "not for me" to each creator (creator id: unix seconds).'),
        ),
    ]

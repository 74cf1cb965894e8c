"""Names the admin shows: "event log entries" (not "event log"), "connected", "ended", "succeeded".

Verbose names only: nothing changes in the database.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blocksstate", "0003_browser_hash_index_drop_session_key"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="eventlog",
            options={
                "ordering": ["-started_at", "-id"],
                "verbose_name": "event log entry",
                "verbose_name_plural": "event log entries",
            },
        ),
        migrations.AlterField(
            model_name="eventlog",
            name="ok",
            field=models.BooleanField(default=True, verbose_name="succeeded"),
        ),
        migrations.AlterField(
            model_name="eventlog",
            name="started_at",
            field=models.DateTimeField(verbose_name="started"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="closed_reason",
            field=models.CharField(blank=True, max_length=100, verbose_name="ended because"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="connected_at",
            field=models.DateTimeField(verbose_name="connected"),
        ),
        migrations.AlterField(
            model_name="livesession",
            name="last_seen_at",
            field=models.DateTimeField(verbose_name="last seen"),
        ),
    ]

"""Replace the Django session key of recorded sessions by a keyed hash of it (issue 14.1).

The key logged in as the visitor to whoever replayed it as the ``sessionid``
cookie, and any staff user who could view live sessions could read it. Here each
stored key becomes its hash; the next migration drops the key's column. They are
two migrations because PostgreSQL refuses to alter a table in the transaction
that just updated its rows.
"""

from django.db import migrations, models

from blocksstate.activity.describe import browser_hash

BATCH = 1000


def hash_session_keys(apps, schema_editor):
    sessions = apps.get_model("blocksstate", "LiveSession").objects.db_manager(
        schema_editor.connection.alias
    )
    rows = sessions.exclude(django_session_key="")
    batch = []
    for row in rows.only("pk", "django_session_key").iterator(chunk_size=BATCH):
        row.browser_hash = browser_hash(row.django_session_key)
        batch.append(row)
        if len(batch) == BATCH:
            sessions.bulk_update(batch, ["browser_hash"])
            batch = []
    sessions.bulk_update(batch, ["browser_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("blocksstate", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="livesession",
            name="browser_hash",
            field=models.CharField(
                blank=True,
                help_text="A keyed hash of the visitor's Django session key: the same for the "
                "sessions of one browser until it logs in or out. Not a credential.",
                max_length=64,
                verbose_name="browser",
            ),
        ),
        # Backwards, the keys cannot come back: the column returns empty (next migration).
        migrations.RunPython(hash_session_keys, migrations.RunPython.noop, elidable=True),
    ]

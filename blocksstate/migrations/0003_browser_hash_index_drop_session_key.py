"""Drop the Django session key of recorded sessions (0002 kept a keyed hash of it); index the hash.

Issue 14.1: a migration of its own, as PostgreSQL refuses to alter a table in
the transaction that updated its rows (0002).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blocksstate", "0002_livesession_browser_hash"),
    ]

    operations = [
        migrations.RemoveField(model_name="livesession", name="django_session_key"),
        migrations.AddIndex(
            model_name="livesession",
            index=models.Index(fields=["browser_hash"], name="bs_session_browser"),
        ),
    ]

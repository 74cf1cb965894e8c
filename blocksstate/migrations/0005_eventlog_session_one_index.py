"""The event log's session column loses its own index: ``bs_event_session_started`` starts
with the session, so it serves every lookup by session (the admin's, the cascade's), and
each event written updates one index fewer.

The index is dropped by name, found by introspection, rather than through ``AlterField``:
on SQLite that would copy the whole event log into a new table.
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMN = "session_id"


def _own_indexes(schema_editor, model):
    """The names of the plain indexes on the session column alone (Django's, any name)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in constraints.items()
        if info["columns"] == [COLUMN]
        and info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and not info.get("foreign_key")
    ]


def drop_index(apps, schema_editor):
    model = apps.get_model("blocksstate", "EventLog")
    for name in _own_indexes(schema_editor, model):
        schema_editor.remove_index(model, models.Index(fields=["session"], name=name))


def add_index(apps, schema_editor):
    model = apps.get_model("blocksstate", "EventLog")
    if not _own_indexes(schema_editor, model):
        schema_editor.add_index(model, models.Index(fields=["session"], name="bs_event_session"))


class Migration(migrations.Migration):
    dependencies = [
        ("blocksstate", "0004_readable_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="eventlog",
                    name="session",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="blocksstate.livesession",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, add_index)],
        ),
    ]

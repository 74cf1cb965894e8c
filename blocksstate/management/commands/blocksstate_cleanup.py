"""``manage.py blocksstate_cleanup``: remove old session records of the admin, and the
stored files of sessions that are gone."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocksstate.activity import purge
from blocksstate.conf import setting
from blocksstate.files.cleanup import delete_orphans


class Command(BaseCommand):
    help = (
        "Remove recorded sessions that ended (or were last seen) more than "
        "BLOCKSSTATE['RETENTION_DAYS'] days ago, and event log entries older than that; "
        "delete the stored files of sessions no longer in the session store whose newest "
        "file is older than their app's delete_cache age."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=float,
            default=None,
            help="Keep this many days instead of BLOCKSSTATE['RETENTION_DAYS'].",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be removed, and remove nothing.",
        )

    def handle(self, *args: Any, days: float | None, dry_run: bool, **options: Any) -> None:
        days = setting("RETENTION_DAYS") if days is None else days
        if days < 0:
            raise CommandError("--days must not be negative")
        sessions, events = purge(days=days, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {sessions} session(s) and {events} event log entr"
            f"{'y' if events == 1 else 'ies'} older than {days:g} day(s)."
        )
        orphans = async_to_sync(delete_orphans)(dry_run=dry_run)
        self.stdout.write(
            f"{verb} the files of {len(orphans.owners)} ended session(s) ({orphans.files} file(s))."
        )

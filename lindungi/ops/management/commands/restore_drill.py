"""Restore a backup into a scratch database and prove it equal to what was backed up: row counts of
every table, checksums of the key tables, and the audit chains verified on the copy. Exit status 1
with every difference listed otherwise. The live database is not touched."""

from django.core.management.base import BaseCommand, CommandError

from lindungi.ops.backup import BackupError, restore_drill


class Command(BaseCommand):
    help = "Restore a backup into a scratch database and compare it with the backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="backup file written by manage.py backup")
        parser.add_argument("--manifest", help="manifest (default: <file>.manifest.json)")

    def handle(self, *args, source, manifest=None, **options):
        try:
            result = restore_drill(source, manifest)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            self.stdout.write(problem)
        if not result.ok:
            raise CommandError(f"restore drill failed: {len(result.problems)} difference(s).")
        self.stdout.write(self.style.SUCCESS(
            f"Restore drill passed: {result.tables} tables, {result.rows} rows, audit chains intact."))

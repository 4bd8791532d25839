"""Back up the database into a directory: the dump (SQLite file or pg_dump custom format) and its
manifest (row counts, key-table checksums, audit chain heads) for ``restore_drill``."""

from django.core.management.base import BaseCommand, CommandError

from lindungi.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) with a manifest for the restore drill."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="directory to write the backup into")

    def handle(self, *args, output, **options):
        try:
            target, manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{target}\n{manifest}")

"""Delete the files of expired exports (the worker also does this after each export)."""

from django.core.management.base import BaseCommand

from lindungi.exports.services import export_purge_expired


class Command(BaseCommand):
    help = "Delete the files of expired exports; the job records stay."

    def handle(self, *args, **options):
        self.stdout.write(f"{export_purge_expired()} expired export file(s) deleted.")

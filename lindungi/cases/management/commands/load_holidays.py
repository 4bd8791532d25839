"""Add Indonesian public holidays and collective leave (cuti bersama) for more years from the
``holidays`` package; days already in the table (perhaps corrected by hand) are left alone."""

from django.core.management.base import BaseCommand

from lindungi.cases.services import holidays_load


class Command(BaseCommand):
    help = "Load Indonesian public holidays and collective leave days for the given years."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, **options):
        added = holidays_load(years=options["years"])
        self.stdout.write(f"{added} day(s) added.")

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from lindungi.reference.loading import load_all


class Command(BaseCommand):
    help = (
        "Load (upsert by code) the reference data shipped in lindungi/reference/data/: provinces, regencies "
        "(with retired codes), countries, occupations, organisational units and their coverage. Never deletes. "
        "Villages (about 84,000 rows) only with --villages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", action="store_true", help="Also load desa/kelurahan (villages.csv.gz).")

    def handle(self, *args, villages: bool = False, **options):
        started = time.monotonic()
        with transaction.atomic():
            results = load_all(lambda name: apps.get_model("reference", name), villages=villages)
        for name, result in results.items():
            total = apps.get_model("reference", _MODELS[name]).objects.count()
            self.stdout.write(f"{name}: {result} ({total} in the database)")
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded in {time.monotonic() - started:.1f} s."))


_MODELS = {
    "provinces": "Province",
    "regencies": "Regency",
    "countries": "Country",
    "occupations": "Occupation",
    "org_units": "OrgUnit",
    "unit_coverage": "UnitCoverage",
    "villages": "Village",
}

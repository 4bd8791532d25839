"""Import migration records from a CSV or XLSX file on the server, synchronously, with a progress
line: foreign employers and agencies, P3MI with their licence history, or user accounts (central
administrators). See ``lindungi/imports/records.py``."""

from lindungi.imports.management.commands.import_persons import Command as ImportPersonsCommand
from lindungi.imports.records import IMPORTERS


class Command(ImportPersonsCommand):
    help = ("Import foreign employers and agencies (--kind foreign_parties), P3MI with their licence history "
            "(--kind agencies) or user accounts (--kind users) from a CSV or XLSX file. Safe to run again "
            "(records already on file are skipped); --resume continues an interrupted batch.")
    existing_label = "already on record"
    offers_historical = False
    hidden_options = ()

    def command_name(self) -> str:
        return "import_records"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=sorted(IMPORTERS), help="what the file holds")

    def handle(self, *args, **options):
        self.kind = options["kind"]
        return super().handle(*args, **options)

    def batch_options(self, options) -> dict:
        return {"kind": options["kind"]}

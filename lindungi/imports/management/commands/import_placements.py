"""Import placements (and their checklist items) from a CSV or XLSX file on the server,
synchronously, with a progress line. See ``lindungi/imports/placements.py`` for the two modes."""

from lindungi.imports.management.commands.import_persons import Command as ImportPersonsCommand
from lindungi.imports.models import ImportBatch


class Command(ImportPersonsCommand):
    help = ("Import placements from a CSV or XLSX file. --mode new (default) registers new placements through the "
            "normal services; --mode historical (central administrators) migrates records in the state and with "
            "the dates they were recorded in, in bulk. Safe to run again (rows already imported are skipped); "
            "--resume continues an interrupted batch after its last committed line. The people must be "
            "registered first (import_persons).")
    kind = ImportBatch.Kind.PLACEMENTS
    existing_label = "already imported"
    offers_historical = False

    def command_name(self) -> str:
        return "import_placements"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--mode", choices=ImportBatch.Mode.values, default=ImportBatch.Mode.NEW,
                            help="new: through the services, state registered; historical: migration "
                                 "(default %(default)s)")

    def batch_options(self, options) -> dict:
        return {"kind": self.kind, "mode": options["mode"]}

"""Import people from a CSV or XLSX file on the server, synchronously, with a progress line."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lindungi.common.errors import DomainError
from lindungi.imports import persons, reports, selectors, services
from lindungi.imports.models import ImportBatch


class Command(BaseCommand):
    help = ("Import people from a CSV or XLSX file. Safe to run again (a NIK already on record is skipped); "
            "--resume continues an interrupted batch after its last committed line.")
    # Subclasses (import_placements) change these.
    kind = ImportBatch.Kind.PERSONS
    existing_label = "already registered"
    hidden_options = ("kind",)  # batch options the "continue with" hint leaves out
    offers_historical = True

    def batch_options(self, options) -> dict:
        """Extra arguments for ``import_batch_create``."""
        if options.get("historical"):
            return {"kind": self.kind, "mode": ImportBatch.Mode.HISTORICAL}
        return {"kind": self.kind}

    def command_name(self) -> str:
        return "import_persons"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file")
        parser.add_argument("--user", required=True, help="username the import is recorded under")
        parser.add_argument("--chunk", type=int, default=persons.DEFAULT_CHUNK_SIZE,
                            help="rows per transaction (default %(default)s)")
        parser.add_argument("--resume", type=int, metavar="BATCH_ID",
                            help="continue this batch instead of starting a new one")
        parser.add_argument("--errors", metavar="CSV_PATH", help="also write the error report to this file")
        parser.add_argument("--no-progress", action="store_true", help="do not print the progress line")
        if self.offers_historical:
            parser.add_argument("--historical", action="store_true",
                                help="migration of people from the old system (central administrators): facts it "
                                     "lacks are recorded as unknown, region codes valid on the record's date kept")

    def handle(self, *args, path, user, chunk, resume, errors, no_progress, **options):
        name = self.command_name()
        again = f"manage.py {name} {path} --user {user}" + "".join(
            " --historical" if key == "mode" and self.offers_historical else f" --{key} {value}"
            for key, value in self.batch_options(options).items() if key not in self.hidden_options)
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Unknown user {user!r}.")
        if chunk < 1:
            raise CommandError("--chunk must be at least 1.")
        try:
            if resume:
                batch = selectors.import_batch_get_for(
                    actor, ImportBatch.objects.filter(pk=resume).values_list("public_id", flat=True).first())
                if batch.kind != self.kind:
                    raise CommandError(f"Batch {batch.pk} is not a {self.kind} import.")
                if batch.status == ImportBatch.Status.DONE:
                    self.stderr.write(f"Batch {batch.pk} is already finished.")
            else:
                batch = services.import_batch_create(actor=actor, path=path, via="command",
                                                     **self.batch_options(options))
        except DomainError as exc:
            detail = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
            raise CommandError(detail)

        started = time.monotonic()
        done_before = batch.processed_rows
        show = not no_progress

        def progress(current: ImportBatch) -> None:
            if not show:
                return
            elapsed = max(time.monotonic() - started, 1e-6)
            rate = (current.processed_rows - done_before) / elapsed
            expected = current.expected_rows
            if expected:
                share = min(1.0, current.processed_rows / expected)
                bar = "#" * int(share * 30)
                head = f"[{bar:<30}] {share:6.1%} "
            else:
                head = ""
            self.stderr.write(f"\r{head}{current.processed_rows:,} rows · {current.imported_rows:,} imported · "
                              f"{current.existing_rows:,} {self.existing_label} · {current.error_rows:,} with errors · "
                              f"{rate:,.0f} rows/s ", ending="")
            self.stderr.flush()

        self.stderr.write(f"Batch {batch.pk} ({batch.public_id}): {batch.filename}")
        try:
            batch = services.import_batch_run(batch_id=batch.pk, chunk_size=chunk, on_progress=progress,
                                             takeover=bool(resume))
        except KeyboardInterrupt:
            if show:
                self.stderr.write("")
            raise CommandError(f"Interrupted. Continue with: {again} --resume {batch.pk}")
        if show:
            self.stderr.write("")
        elapsed = max(time.monotonic() - started, 1e-6)
        rows = batch.processed_rows - done_before
        if errors and batch.error_rows:
            _batch, report_rows = selectors.import_error_report_for(actor, batch.public_id, via="command")
            with open(errors, "w", encoding="utf-8", newline="") as out:
                for piece in reports.error_report_csv(report_rows):
                    out.write(piece)
        summary = (f"imported {batch.imported_rows:,}, {self.existing_label} {batch.existing_rows:,}, "
                   f"errors {batch.error_rows:,}, {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s")
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"{batch.message}\n{summary}\nContinue with: {again} --resume {batch.pk}")
        self.stdout.write(summary)
        if batch.error_rows and not errors:
            self.stdout.write(f"Rows with errors are listed at /imports/{batch.public_id}/ "
                              f"(or pass --errors report.csv).")

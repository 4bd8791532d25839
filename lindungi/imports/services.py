"""Writes of the imports app: receiving a file, running a batch, queueing it for the worker."""

import hashlib
import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.permissions import require_perm
from lindungi.accounts.roles import Role
from lindungi.agencies.perms import AGENCY_WRITE
from lindungi.audit.services import audit_record, diff
from lindungi.common.bulk import bulk_write_session
from lindungi.common.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lindungi.common.workers import ClaimLost, Heartbeat, new_claim, stale_running
from lindungi.imports import files, persons, records
from lindungi.imports import placements as placement_rows
from lindungi.imports.mappings import source_key
from lindungi.imports.models import ImportBatch, ValueMapping
from lindungi.imports.perms import IMPORT_MAPPINGS, IMPORT_RUN
from lindungi.placements.perms import PLACEMENT_WRITE
from lindungi.registry.perms import PERSON_WRITE

logger = logging.getLogger(__name__)

_READ_BLOCK = 1024 * 1024
# A running batch that has committed nothing for this long is taken to be interrupted (worker killed).


def _check_kind(kind: str, mode: str) -> tuple[str, str]:
    """The (kind, mode) pair a batch is stored with; ``mode`` is for placements (new / historical)
    and people (empty / historical) only. The web form's single choice is accepted too:
    ``placements_new``, ``placements_historical`` and ``persons_historical``."""
    kind = (kind or ImportBatch.Kind.PERSONS).strip().lower()
    mode = (mode or "").strip().lower()
    for value in ImportBatch.Mode.values:
        if kind == f"{ImportBatch.Kind.PLACEMENTS}_{value}" and mode in ("", value):
            kind, mode = ImportBatch.Kind.PLACEMENTS, value
    historical = ImportBatch.Mode.HISTORICAL
    if kind == f"{ImportBatch.Kind.PERSONS}_{historical}" and mode in ("", historical):
        kind, mode = ImportBatch.Kind.PERSONS, historical
    if kind not in ImportBatch.Kind.values:
        raise ValidationFailed.from_fields({"kind": _("Unknown import kind. Allowed: %(k)s.")
                                            % {"k": ", ".join(ImportBatch.Kind.values)}})
    if kind == ImportBatch.Kind.PERSONS:
        if mode not in ("", ImportBatch.Mode.HISTORICAL):
            raise ValidationFailed.from_fields({"mode": _("People are imported as new registrations (no mode) or "
                                                          "with mode historical.")})
        return kind, mode
    if kind != ImportBatch.Kind.PLACEMENTS:
        if mode:
            raise ValidationFailed.from_fields({"mode": _("A mode is only given for people and placement imports.")})
        return kind, ""
    mode = mode or ImportBatch.Mode.NEW
    if mode not in ImportBatch.Mode.values:
        raise ValidationFailed.from_fields({"mode": _("Unknown mode. Allowed: %(m)s.")
                                            % {"m": ", ".join(ImportBatch.Mode.values)}})
    return kind, mode


def require_import(actor, kind: str, mode: str = "") -> None:
    """Who may import what: people and new placements need the import permission and the domain's
    write permission (``person_bulk_create`` and ``placement_bulk_create`` check it again);
    historical placements are for central administrators only."""
    require_perm(actor, IMPORT_RUN, _("You are not allowed to import data."))
    if kind == ImportBatch.Kind.PERSONS:
        require_perm(actor, PERSON_WRITE, _("You are not allowed to import data."))
        if mode == ImportBatch.Mode.HISTORICAL and actor.role != Role.ADMIN:
            raise PermissionDenied(_("Only central administrators may import historical people."))
    if kind in (ImportBatch.Kind.FOREIGN_PARTIES, ImportBatch.Kind.AGENCIES):
        require_perm(actor, AGENCY_WRITE, _("Only central administrators may import P3MI and foreign parties."))
    if kind == ImportBatch.Kind.USERS and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only central administrators may import user accounts."))
    if kind == ImportBatch.Kind.PLACEMENTS:
        require_perm(actor, PLACEMENT_WRITE, _("You are not allowed to import data."))
        if mode == ImportBatch.Mode.HISTORICAL and actor.role != Role.ADMIN:
            raise PermissionDenied(_("Only central administrators may import historical placements."))


IMPORT_TYPES = (
    # (form value, label) for the upload form; historical placements only for central administrators.
    ("persons", ImportBatch.Kind.PERSONS.label),
    ("persons_historical", gettext_lazy("People (historical)")),
    ("placements_new", gettext_lazy("Placements (new)")),
    ("placements_historical", gettext_lazy("Placements (historical)")),
    *((kind.value, kind.label) for kind in (ImportBatch.Kind.FOREIGN_PARTIES, ImportBatch.Kind.AGENCIES,
                                            ImportBatch.Kind.USERS)),
)


def import_types_for(actor) -> list[tuple[str, str]]:
    """The import types the actor may start, for the upload form."""
    out = []
    for value, label in IMPORT_TYPES:
        kind, mode = _check_kind(value, "")
        try:
            require_import(actor, kind, mode)
        except PermissionDenied:
            continue
        out.append((value, label))
    return out


def _header_mapper(kind: str, mode: str = ""):
    if kind in records.IMPORTERS:
        return records.IMPORTERS[kind].header_mapper()
    if kind == ImportBatch.Kind.PLACEMENTS:
        return placement_rows.map_placement_header
    return persons.header_mapper(mode == ImportBatch.Mode.HISTORICAL)


def _digest(binary) -> tuple[str, int, int, bool]:
    """sha256, size, newline count and whether the last byte is a newline, in one streaming pass."""
    sha, size, newlines, last = hashlib.sha256(), 0, 0, b""
    binary.seek(0)
    while block := binary.read(_READ_BLOCK):
        sha.update(block)
        size += len(block)
        newlines += block.count(b"\n")
        last = block[-1:]
    binary.seek(0)
    return sha.hexdigest(), size, newlines, last == b"\n"


def import_batch_create(
    *, actor, uploaded_file=None, path: str | os.PathLike | None = None, filename: str = "",
    kind: str = ImportBatch.Kind.PERSONS, mode: str = "", via: str = "web",
) -> ImportBatch:
    """Receive a file (an upload, or a server-side path for the command), check its columns and
    record a queued batch. Nothing is imported yet: see ``import_batch_run``.

    ``kind`` is ``persons`` or ``placements``; placements take a ``mode``, ``new`` (default) or
    ``historical`` (central administrators only)."""
    require_perm(actor, IMPORT_RUN, _("You are not allowed to import data."))
    kind, mode = _check_kind(kind, mode)
    require_import(actor, kind, mode)
    if (uploaded_file is None) == (path is None):
        raise ValueError("Give either uploaded_file or path.")
    filename = os.path.basename(filename or (uploaded_file.name if uploaded_file is not None else str(path)))
    fmt = persons.file_format(filename)
    if fmt is None:
        raise ValidationFailed.from_fields({"file": _("Only .csv and .xlsx files can be imported.")})

    if path is not None:
        path = Path(path).resolve()
        if not path.is_file():
            raise ValidationFailed.from_fields({"file": _("File not found: %(path)s") % {"path": path}})
        handle = open(path, "rb")
    else:
        handle = uploaded_file
    try:
        if uploaded_file is not None and uploaded_file.size is not None:
            files.check_size(uploaded_file.size)  # before reading it at all
        sha256, size, newlines, ends_with_newline = _digest(handle)
        if size == 0:
            raise ValidationFailed.from_fields({"file": _("The file is empty.")})
        files.check_size(size)
        expected = persons.inspect_file(handle, fmt, mapper=_header_mapper(kind, mode))
        if fmt == "csv":
            expected = max(0, newlines + (0 if ends_with_newline else 1) - 1)
        handle.seek(0)
        batch = ImportBatch(kind=kind, mode=mode, filename=filename[:255], sha256=sha256, via=via,
                            expected_rows=expected,
                            created_by=actor, file_path=str(path) if path is not None else "",
                            language=translation.get_language() or settings.LANGUAGE_CODE)
        with transaction.atomic():
            if uploaded_file is not None:
                batch.file.save(get_valid_filename(filename) or f"import.{fmt}", handle, save=False)
            batch.save()
            audit_record(actor=actor, action="import.started", obj=batch, via=via,
                         changes={"filename": [None, batch.filename], "sha256": [None, sha256],
                                  "size": [None, size], "kind": [None, kind], "mode": [None, mode]})
    finally:
        if path is not None:
            handle.close()
    return batch


def import_batch_enqueue(*, batch: ImportBatch) -> None:
    """Hand the batch to the background worker once the surrounding transaction has committed."""
    from lindungi.imports.tasks import run_import

    batch_id = batch.pk
    transaction.on_commit(lambda: run_import.enqueue(batch_id))


@contextmanager
def _open_source(batch: ImportBatch):
    if batch.file:
        batch.file.open("rb")
        try:
            yield batch.file
        finally:
            batch.file.close()
    else:
        with open(batch.file_path, "rb") as handle:
            yield handle


def _same_file(batch: ImportBatch, handle) -> bool:
    sha256, *_rest = _digest(handle)
    return sha256 == batch.sha256


def import_batch_resume(*, actor, batch: ImportBatch, via: str = "web") -> ImportBatch:
    """Queue a failed or interrupted batch again; it continues after its last committed line."""
    require_import(actor, batch.kind, batch.mode)
    if batch.created_by_id != actor.pk and not actor.is_national:
        raise PermissionDenied(_("Only the person who started this import can resume it."))
    with transaction.atomic():
        claimed = (ImportBatch.objects.filter(pk=batch.pk)
                   .filter(models.Q(status=ImportBatch.Status.FAILED)
                           | models.Q(stale_running(), status=ImportBatch.Status.RUNNING))
                   .update(status=ImportBatch.Status.QUEUED, claim="", message="", updated_at=timezone.now()))
        if not claimed:
            raise Conflict(_("Only a failed or interrupted import can be resumed."))
        audit_record(actor=actor, action="import.resumed", obj=batch, via=via,
                     changes={"status": [batch.status, ImportBatch.Status.QUEUED]},
                     reason=f"after line {batch.last_line_done}")
        import_batch_enqueue(batch=batch)
    batch.refresh_from_db()
    return batch


def import_batch_run(
    *, batch_id: int, chunk_size: int = persons.DEFAULT_CHUNK_SIZE,
    on_progress: Callable[[ImportBatch], None] | None = None, takeover: bool = False,
) -> ImportBatch:
    """Import the batch's file from its resume point. Safe to call again after an interruption or a
    failure: committed chunks are kept and skipped, and a finished batch is left alone.

    A batch another process is running is left alone too, unless ``takeover`` (the command's
    ``--resume``, for a worker that died without marking its batch)."""
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Import not found."))
    startable = [ImportBatch.Status.QUEUED, ImportBatch.Status.FAILED]
    if takeover:
        startable.append(ImportBatch.Status.RUNNING)
    now, claim = timezone.now(), new_claim()
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=startable).update(
        status=ImportBatch.Status.RUNNING, message="", finished_at=None, updated_at=now,
        started_at=batch.started_at or now, claim=claim, heartbeat_at=now)
    if not claimed:
        return batch  # finished, or running elsewhere
    batch.status, batch.message, batch.finished_at = ImportBatch.Status.RUNNING, "", None
    batch.started_at, batch.claim, batch.heartbeat_at = batch.started_at or now, claim, now
    with translation.override(batch.language or settings.LANGUAGE_CODE), Heartbeat(ImportBatch, batch.pk, claim):
        return _run(batch, chunk_size=chunk_size, on_progress=on_progress)


def import_recover_stale() -> list[int]:
    """Requeue every running batch whose worker stopped beating its heartbeat (killed, machine
    restarted): it continues after its last committed chunk, under a new claim, so nothing committed
    is lost and the dead worker's claim can write nothing more."""
    taken = []
    for batch in ImportBatch.objects.filter(stale_running(), status=ImportBatch.Status.RUNNING):
        with transaction.atomic():
            requeued = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING,
                                                  claim=batch.claim).filter(stale_running()).update(
                status=ImportBatch.Status.QUEUED, claim="", updated_at=timezone.now())
            if not requeued:
                continue
            audit_record(actor=None, action="import.taken_over", obj=batch, via="worker",
                         changes={"status": [ImportBatch.Status.RUNNING, ImportBatch.Status.QUEUED]},
                         reason=f"no heartbeat since {batch.heartbeat_at or batch.updated_at:%Y-%m-%d %H:%M:%S}; "
                                f"continues after line {batch.last_line_done}")
            import_batch_enqueue(batch=batch)
        taken.append(batch.pk)
    return taken


def _importer_class(batch: ImportBatch):
    if batch.kind in records.IMPORTERS:
        return records.IMPORTERS[batch.kind]
    return placement_rows.PlacementImporter if batch.kind == ImportBatch.Kind.PLACEMENTS else persons.PersonImporter


def _run(batch: ImportBatch, *, chunk_size: int, on_progress) -> ImportBatch:
    try:
        require_import(batch.created_by, batch.kind, batch.mode)
        with _open_source(batch) as handle:
            if batch.last_line_done and not _same_file(batch, handle):
                raise ValidationFailed.from_fields({"file": _(
                    "The file has changed since this import started, so it cannot be resumed. "
                    "Start a new import instead.")})
            handle.seek(0)
            with bulk_write_session():
                _importer_class(batch)(batch, chunk_size=chunk_size, on_progress=on_progress).run(
                    handle, persons.file_format(batch.filename))
    except ClaimLost:
        return batch  # another worker took the batch over; it carries on from the last commit
    except BaseException as exc:
        if isinstance(exc, DomainError):
            message = exc.message
        else:
            logger.exception("Import batch %s stopped", batch.pk)
            message = _("The import stopped after line %(line)d (%(error)s). Nothing before that line is lost; "
                        "start it again to continue.") % {"line": batch.last_line_done,
                                                          "error": str(exc) or type(exc).__name__}
        _finish(batch, ImportBatch.Status.FAILED, message)
        if not isinstance(exc, Exception):
            raise  # KeyboardInterrupt, SystemExit: recorded above, then let them through
        return batch
    if batch.kind != ImportBatch.Kind.PERSONS:
        summary = _("%(imported)d imported, %(existing)d already imported before, %(errors)d rows with errors.")
    else:
        summary = _("%(imported)d imported, %(existing)d already registered, %(errors)d rows with errors.")
    _finish(batch, ImportBatch.Status.DONE, summary % {
        "imported": batch.imported_rows, "existing": batch.existing_rows, "errors": batch.error_rows})
    return batch


def _finish(batch: ImportBatch, status: str, message: str) -> None:
    now = timezone.now()
    batch.status, batch.message, batch.finished_at = status, message, now
    with transaction.atomic():
        if not ImportBatch.objects.filter(pk=batch.pk, claim=batch.claim).update(
                status=status, message=message, finished_at=now, updated_at=now):
            return  # taken over meanwhile: the new worker reports the outcome
        audit_record(actor=batch.created_by, action="import.finished" if status == ImportBatch.Status.DONE
                     else "import.failed", obj=batch, via="import",
                     changes={"status": [ImportBatch.Status.RUNNING, status],
                              "imported_rows": [None, batch.imported_rows],
                              "existing_rows": [None, batch.existing_rows],
                              "error_rows": [None, batch.error_rows]},
                     reason=message if status == ImportBatch.Status.FAILED else "")


# --- the mapping table ----------------------------------------------------------------------------

def _mapping_target(kind: str, target: str, errors: dict) -> str:
    """The target code, normalised, if it names a code of its kind here."""
    from lindungi.placements.models import Scheme
    from lindungi.reference.models import Country, Occupation, Regency

    code = (target or "").strip()
    if not code:
        errors.setdefault("target", []).append(_("This field is required."))
        return ""
    if kind == ValueMapping.Kind.OCCUPATION:
        code = code.zfill(4) if code.isdigit() and len(code) < 4 else code
        found = Occupation.objects.filter(isco_code=code).exists()
        message = _("Unknown ISCO-08 occupation code %(c)s.")
    elif kind == ValueMapping.Kind.REGENCY:
        code = code.replace(".", "")
        found = Regency.objects.filter(code=code).exists()
        message = _("Unknown regency/city code %(c)s.")
    elif kind == ValueMapping.Kind.SCHEME:
        code = code.lower()
        found = Scheme.objects.filter(code=code).exists()
        message = _("Unknown scheme %(c)s.")
    else:
        code = code.upper()
        found = Country.objects.filter(iso2=code).exists()
        message = _("Unknown country code %(c)s.")
    if not found:
        errors.setdefault("target", []).append(message % {"c": code})
    return code


def _mapping_snapshot(mapping: ValueMapping) -> dict:
    return {"kind": mapping.kind, "source": mapping.source, "target": mapping.target, "note": mapping.note}


def value_mapping_check(*, kind: str, source: str, target: str, note: str = "",
                        mapping_id: int | None = None) -> tuple[str, str, str, str, str]:
    """The entry's values normalised (kind, source, source key, target, note), or ``ValidationFailed``."""
    errors: dict[str, list[str]] = {}
    kind = (kind or "").strip()
    if kind not in ValueMapping.Kind.values:
        errors.setdefault("kind", []).append(_("Choose one of: %(c)s.") % {"c": ", ".join(ValueMapping.Kind.values)})
    source = " ".join((source or "").split())
    key = source_key(source)
    if not key:
        errors.setdefault("source", []).append(_("This field is required."))
    elif len(source) > 200:
        errors.setdefault("source", []).append(_("At most %(n)d characters.") % {"n": 200})
    note = " ".join((note or "").split())[:255]
    if kind in ValueMapping.Kind.values:
        target = _mapping_target(kind, target, errors)
    if not errors and mapping_id is not None and \
            ValueMapping.objects.filter(kind=kind, source_key=key).exclude(pk=mapping_id).exists():
        errors.setdefault("source", []).append(_("This value already has a mapping of this kind."))
    if errors:
        raise ValidationFailed.from_fields(errors)
    return kind, source, key, target, note


def value_mapping_save(*, actor, kind: str, source: str, target: str, note: str = "", via: str = "web",
                       mapping_id: int | None = None) -> ValueMapping:
    """Add an entry to the mapping table, or change the one for the same kind and source (or
    ``mapping_id``). The imports apply it from their next batch on."""
    require_perm(actor, IMPORT_MAPPINGS, _("Only central administrators may edit the mapping table."))
    kind, source, key, target, note = value_mapping_check(kind=kind, source=source, target=target, note=note,
                                                          mapping_id=mapping_id)
    with transaction.atomic():
        if mapping_id is not None:
            mapping = ValueMapping.objects.select_for_update().filter(pk=mapping_id).first()
            if mapping is None:
                raise NotFound(_("Mapping not found."))
        else:
            mapping = ValueMapping.objects.select_for_update().filter(kind=kind, source_key=key).first()
        old = _mapping_snapshot(mapping) if mapping is not None else {}
        if mapping is None:
            mapping = ValueMapping(kind=kind)
        mapping.kind, mapping.source, mapping.source_key, mapping.target, mapping.note = kind, source, key, target, note
        mapping.updated_by = actor
        changes = diff(old, _mapping_snapshot(mapping))
        if not changes:
            return mapping
        mapping.save()
        audit_record(actor=actor, action="import.mapping_updated" if old else "import.mapping_created", obj=mapping,
                     via=via, changes=changes)
    return mapping


def value_mapping_delete(*, actor, mapping_id: int, via: str = "web") -> None:
    require_perm(actor, IMPORT_MAPPINGS, _("Only central administrators may edit the mapping table."))
    with transaction.atomic():
        mapping = ValueMapping.objects.select_for_update().filter(pk=mapping_id).first()
        if mapping is None:
            raise NotFound(_("Mapping not found."))
        audit_record(actor=actor, action="import.mapping_deleted", obj=mapping, via=via,
                     changes=diff(_mapping_snapshot(mapping), {}))
        mapping.delete()

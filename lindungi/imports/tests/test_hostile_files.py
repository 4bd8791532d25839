"""Files that used to hurt: each was reproduced against a running instance (issue #7, "Uploads") and
is refused with a message on the ``file`` field, or imported correctly, before it can occupy a
worker or its memory."""

import io
import time
import zipfile

import pytest
from django.utils import translation

from lindungi.common.errors import ValidationFailed
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import csv_bytes, row, upload, xlsx_bytes
from lindungi.registry.models import Person


def create(actor, content: bytes, name: str):
    with translation.override("en"):
        return services.import_batch_create(actor=actor, uploaded_file=upload(content, name), via="web")


def refused(actor, content: bytes, name: str) -> str:
    with pytest.raises(ValidationFailed) as exc:
        create(actor, content, name)
    assert ImportBatch.objects.count() == 0
    return exc.value.fields["file"][0]


def run(actor, content: bytes, name: str = "people.csv") -> ImportBatch:
    return services.import_batch_run(batch_id=create(actor, content, name).pk)


def replace_part(workbook: bytes, name: str, content: bytes) -> bytes:
    """The workbook with part ``name`` replaced (or added), deflated."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    message = refused(admin_user, csv_bytes([row(1)]) + b"x" * (1024 * 1024), "people.csv")
    assert "at most 1 MB" in message


def test_shared_strings_holding_one_huge_string_are_refused_unparsed(admin_user):
    """300 KB on disk, hundreds of MB once unpacked into one string: openpyxl would build it."""
    huge = b"<sst><si><t>" + b"A" * (60 * 1024 * 1024) + b"</t></si></sst>"
    bomb = replace_part(xlsx_bytes([row(1)]), "xl/sharedStrings.xml", huge)
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    message = refused(admin_user, bomb, "people.xlsx")
    assert "longer than 32,767 characters" in message
    assert time.perf_counter() - started < 5


def test_a_workbook_unpacking_beyond_the_limit_is_refused(admin_user, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1  # unpacked at most 30 MB
    padding = b"<x/>" * (8 * 1024 * 1024)  # 32 MB of small tags, a few KB packed
    bomb = replace_part(xlsx_bytes([row(1)]), "docProps/app.xml", padding)
    assert "unpacks to" in refused(admin_user, bomb, "people.xlsx")


def test_an_unsized_sheet_is_not_counted_in_the_request(admin_user):
    """No <dimension>: the upload estimates nothing rather than reading every row to count them."""
    workbook = xlsx_bytes([row(n) for n in range(1, 4)])
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    unsized = sheet[:start] + sheet[sheet.index(b"/>", start) + 2:]
    batch = create(admin_user, replace_part(workbook, "xl/worksheets/sheet1.xml", unsized), "people.xlsx")
    assert batch.expected_rows == 0
    assert services.import_batch_run(batch_id=batch.pk).imported_rows == 3


def test_a_cell_over_the_csv_modules_limit_is_a_row_error_not_a_failed_file(admin_user):
    rows = [row(1), row(2, address="Jl. " + "panjang " * 20_000), row(3)]
    batch = run(admin_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.DONE
    assert batch.imported_rows == 2 and batch.error_rows == 1
    error = ImportRowError.objects.get(batch=batch)
    assert error.line == 3 and error.field == "address" and len(error.value) <= 255


def test_latin_1_after_the_first_64_kb_is_read_right(admin_user):
    padding = [row(n, address="Jl. Raya " + "x" * 200) for n in range(1, 400)]  # > 64 KB of plain ASCII
    content = csv_bytes([*padding, row(400, address="Jl. Café No. 1")], encoding="cp1252")
    assert content.index("é".encode("cp1252")) > 65536
    batch = run(admin_user, content)
    assert batch.imported_rows == 400, list(ImportRowError.objects.values_list("field", "message")[:3])
    assert Person.objects.get(address="Jl. Café No. 1")
    assert not Person.objects.filter(address__contains="\ufffd").exists()


def test_utf_16_with_its_byte_order_mark_is_read(admin_user):
    content = csv_bytes([row(1, address="Jl. Melati Putih")], encoding="utf-16")
    assert content[:2] in (b"\xff\xfe", b"\xfe\xff")
    batch = run(admin_user, content)
    assert batch.imported_rows == 1
    assert Person.objects.get().address == "Jl. Melati Putih"


def test_bytes_no_encoding_reads_are_refused_not_replaced(admin_user):
    content = csv_bytes([row(1)]) + b"\x81\x8d\x8f\x90\x9d\xff\xfe"  # invalid UTF-8, undefined in cp1252
    assert "cannot be read" in refused(admin_user, content, "people.csv")

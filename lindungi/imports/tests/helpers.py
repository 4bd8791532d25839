import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.registry.nik import nik_for

HEADER = ["nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "education",
          "marital_status", "passport_number", "passport_office", "passport_issue_date", "passport_expiry_date"]


def nik(n: int, *, regency_code: str = "3201", sex: str = "F", birth_date: date = date(1990, 1, 2)) -> str:
    return nik_for(regency_code=regency_code, district="01", birth_date=birth_date, sex=sex, sequence=n)


def row(n: int, **over) -> dict:
    data = {
        "nik": nik(n), "full_name": "Siti Aminah", "sex": "F", "birth_date": "1990-01-02", "birth_place": "Bogor",
        "address": "Jl. Raya Cibinong No. 1", "regency_code": "3201", "education": "sma",
        "marital_status": "single", "passport_number": "", "passport_office": "", "passport_issue_date": "",
        "passport_expiry_date": "",
    }
    data.update(over)
    return data


def with_passport(data: dict, number: str) -> dict:
    return {**data, "passport_number": number, "passport_office": "Kantor Imigrasi Bogor",
            "passport_issue_date": "2024-01-10", "passport_expiry_date": "2034-01-10"}


def _cells(r) -> list:
    """A dict keyed by the canonical names gives its values in HEADER order; a list is taken as is."""
    if r is None:
        return []
    if isinstance(r, dict):
        return [r.get(h, "") for h in HEADER]
    return list(r)


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow(_cells(r))
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(_cells(r))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def mixed_rows() -> list:
    """Lines 2.. of a file with good and bad rows; see EXPECTED_ERRORS."""
    return [
        row(1),                                                     # 2 good, woman (day + 40 matches)
        row(2, nik=nik(2)[:15]),                                    # 3 NIK of 15 digits
        row(3, nik="32010142019A0003"),                             # 4 letters in NIK
        row(4, regency_code="9999"),                                # 5 unknown regency
        row(5, birth_date="31-02-1990"),                            # 6 date that does not exist
        row(6, nik=nik(6, sex="M"), sex="M", full_name="Budi Santoso"),  # 7 good, man
        row(7, nik=nik(1)),                                         # 8 same NIK as line 2
        with_passport(row(8), "C1234567"),                          # 9 good with passport
        with_passport(row(9), "C1234567"),                          # 10 passport repeated
        None,                                                       # 11 blank line: ignored
        row(10, sex="perempuan", birth_date="02/01/1990", education="SLTA",
            marital_status="belum kawin"),                          # 12 good, Indonesian spellings
    ]


EXPECTED_ERRORS = {(3, "nik"), (4, "nik"), (5, "regency_code"), (6, "birth_date"), (8, "nik"),
                   (10, "passport_number")}
EXPECTED_IMPORTED_NIKS = {nik(1), nik(6, sex="M"), nik(8), nik(10)}

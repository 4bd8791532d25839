"""What an uploaded file must be before anything parses it, and how its text is decoded.

An import file comes from outside: a spreadsheet program, an old system's export, or someone
testing the limits. These checks run on the raw bytes, in C-speed passes, before openpyxl or the
csv module sees the file, so a hostile file is refused with a clear message instead of occupying a
web worker or its memory:

- **size**: at most ``IMPORT_MAX_UPLOAD_MB`` (default 100 MB);
- **XLSX container**: a real zip whose parts, unpacked, stay below 30 times the size limit, and
  whose XML holds no text run longer than a spreadsheet cell can hold (32,767 characters, Excel's
  own limit): a 300 KB workbook whose shared strings unpack to one 300 MB string is refused here,
  where openpyxl would have built that string in memory;
- **CSV text**: the whole file is decoded, not its first 64 KB: UTF-8 (with or without BOM) when
  every byte of it is valid UTF-8, UTF-16 when it starts with a UTF-16 byte-order mark, otherwise
  Windows-1252 (what spreadsheet programs on Indonesian Windows installations write as "CSV"). No
  character is ever replaced: a file that fits none of these is refused.
"""

import codecs
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from lindungi.common.errors import ValidationFailed

EXCEL_CELL_MAX = 32_767  # characters; Excel refuses longer cells, so a longer one was not typed there
# UTF-8 takes at most 4 bytes a character, and entities (&amp;) lengthen escaped text: a generous bound.
_LONGEST_TEXT_BYTES = EXCEL_CELL_MAX * 6
_LONG_TEXT = re.compile(rb"[^<]{%d,}" % (_LONGEST_TEXT_BYTES + 1))
_UNPACKED_FACTOR = 30
_BLOCK = 1 << 20


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_MB", 100)) * 1024 * 1024


def refuse(message: str) -> ValidationFailed:
    return ValidationFailed.from_fields({"file": message})


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise refuse(_("The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it into "
                       "several files.") % {"size": round(size / 1024 / 1024, 1), "limit": limit // 1024 // 1024})


def check_xlsx_container(binary) -> None:
    """Refuse a workbook that would unpack into more than the parser can safely hold."""
    binary.seek(0)
    try:
        with zipfile.ZipFile(binary) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > max_upload_bytes() * _UNPACKED_FACTOR:
                raise refuse(_("The workbook unpacks to %(size)s MB, more than can be imported at once.")
                             % {"size": unpacked // 1024 // 1024})
            for part in parts:
                if part.filename.endswith(".xml") and not _text_runs_fit(archive, part):
                    raise refuse(_("The workbook holds a cell longer than %(n)s characters, which no spreadsheet "
                                   "program writes. Check the file.") % {"n": f"{EXCEL_CELL_MAX:,}"})
    except zipfile.BadZipFile:
        raise refuse(_("The file is not a readable XLSX workbook."))
    finally:
        binary.seek(0)


def _text_runs_fit(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """No run of bytes without a ``<`` (text between two tags) longer than any cell can be."""
    if part.file_size <= _LONGEST_TEXT_BYTES:
        return True
    run = 0  # bytes since the last "<", carried over from earlier blocks
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK):
            first = block.find(b"<")
            if first == -1:
                run += len(block)
            else:
                if run + first > _LONGEST_TEXT_BYTES or _LONG_TEXT.search(block, first):
                    return False
                run = len(block) - block.rfind(b"<") - 1
            if run > _LONGEST_TEXT_BYTES:
                return False
    return True


def csv_encoding(binary) -> str:
    """The encoding that decodes the whole file without replacing a character."""
    binary.seek(0)
    start = binary.read(4)
    binary.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp1252")
    for encoding in candidates:
        if _decodes(binary, encoding):
            return encoding
    raise refuse(_("The file's characters cannot be read. Save it as CSV UTF-8 and upload it again."))


def _decodes(binary, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    binary.seek(0)
    try:
        while block := binary.read(_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        binary.seek(0)
    return True

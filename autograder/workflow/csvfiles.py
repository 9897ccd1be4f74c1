"""CSV files for people and for LMS importers: UTF-8 with a byte order mark, text a spreadsheet will not run.

Every CSV the grader writes is opened by someone in a spreadsheet sooner or
later, and student names are hostile input: a name such as ``=HYPERLINK(…)``
or ``@SUM(…)`` would be run as a formula by Excel or LibreOffice (CSV
injection). :func:`spreadsheet_text` puts an apostrophe before text starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (the usual
defence: the spreadsheet shows the text as text). It is used for names and
comments only, never for ids or scores, which the LMS matches and reads:
neither Canvas's importer (matches by ID first) nor Moodle's (matches by
``Identifier`` alone) reads a name that could be changed by it.

The byte order mark makes spreadsheets read the file as UTF-8 (names in any
script survive); both LMS importers accept it: Moodle's ``csv_import_reader``
removes it (``core_text::trim_utf8_bom``), Canvas's exporter writes one itself
when asked (``CSVWithI18n``) and its importer only checks that the first
header cell *contains* ``Student``.
"""

import csv
import io
from pathlib import Path

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text):
    """``text`` as a spreadsheet shows it without running it (see the module docstring)."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(rows, bom=True):
    """The CSV text of ``rows`` (lists of strings), with ``\\r\\n`` line ends as RFC 4180 writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return (BOM if bom else "") + out.getvalue()


def write_csv(path, rows, bom=True):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(csv_text(rows, bom), encoding="utf-8", newline="")
    return path


def number(value):
    """A score as text: ``2``, ``0.67``: at most two decimals, no trailing zeros, a point for decimals."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text

"""Moodle's files, read and written by the rules of Moodle's own source (moodle/moodle, mod/assign).

**The submissions zip** (*Download all submissions*). Moodle 4.1 and later
(``mod/assign/classes/downloader.php``), before that ``download_submissions``
in ``mod/assign/locallib.php``:

* ``get_student_prefix``: the student's full name (``fullname()``, or
  ``Participant`` when marking blind) with every ``_`` replaced by a space,
  then ``_<participant id>`` (``get_uniqueid_for_user``: a number per student
  *per assignment*, from the ``assign_user_mapping`` table), through
  ``clean_filename``;
* ``load_submissionplugin_filelist``, "download submissions in folders" on
  (the default since Moodle 3.1): a folder ``<prefix>_assignsubmission_file``
  holding the files with their own sub-folders (``get_filepath()``); Moodle
  3.1 to 4.0 ended the folder name with one more ``_``. Off (and before 3.1):
  flat files ``<prefix>_assignsubmission_file_<file name>``. Online text is
  ``…_assignsubmission_onlinetext`` the same way;
* ``clean_filename`` is ``clean_param(PARAM_FILE)`` (``lib/moodlelib.php``):
  control characters and ``& < > " ` | ' : \\ /`` are removed, everything else
  (spaces, letters of any script) stays. So the name part never holds ``_``,
  and the first ``_<digits>_assignsubmission_`` ends it.

**The grading worksheet** (*Download grading worksheet*, assignfeedback_offline;
``mod/assign/gradingtable.php`` writes it as the ``csv`` dataformat, UTF-8
with a byte order mark), read as the roster by :func:`read_worksheet`:
``Identifier`` (``col_recordid``: ``get_string('hiddenuser')`` =
``"Participant "`` and the participant id), ``Full name``, the identity
fields (``Email address``…), ``Status``, ``Grade``, ``Maximum Grade``,
``Grade can be changed``, ``Last modified (submission)``, ``Last modified
(grade)``, the feedback plugins' fields (``Feedback comments``).

**The worksheet upload** (*Upload grading worksheet*;
``mod/assign/feedback/offline/importgradeslib.php`` and ``locallib.php``,
``process_import_grades``), written by :func:`worksheet_csv`:

* ``csv_import_reader::load_csv_content`` (``lib/csvlib.class.php``):
  converts from the chosen encoding (UTF-8 by default), removes a byte order
  mark, reads with ``fgetcsv`` (``\\`` escapes a quote there) and refuses the
  file if any row has another number of fields than the header;
* ``init``: the columns ``Identifier``, ``Grade`` and ``Last modified
  (grade)`` must be there, named exactly; a feedback column counts only if it
  is not the first (``!empty($details['index'])``);
* ``next``: the participant id is what follows ``"Participant "``; unknown
  ids are skipped;
* ``process_import_grades``: the grade goes through ``unformat_float``; it is
  skipped if empty, negative, above the assignment's maximum grade, equal to
  the grade Moodle has, or if Moodle's grade was changed more than 60 s after
  the row's ``Last modified (grade)`` (``strtotime``) unless the teacher ticks
  "Allow updating records that have been modified more recently in Moodle
  than in the spreadsheet"; a feedback comment is stored as the comment's
  HTML text.
"""

import csv
import datetime
import html
import io
import re
from dataclasses import dataclass

from autograder.workflow.canvas import FormatError, Member

LMS = "moodle"
#: ``get_string('hiddenuser', 'assign')``: the Identifier column's text before the participant id.
PARTICIPANT = "Participant "
IDENTIFIER, FULL_NAME, EMAIL = "Identifier", "Full name", "Email address"
GRADE, MAXIMUM, MODIFIED, COMMENTS = "Grade", "Maximum Grade", "Last modified (grade)", "Feedback comments"
#: ``<prefix>_assignsubmission_<plugin>`` as a folder (``_`` at the end in Moodle 3.1-4.0) or a file's start.
FOLDER = re.compile(r"^(?P<name>[^_]*)_(?P<id>[0-9]+)_assignsubmission_(?P<plugin>[a-z0-9]+)_?$")
FLAT = re.compile(r"^(?P<name>[^_]*)_(?P<id>[0-9]+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)$")


def parse_folder(name):
    """``(participant id, full name)`` of a Moodle submission folder name, or ``None``."""
    match = FOLDER.match(name)
    return (match["id"], match["name"]) if match else None


def parse_member(parts):
    """The :class:`Member` a zip member's path (its parts) describes, or ``None``.

    A folder layout member is ``<prefix>_assignsubmission_file[_]/…/<file>``;
    a flat one ``<prefix>_assignsubmission_file_<file>``.
    """
    if len(parts) > 1:
        folder = FOLDER.match(parts[0])
        if folder:
            return Member(LMS, folder["id"], folder["name"], parts[-1], anonymous=folder["name"] == "Participant")
        return None
    flat = FLAT.match(parts[0])
    if flat:
        return Member(LMS, flat["id"], flat["name"], flat["file"], anonymous=flat["name"] == "Participant")
    return None


# ---------------------------------------------------------------- the worksheet, as a roster


@dataclass
class Worksheet:
    students: dict  # participant id -> {"name", "email"}
    max_grade: float = None


def participant_id(identifier):
    """The participant id in an ``Identifier`` cell (``importgradeslib.php``, ``next``), or ``None``."""
    if (
        identifier.startswith(PARTICIPANT)
        and identifier[len(PARTICIPANT) :].isascii()
        and identifier[len(PARTICIPANT) :].isdigit()
    ):
        return identifier[len(PARTICIPANT) :]
    return None


def _float(text):
    """``unformat_float`` for the two decimal separators (``85.00``, ``85,00``); ``None`` for ``-`` or text."""
    text = (text or "").strip().replace(" ", "")
    if not re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", text):
        return None
    return float(text.replace(",", "."))


def read_worksheet(data, source="the grading worksheet"):
    """The participants of a Moodle grading worksheet (bytes or text), see the module docstring."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    header = rows[0] if rows else []
    missing = [name for name in (IDENTIFIER, FULL_NAME) if name not in header]
    if missing:
        raise FormatError(
            f"{source}: not a Moodle grading worksheet: no column {', '.join(missing)} (download it "
            "from the assignment: View all submissions > Grading action > Download grading worksheet)"
        )
    at = {name: header.index(name) for name in (IDENTIFIER, FULL_NAME, EMAIL, MAXIMUM) if name in header}
    students, maxima = {}, set()
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            raise FormatError(f"{source}, line {number}: {len(row)} fields, the header has {len(header)}")
        pid = participant_id(row[at[IDENTIFIER]])
        if pid is None:
            raise FormatError(
                f"{source}, line {number}: Identifier {row[at[IDENTIFIER]]!r} is not '{PARTICIPANT}<number>'"
            )
        students[pid] = {"name": row[at[FULL_NAME]].strip(), "email": row[at[EMAIL]].strip() if EMAIL in at else ""}
        if MAXIMUM in at and _float(row[at[MAXIMUM]]) is not None:
            maxima.add(_float(row[at[MAXIMUM]]))
    return Worksheet(students, maxima.pop() if len(maxima) == 1 else None)


# ---------------------------------------------------------------- the worksheet upload


def worksheet_text(text):
    """A text cell ``fgetcsv`` reads back as written: a ``\\`` there would escape the quote after it."""
    return (text or "").replace("\\", "/")


def comment_html(text):
    """A feedback comment as Moodle stores it (HTML): the text, escaped, lines kept."""
    return "<br>".join(html.escape(line) for line in text.splitlines())


def when(moment=None):
    """A ``Last modified (grade)`` value ``strtotime`` reads exactly: ISO 8601 with its UTC offset."""
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


WORKSHEET_COLUMNS = [IDENTIFIER, FULL_NAME, EMAIL, GRADE, MAXIMUM, MODIFIED, COMMENTS]


def import_problems(text, max_grade=None):
    """Why Moodle's worksheet upload would refuse or skip rows of ``text`` (one this module wrote); ``[]`` if none.

    Restates the rules of ``importgradeslib.php``, ``process_import_grades`` and
    ``csv_import_reader`` (module docstring); the test suite runs it on every export.
    """
    problems = []
    text = text.lstrip("\ufeff")
    if '\\"' in text:
        problems.append("a backslash before a quote: fgetcsv would not end the field there")
    rows = [row for row in csv.reader(io.StringIO(text.strip())) if row]
    header = rows[0] if rows else []
    for name in (IDENTIFIER, GRADE, MODIFIED):
        if header.count(name) != 1:
            problems.append(f"the header must have one column {name!r}")
    if problems:
        return problems
    if COMMENTS in header and header.index(COMMENTS) == 0:
        problems.append("Feedback comments is the first column: Moodle ignores it there")
    seen = set()
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            problems.append(f"line {number} has {len(row)} fields, the header {len(header)} (csvweirdcolumns)")
            continue
        pid = participant_id(row[header.index(IDENTIFIER)])
        if pid is None:
            problems.append(f"line {number}: Identifier {row[header.index(IDENTIFIER)]!r} is no participant")
        elif pid in seen:
            problems.append(f"line {number}: participant {pid} twice")
        seen.add(pid)
        grade = row[header.index(GRADE)]
        value = _float(grade)
        if grade and (value is None or value < 0 or (max_grade is not None and value > max_grade + 1e-9)):
            problems.append(f"line {number}: grade {grade!r} is not a number from 0 to {max_grade}")
        try:
            datetime.datetime.fromisoformat(row[header.index(MODIFIED)])
        except ValueError:
            problems.append(f"line {number}: Last modified (grade) {row[header.index(MODIFIED)]!r} is not a time")
    return problems

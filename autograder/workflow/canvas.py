"""Canvas's files, read and written by the rules of Canvas's own source (instructure/canvas-lms).

Three files cross between Canvas and the grader; each rule below names the
function of canvas-lms it comes from.

**The submissions zip** (*Download Submissions*; ``lib/content_zipper.rb``):

* ``get_filename``: ``[user name, "LATE" if the submission is late, id]``
  joined by ``_``, where the user name is the *sortable* name ("Last, First")
  passed through ``sanitize_user_name`` (lower-cased; ``_<digits>_`` loses its
  underscores) and the id is the Canvas user id, or ``anon_<anonymous id>``
  with no user name at all when the assignment grades anonymously
  (``lib/anonymity.rb``: five base58 characters). ``sanitize_file_name`` then
  removes every character that is not ``[[:word:]]``, which in Ruby is
  Unicode-aware: letters and marks of any script stay (``ångströmzoë``,
  ``nguyễnvăna``, ``王小明``), spaces and punctuation go.
* ``add_upload_submission``: each uploaded file becomes
  ``<that>_<attachment id>_<display name>``, the display name with runs of
  ``\\0 / \\ : * ? " < > |`` replaced by ``_``. A display name is the one the
  student's upload got: a second upload of a file of the same name is renamed
  by ``Attachment.make_unique_filename`` (``app/models/attachment.rb``) to
  ``<base>-1<ext>``, ``-2``… and ``add_attachment_to_zip`` applies the same
  function to names already in the zip.
* Canvas reads these names back itself (``app/models/assignment.rb``,
  ``infer_comment_context_from_filename``) by splitting on ``_`` and taking the
  first two parts made only of digits as the user id and the attachment id;
  :func:`parse_member` does the same.

**The gradebook export** (*Export* in the gradebook; ``lib/gradebook_exporter.rb``),
read as the roster by :func:`read_gradebook_export`:

* a header ``Student, ID, [SIS User ID,] SIS Login ID, [Integration ID,]
  [Root Account,] Section``, then custom columns, then one column per
  assignment titled ``title_with_id`` (``<title> (<assignment id>)``), then
  totals;
* an optional row of ``Manual Posting``/``Muted`` marks, then the
  ``    Points Possible`` row, then one row per student: the sortable name
  (written ``="<name>"`` when it starts with ``=``, so that a spreadsheet does
  not run it), the user id, the SIS ids, the sections joined as a sentence;
* ``CSVWithI18n`` (``lib/csv_with_i18n.rb``): UTF-8, a byte order mark if the
  user asked for one, ``;`` instead of ``,`` for users who asked or whose
  locale writes decimals with a comma.

**The gradebook import** (*Import*; ``app/models/gradebook_importer.rb``),
written by :func:`gradebook_import_csv`:

* ``header?``/``row_has_student_headers?``: more than three columns, the first
  containing ``Student``, the second ``ID``; ``update_column_count``: ``SIS User
  ID`` and ``SIS Login ID`` may follow; the last student column must contain
  ``Section``;
* ``parse_assignments``: an assignment column is matched by ``<title> (<id>)``
  (``Assignment.title_and_id``: ``/\\A(.*)\\s\\((\\d+)\\)\\z/``), else by its exact
  title, else Canvas creates a new assignment; columns whose title contains
  ``Current Score``, ``Final Grade``… (``NON_ASSIGNMENT_COLUMN_HEADERS``) are
  not assignments;
* ``check_for_non_student_row``: a row whose first cell contains ``Points
  Possible`` sets each assignment's points (``process_pp``): it must be the
  assignment's points in Canvas, or Canvas changes them;
* ``process_student``: a student is found by ``ID``, then by SIS User ID, then
  SIS Login ID, then by name; an unknown one is a new user to resolve by hand;
* ``csv_stream``: comma or semicolon (whichever splits the first three lines
  into the same number of fields), decimal commas read as points, ``""`` and
  ``-`` are "no grade" (``no_score?``) and leave Canvas's grade as it is.
"""

import csv
import io
import re
from dataclasses import dataclass, field

LMS = "canvas"

#: ``lib/anonymity.rb``: ``SecureRandom.base58(5)``.
ANONYMOUS = re.compile(r"^(?P<late>LATE_)?anon_(?P<anon>[1-9A-HJ-NP-Za-km-z]{5})_(?P<attachment>[0-9]+)_(?P<file>.+)$")
#: ``add_text_or_url``: a text entry or a URL, not a file.
TEXT_OR_URL = ("text.html", "link.html")
DIGITS = re.compile(r"[0-9]+")
#: ``Assignment.title_and_id``.
TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.S)
#: ``GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS``: a column whose title contains one is no assignment.
NON_ASSIGNMENT = (
    "Current Score",
    "Current Points",
    "Current Grade",
    "Final Score",
    "Final Points",
    "Final Grade",
    "Override Score",
    "Override Grade",
    "Override Status",
)
STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"


@dataclass
class Member:
    """What an LMS file name says about a submitted file."""

    lms: str
    key: str  # the student id used here: the LMS's stable id for this student
    name: str  # the name the file name carries ("" if none)
    file: str  # the file's name as the student uploaded it
    late: bool = False
    anonymous: bool = False


def parse_member(basename):
    """The :class:`Member` a Canvas zip member name describes, or ``None`` if it is not one."""
    match = ANONYMOUS.match(basename)
    if match:
        return Member(LMS, f"anon_{match['anon']}", "", match["file"], bool(match["late"]), True)
    parts = basename.split("_")
    digits = [i for i, part in enumerate(parts) if DIGITS.fullmatch(part)]
    if len(digits) >= 2 and digits[1] == digits[0] + 1 and digits[1] + 1 < len(parts):
        user, rest = digits[0], parts[digits[1] + 1 :]
    elif digits and digits[0] + 2 == len(parts) and parts[-1] in TEXT_OR_URL:
        user, rest = digits[0], parts[-1:]
    else:
        return None
    late = user > 0 and parts[user - 1] == "LATE"  # the user name is lower-cased, so this is Canvas's mark
    name = "_".join(parts[: user - 1 if late else user])
    return Member(LMS, parts[user], name, "_".join(rest), late)


# ---------------------------------------------------------------- the gradebook export, as a roster


@dataclass
class GradebookExport:
    students: dict  # user id -> {"name", "sis_user_id", "sis_login_id", "section"}
    assignments: dict = field(default_factory=dict)  # assignment id -> {"title", "points"}


class FormatError(ValueError):
    """A file that is not what it claims to be (the message says what is wrong and where)."""


def _delimiter(text):
    """``,`` or ``;``, chosen as Canvas's importer chooses (``identify_delimiter``)."""
    lines = text.splitlines()[:3]
    counts = {}
    for sep in (";", ","):
        try:
            sizes = [len(next(csv.reader([line], delimiter=sep), [])) for line in lines]
        except csv.Error:
            sizes = []
        counts[sep] = sizes[0] if sizes and len(set(sizes)) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


def _unquote_formula(name):
    """``="= name"`` as Canvas's exporter protects a name starting with ``=`` (``student_name``), undone."""
    if name.startswith('="') and name.endswith('"'):
        return name[2:-1]
    return name


def read_gradebook_export(data, source="the gradebook export"):
    """Students and assignments of a Canvas gradebook export (bytes or text), see the module docstring."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    if not rows or len(rows[0]) < 3 or "Student" not in rows[0][0] or "ID" not in rows[0][1]:
        raise FormatError(
            f"{source}: not a Canvas gradebook export: its first row must start with "
            "'Student', 'ID' (export it from the Canvas gradebook: Export > Export Entire Gradebook)"
        )
    header = [cell.strip() for cell in rows[0]]
    if "Section" not in header:
        raise FormatError(f"{source}: the header has no 'Section' column: is this Canvas's own export?")
    section = header.index("Section")
    column = {name: header.index(name) for name in ("SIS User ID", "SIS Login ID") if name in header[:section]}
    assignments, points_row = {}, None
    for index, title in enumerate(header[section + 1 :], section + 1):
        match = TITLE_AND_ID.match(title)
        if match and not any(word in title for word in NON_ASSIGNMENT):
            assignments[match.group(2)] = {"title": match.group(1), "column": index, "points": None}
    students = {}
    for number, row in enumerate(rows[1:], 2):
        first = row[0] if row else ""
        if "Points Possible" in first:
            points_row = row
            continue
        if all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", cell or "", re.I) for cell in row):
            continue  # the row of hidden-assignment marks (or an empty line)
        user_id = row[1].strip() if len(row) > 1 else ""
        if not DIGITS.fullmatch(user_id):
            raise FormatError(f"{source}, line {number}: the ID column holds {user_id!r}, not a Canvas user id")
        students[user_id] = {
            "name": _unquote_formula(first.strip()),
            "sis_user_id": row[column["SIS User ID"]].strip() if "SIS User ID" in column else "",
            "sis_login_id": row[column["SIS Login ID"]].strip() if "SIS Login ID" in column else "",
            "section": row[section].strip() if len(row) > section else "",
        }
    for assignment in assignments.values():
        index = assignment.pop("column")
        if points_row is not None and index < len(points_row):
            assignment["points"] = _points(points_row[index])
    return GradebookExport(students, assignments)


def _points(text):
    """A points value as the exporter writes it (``I18n.n(precision: 2)``: ``16``, ``16.00``, ``16,00``)."""
    text = (text or "").strip()
    if not re.fullmatch(r"-?[0-9.,]+", text):
        return None
    parts = re.split(r"[,.]", text)
    return float(parts[0] if len(parts) == 1 else "".join(parts[:-1]) + "." + parts[-1])


# ---------------------------------------------------------------- the gradebook import


def title_with_id(title, assignment_id):
    """``Assignment#title_with_id``: the column title Canvas matches by its id."""
    return f"{title} ({assignment_id})"


def import_problems(text):
    """Why Canvas's importer would misread ``text`` (a CSV this module wrote), as sentences; ``[]`` if none.

    The checks restate ``gradebook_importer.rb`` (see the module docstring);
    the test suite runs them on every export.
    """
    problems = []
    text = text.lstrip("\ufeff")
    if _delimiter(text) != ",":
        problems.append("Canvas would split the lines at ';', not ','")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        problems.append("the header does not start with Student, ID")
        return problems
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2
    if "Section" not in header[student_columns - 1]:
        problems.append(f"the last student column is {header[student_columns - 1]!r}, not Section")
    seen = set()
    for title in header[student_columns:]:
        match = TITLE_AND_ID.match(title)
        if not match:
            problems.append(f"column {title!r} has no '(assignment id)': Canvas would create a new assignment")
        elif any(word in title for word in NON_ASSIGNMENT):
            problems.append(f"column {title!r} would be taken for a total, not an assignment")
        elif match.group(2) in seen:
            problems.append(f"assignment {match.group(2)} has two columns")
        seen.add(match.group(2) if match else title)
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            problems.append(f"line {number} has {len(row)} fields, the header {len(header)}")
            continue
        if "Points Possible" in row[0]:
            if number != 2:
                problems.append(f"line {number}: the Points Possible row must come first")
            bad = [cell for cell in row[student_columns:] if _points(cell) is None or _points(cell) <= 0]
            if bad:
                problems.append(f"line {number}: points possible {bad} are not positive numbers")
            continue
        if not DIGITS.fullmatch(row[1]):
            problems.append(f"line {number}: ID {row[1]!r} is not a Canvas user id (Canvas would match by name)")
        for cell in row[student_columns:]:
            if cell not in ("", "-") and (_points(cell) is None or _points(cell) < 0):
                problems.append(f"line {number}: {cell!r} is not a score")
    return problems

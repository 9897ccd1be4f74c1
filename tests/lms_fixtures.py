"""Canvas and Moodle files made as those systems make them, for the tests of collect, roster and export.

Each function restates one rule of the LMS's own source and names where it
comes from, so a fixture is only as made-up as the class it describes:

* Canvas (instructure/canvas-lms): ``lib/content_zipper.rb`` (the submissions
  zip), ``app/models/attachment.rb`` (``make_unique_filename``,
  ``handle_duplicates``), ``lib/anonymity.rb``, ``lib/gradebook_exporter.rb``
  and ``lib/csv_with_i18n.rb`` (the gradebook export);
* Moodle (moodle/moodle): ``mod/assign/classes/downloader.php`` (4.1 and
  later) and ``mod/assign/locallib.php`` ``download_submissions`` (3.1-4.0),
  ``lib/moodlelib.php`` ``clean_param(PARAM_FILE)``, ``lib/weblib.php``/``lang``
  ``fullname()``, ``mod/assign/gradingtable.php`` with the ``csv`` dataformat
  (the grading worksheet).
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import nbformat

CH1 = "ch01_linear_classifiers"
WHEN = (2026, 10, 5, 9, 30, 0)


@dataclass
class Student:
    first: str
    last: str
    canvas_id: str  # Canvas user id
    moodle_id: str  # Moodle participant id for the chapter's assignment
    late: bool = False
    uploads: list = field(default_factory=lambda: [f"{CH1}.ipynb"])  # display names, in upload order
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = "Section A"
    email: str = ""
    sortable: str = None  # Canvas's sortable name when not "Last, First"

    @property
    def sortable_name(self):
        return self.sortable or f"{self.last}, {self.first}"

    @property
    def full_name(self):
        """``fullname()`` with Moodle's default ``fullnamedisplay`` for English: firstname lastname."""
        return f"{self.first} {self.last}"


def notebook_of(student_key, chapter=CH1):
    """A small, valid notebook that says whose it is (collect must never mix two students up)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"submitted by {student_key} for {chapter}"))
    return nbformat.writes(nb).encode()


def the_class():
    """Twenty-two students: names in several scripts, two Jo Smiths, late ones, re-uploads, odd names."""
    return [
        Student(
            "Zoë", "Ångström", "20101", "4821765", sis_user_id="S001", sis_login_id="zangstrom", email="zoe@uni.example"
        ),
        Student(
            "Văn A", "Nguyễn", "20102", "4821766", sis_user_id="S002", sis_login_id="nvana", sortable="Nguyễn, Văn A"
        ),
        Student("小明", "王", "20103", "4821767", sis_user_id="S003", sis_login_id="wxm", section="Section B"),
        Student("Jo", "Smith", "20104", "4821768", sis_user_id="S004", sis_login_id="jsmith1"),
        Student("Jo", "Smith", "20105", "4821769", sis_user_id="S005", sis_login_id="jsmith2", late=True),
        Student("Seán", "O'Brien-Murphy", "20106", "4821770", sis_user_id="S006", sis_login_id="sobrien"),
        Student("Анна", "Иванова", "20107", "4821771", sis_user_id="S007", sis_login_id="aivanova", late=True),
        Student("Amélie", "Dupont_7_Martin", "20108", "4821772", sis_user_id="S008", sis_login_id="adupont"),
        Student("Ola", "Nordmann", "20109", "4821773", sis_user_id="S009", sis_login_id="onordmann"),
        Student("Yusuf", "Öztürk", "20110", "4821774", sis_user_id="S010", sis_login_id="yozturk"),
        Student("Kwame", "Mensah", "20111", "4821775", sis_user_id="S011", sis_login_id="kmensah"),
        Student(
            "Priya",
            "Raman",
            "20112",
            "4821776",
            sis_user_id="S012",
            sis_login_id="praman",
            uploads=["Copy of ch01 (2).ipynb"],
        ),
        Student(
            "Lena",
            "Müller",
            "20113",
            "4821777",
            sis_user_id="S013",
            sis_login_id="lmuller",
            uploads=[f"{CH1}.ipynb", "data.csv"],
        ),
        Student("Tomás", "García", "20114", "4821778", sis_user_id="S014", sis_login_id="tgarcia"),
        Student("Aiko", "Tanaka", "20115", "4821779", sis_user_id="S015", sis_login_id="atanaka"),
        Student(
            '=HYPERLINK("http://x")',
            "Eve",
            "20116",
            "4821780",
            sis_user_id="S016",
            sis_login_id="eve",
            sortable="=cmd|' /C calc'!A0, Eve",
        ),
        Student("Noa", "Levi", "20117", "4821781", sis_user_id="S017", sis_login_id="nlevi", section="Section B"),
        Student("Mia", "Rossi", "20118", "4821782", sis_user_id="S018", sis_login_id="mrossi"),
        Student("Chen", "Li", "20119", "4821783", sis_user_id="S019", sis_login_id="cli"),
        Student("Fatima", "Zahra", "20120", "4821784", sis_user_id="S020", sis_login_id="fzahra"),
        Student("Björk", "Guðmundsdóttir", "20121", "4821785", sis_user_id="S021", sis_login_id="bgud"),
        Student("Ana", "Silva", "20122", "4821786", sis_user_id="S022", sis_login_id="asilva", late=True),
    ]


#: Students who uploaded the chapter's notebook again: Canvas renamed the second file ``…-1.ipynb``.
REUPLOADED = {"20109", "20118"}


# ---------------------------------------------------------------- Canvas


def _ruby_word(char):
    """Ruby's ``[[:word:]]`` (Onigmo, Unicode): letters, marks, decimal digits, connector punctuation."""
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Pc")


def canvas_sanitize_user_name(name):
    """``ContentZipper#sanitize_user_name``: ``_<digits>_`` loses its underscores, then lower case."""
    return re.sub(r"_(\d+)_", r"\1", name).lower()


def canvas_sanitize_file_name(text):
    """``ContentZipper#sanitize_file_name``: ``gsub(/[^[[:word:]]]/, "")``."""
    return "".join(char for char in text if _ruby_word(char))


def canvas_filename(student, anonymous_id=None):
    """``ContentZipper#get_filename``: ``[user name, "LATE", id].compact.join("_")``, sanitized."""
    users_name = None if anonymous_id else canvas_sanitize_user_name(student.sortable_name)
    ident = f"anon_{anonymous_id}" if anonymous_id else student.canvas_id
    return canvas_sanitize_file_name("_".join(p for p in (users_name, "LATE" if student.late else None, ident) if p))


def canvas_attachment_filename(display_name):
    """``ContentZipper#sanitize_attachment_filename``: runs of ``\\0 / \\ : * ? " < > |`` become ``_``."""
    return re.sub(r'[\x00/\\:*?"<>|]+', "_", display_name)


def make_unique_filename(filename, existing):
    """``Attachment.make_unique_filename``: ``<base>-1<ext>``, ``-2``… until the name is new."""
    if filename not in existing:
        return filename
    ext = re.search(r"(\.[A-Za-z][A-Za-z0-9]*)*(\.[A-Za-z0-9]*)$", filename)
    ext = ext.group(0) if ext else ""
    base = filename[: len(filename) - len(ext)] if ext else filename
    addition = 1
    while f"{base}-{addition}{ext}" in existing:
        addition += 1
    return f"{base}-{addition}{ext}"


def canvas_display_names(uploads):
    """The display names of successive uploads into a student's submissions folder.

    ``Attachment#handle_duplicates``: in a folder ``for_submissions?`` a file of
    a name already there is always renamed by ``make_unique_filename``.
    """
    names = []
    for name in uploads:
        names.append(make_unique_filename(name, names))
    return names


def canvas_zip(path, students, contents, anonymous_ids=None, attachment_start=900001):
    """A *Download Submissions* zip: ``add_upload_submission`` per student, ``add_attachment_to_zip`` per file.

    ``contents[key]`` is the bytes of each student's notebook; other files get a
    line of text. Re-uploaded students' latest submission holds the renamed
    file only (the zip holds each submission's current attachments).
    """
    in_zip, attachment = set(), attachment_start
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for student in students:
            anon = (anonymous_ids or {}).get(student.canvas_id)
            key = f"anon_{anon}" if anon else student.canvas_id
            uploads = student.uploads
            if student.canvas_id in REUPLOADED:
                uploads = canvas_display_names([f"{CH1}.ipynb", f"{CH1}.ipynb"])[1:]
            for display in uploads:
                member = f"{canvas_filename(student, anon)}_{attachment}_{canvas_attachment_filename(display)}"
                member = make_unique_filename(member, in_zip)
                in_zip.add(member)
                data = contents[key] if display.endswith(".ipynb") else b"x,y\n1,2\n"
                zf.writestr(zipfile.ZipInfo(member, date_time=WHEN), data)
                attachment += 1
    return path


def canvas_gradebook_export(
    students, assignments, *, sis=True, bom=False, semicolon=False, manual_posting=False, test_student=True
):
    """A gradebook export as ``GradebookExporter#csv_data`` writes it (bytes).

    ``assignments``: ``[(title, id, points possible)]``. Header ``Student, ID,
    [SIS User ID,] SIS Login ID, Section``, assignments as ``title_with_id``,
    then the totals; an optional "Manual Posting" row, the ``    Points
    Possible`` row; students as sortable names (``student_name`` quotes one
    starting with ``=``), sections joined; the Student View's test student
    last. ``CSVWithI18n``: ``;`` and a byte order mark when the user asked.
    """
    header = ["Student", "ID"] + (["SIS User ID"] if sis else []) + ["SIS Login ID", "Section"]
    header += [f"{title} ({ident})" for title, ident, _ in assignments]
    header += [
        "Current Points",
        "Final Points",
        "Current Score",
        "Unposted Current Score",
        "Final Score",
        "Unposted Final Score",
    ]
    lead = len(header) - len(assignments) - 6
    rows = [header]
    if manual_posting:
        rows.append([""] * lead + ["Manual Posting"] * len(assignments) + [""] * 6)
    decimal = "," if semicolon else "."
    rows.append(
        ["    Points Possible"]
        + [""] * (lead - 1)
        + [f"{points:.2f}".replace(".", decimal) for _, _, points in assignments]
        + ["(read only)"] * 6
    )
    for s in students:
        name = f'="{s.sortable_name}"' if re.match(r"^\s*=", s.sortable_name) else s.sortable_name
        row = [name, s.canvas_id] + ([s.sis_user_id] if sis else []) + [s.sis_login_id, s.section]
        rows.append(row + [""] * len(assignments) + ["0.00"] * 6)
    if test_student:
        rows.append(
            ["Student, Test", "99999"]
            + ([""] if sis else [])
            + ["", "Section A"]
            + [""] * len(assignments)
            + ["0.00"] * 6
        )
    out = io.StringIO()
    csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


# ---------------------------------------------------------------- Moodle


def moodle_clean_filename(text):
    """``clean_param($text, PARAM_FILE)``: control characters and ``& < > " ` | ' : \\ /`` removed."""
    return re.sub(r"[\x00-\x1f\x7f&<>\"`|':\\/]", "", text)


def moodle_prefix(student, blind=False):
    """``get_student_prefix``: the full name (``Participant`` if blind), ``_`` → space, ``_<participant id>``."""
    fullname = "Participant" if blind else student.full_name
    return moodle_clean_filename(fullname.replace("_", " ") + "_" + student.moodle_id)


def moodle_member(student, file_name, layout, blind=False, filepath="/"):
    """The path of one submitted file in the zip, by layout.

    ``"folders"``: ``downloader.php`` (4.1+) ``<prefix>_assignsubmission_file`` + file path + name;
    ``"folders-3"``: ``locallib.php`` (3.1-4.0), the same folder with a final ``_``;
    ``"flat"``: downloads not in folders, ``<prefix>_assignsubmission_file_<name>``.
    """
    prefix = moodle_prefix(student, blind)
    if layout == "flat":
        return moodle_clean_filename(f"{prefix}_assignsubmission_file_{file_name}")
    folder = moodle_clean_filename(f"{prefix}_assignsubmission_file" + ("_" if layout == "folders-3" else ""))
    return folder + filepath + file_name


def moodle_zip(path, students, contents, layout="folders", blind=False, subfolder=None):
    """A *Download all submissions* zip of ``layout``; ``subfolder``: a student key whose file is in ``/work/``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for student in students:
            for name in student.uploads:
                filepath = "/work/" if subfolder == student.moodle_id and layout != "flat" else "/"
                member = moodle_member(student, name, layout, blind, filepath)
                data = contents[student.moodle_id] if name.endswith(".ipynb") else b"x,y\n1,2\n"
                zf.writestr(zipfile.ZipInfo(member, date_time=WHEN), data)
    return path


def moodle_worksheet(students, max_grade=100.0, grades=None):
    """A grading worksheet as ``assign_grading_table`` downloads it, through the ``csv`` dataformat (bytes).

    Columns for an assignment with file submissions and feedback comments, no
    marking workflow: ``Identifier`` (``col_recordid``: ``"Participant "`` and
    the id), ``Full name``, ``Email address``, ``Status``, ``Grade``,
    ``Maximum Grade``, ``Grade can be changed``, ``Last modified (submission)``,
    ``Last modified (grade)``, ``Feedback comments``; UTF-8 with a byte order
    mark (the dataformat's CSV writer adds one).
    """
    header = [
        "Identifier",
        "Full name",
        "Email address",
        "Status",
        "Grade",
        "Maximum Grade",
        "Grade can be changed",
        "Last modified (submission)",
        "Last modified (grade)",
        "Feedback comments",
    ]
    rows = [header]
    for s in students:
        grade = (grades or {}).get(s.moodle_id)
        rows.append(
            [
                f"Participant {s.moodle_id}",
                s.full_name,
                s.email,
                "Submitted for grading",
                "" if grade is None else f"{grade:.2f}",
                f"{max_grade:.2f}",
                "Yes",
                "Monday, 5 October 2026, 9:30 AM",
                "-",
                "",
            ]
        )
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


# ---------------------------------------------------------------- grades, as autograde records them


def record_grades(root, chapter, scores, when="2026-10-05 09:30:00"):
    """Write ``scores`` (``{student: {exercise: points}}``) into ``root``'s gradebook as the grader does.

    The chapter's notebook gets the cells nbgrader's release records (a grade
    cell ``<exercise>_hidden`` worth the exercise's points, a solution cell
    ``<exercise>``), each student a submission whose grades are automatic
    scores: what an export reads, without running any notebook.
    """
    from nbgrader.api import MissingEntry

    from autograder.course import nbgrader_gradebook
    from autograder.judging.chapters import CHAPTERS

    with nbgrader_gradebook(root) as gb:
        try:
            gb.find_assignment(chapter)
        except MissingEntry:
            gb.add_assignment(chapter)
            gb.add_notebook(chapter, chapter)
            for exercise in CHAPTERS[chapter]:
                gb.add_grade_cell(
                    f"{exercise.name}_hidden", chapter, chapter, max_score=exercise.points, cell_type="code"
                )
                gb.add_solution_cell(exercise.name, chapter, chapter)
        for student, points in scores.items():
            gb.update_or_create_student(student)
            gb.add_submission(chapter, student, timestamp=when)
            for exercise in CHAPTERS[chapter]:
                grade = gb.find_grade(f"{exercise.name}_hidden", chapter, chapter, student)
                grade.auto_score = float(points.get(exercise.name, exercise.points))
                grade.needs_manual_grade = False
        gb.db.commit()

"""Rosters read from the LMSs' own exports, and exports their importers take as they are.

A class of 22 is collected from a Canvas zip and from a Moodle zip
(``tests/lms_fixtures.py``, built from those systems' source); their grades
are written into the gradebook as the grader records them (no notebook is
run). The Canvas gradebook export and the Moodle grading worksheet are made
as ``gradebook_exporter.rb`` and ``gradingtable.php`` write them, and read as
the roster. Every export is then checked against the rules of the importer
that will read it (``autograder.workflow.canvas.import_problems`` restates
``gradebook_importer.rb``; ``autograder.workflow.moodle.import_problems`` restates
``importgradeslib.php``, ``process_import_grades`` and ``csv_import_reader``)
and against the exact values it must hold: ids, SIS ids, sections, names
(formula-safe), scaled scores, the Points Possible row, encoding.
"""

import csv
import io
import shutil

import pytest
from lms_fixtures import (
    CH1,
    canvas_gradebook_export,
    canvas_zip,
    moodle_worksheet,
    moodle_zip,
    notebook_of,
    record_grades,
    the_class,
)

from autograder import cli
from autograder.course import ROOT
from autograder.judging.chapters import CHAPTERS
from autograder.reports import class_report
from autograder.workflow import canvas, export, moodle, overrides, roster
from autograder.workflow.canvas import FormatError

CH2 = "ch02_hidden_layers"
MAX1 = sum(e.points for e in CHAPTERS[CH1])
#: Points each student lost, by exercise (the rest full marks).
LOST = {0: {}, 3: {"accuracy": 0}, 4: {}, 6: {"linear_scores": 0, "accuracy": 1}, 15: {"gradient_descent": 1.5}}
#: What the Moodle feedback comment says of them.
LOST_TEXT = {3: "accuracy 0/2", 6: "linear_scores 0/2, accuracy 1/2", 15: "gradient_descent 1.5/3"}
ASSIGNMENTS = [("Chapter 1: Linear classifiers", "48213", 10.0), ("Chapter 2: Hidden layers", "48214", 20.0)]


def course_folder(root):
    """A course folder with the chapters' notebooks (names, exercise order); nothing released or graded."""
    for chapter in (CH1, CH2):
        (root / "chapters" / chapter).mkdir(parents=True)
        shutil.copy(ROOT / "chapters" / chapter / f"{chapter}.ipynb", root / "chapters" / chapter)
    return root


def scores_of(students, key):
    return {getattr(s, key): LOST.get(n, {}) for n, s in enumerate(students)}


def total(n):
    lost = LOST.get(n, {})
    return MAX1 - sum(e.points - lost[e.name] for e in CHAPTERS[CH1] if e.name in lost)


def run(root, *args):
    return cli.main(["--course-dir", str(root), *args])


def rows_of(path):
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, which both importers remove
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def graded_class(tmp_path_factory, lms):
    """The class collected from ``lms``'s zip, its chapter 1 grades recorded as the grader writes them."""
    root = course_folder(tmp_path_factory.mktemp(lms) / "course")
    students, key = the_class(), f"{lms}_id"
    make_zip = canvas_zip if lms == "canvas" else moodle_zip
    archive = make_zip(
        root.parent / f"{lms}.zip", students, {getattr(s, key): notebook_of(getattr(s, key)) for s in students}
    )
    assert run(root, "collect", CH1, "--from-zip", str(archive)) == 0
    record_grades(root, CH1, scores_of(students, key))
    return root


@pytest.fixture(scope="module")
def canvas_course(tmp_path_factory):
    root = graded_class(tmp_path_factory, "canvas")
    record_grades(root, CH2, {})  # released, nobody submitted yet
    (root.parent / "gradebook.csv").write_bytes(
        canvas_gradebook_export(the_class(), ASSIGNMENTS, bom=True, manual_posting=True)
    )
    assert run(root, "roster", "import", str(root.parent / "gradebook.csv")) == 0
    (root / "lms.toml").write_text(
        '[canvas]\nch01_linear_classifiers = 48213\nch02_hidden_layers = { id = 48214, title = "Chapter 2" }\n'
    )
    return root


@pytest.fixture(scope="module")
def moodle_course(tmp_path_factory):
    return graded_class(tmp_path_factory, "moodle")


# ---------------------------------------------------------------- rosters


def test_a_canvas_gradebook_export_is_read_in_every_form_canvas_writes():
    """Commas or semicolons with decimal commas, a BOM or none, SIS columns or not, the Manual Posting row."""
    students = the_class()
    for options in ({}, {"bom": True}, {"semicolon": True, "manual_posting": True}, {"sis": False}):
        read = canvas.read_gradebook_export(canvas_gradebook_export(students, ASSIGNMENTS, **options))
        assert len(read.students) == 23  # the class and Canvas's test student
        assert read.students["20101"]["name"] == "Ångström, Zoë"
        assert read.students["20116"]["name"] == "=cmd|' /C calc'!A0, Eve"  # Canvas's ="…" quoting undone
        assert read.students["20103"]["section"] == "Section B"
        assert read.students["20101"]["sis_user_id"] == ("" if options.get("sis") is False else "S001")
        assert read.students["20101"]["sis_login_id"] == "zangstrom"
        assert read.assignments == {
            "48213": {"title": "Chapter 1: Linear classifiers", "points": 10.0},
            "48214": {"title": "Chapter 2: Hidden layers", "points": 20.0},
        }


def test_a_moodle_worksheet_is_read():
    sheet = moodle.read_worksheet(moodle_worksheet(the_class(), max_grade=100.0))
    assert sheet.max_grade == 100.0 and len(sheet.students) == 22
    assert sheet.students["4821765"] == {"name": "Zoë Ångström", "email": "zoe@uni.example"}


def test_files_that_are_not_lms_exports_are_refused_by_name(tmp_path):
    with pytest.raises(FormatError, match="not a Canvas gradebook export"):
        canvas.read_gradebook_export(b"name,score\nann,3\n", "grades.csv")
    (tmp_path / "sheet.csv").write_bytes(moodle_worksheet(the_class()))
    with pytest.raises(SystemExit, match="belongs to one assignment .* give --chapter"):
        roster.import_file(tmp_path / "sheet.csv", tmp_path)


# ---------------------------------------------------------------- Canvas


def test_the_canvas_export_is_what_canvas_imports(canvas_course, tmp_path):
    path = tmp_path / "canvas.csv"
    assert run(canvas_course, "export", "--format", "canvas", "--to", str(path)) == 0
    text = path.read_bytes().decode("utf-8")
    assert canvas.import_problems(text) == []
    rows = rows_of(path)
    # Only the graded chapter: chapter 2 has no submission, so no column (Canvas would see no change anyway).
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Chapter 1: Linear classifiers (48213)",
    ]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]  # Canvas's own points: scores are scaled
    by_id = {row[1]: row for row in rows[2:]}
    students = the_class()
    assert set(by_id) == {s.canvas_id for s in students}  # the test student, who submitted nothing, is not here
    for n, s in enumerate(students):
        expected_name = "'" + s.sortable_name if s.sortable_name.startswith("=") else s.sortable_name
        assert by_id[s.canvas_id] == [
            expected_name,
            s.canvas_id,
            s.sis_user_id,
            s.sis_login_id,
            s.section,
            export.number(total(n) * 10 / MAX1),
        ], s.canvas_id
    assert by_id["20104"][5] == export.number((MAX1 - 2) * 10 / MAX1) and by_id["20105"][5] == "10"  # two Jo Smiths


def test_a_chapter_without_a_canvas_assignment_is_refused_with_the_line_to_add(canvas_course, tmp_path):
    (tmp_path / "lms.toml").write_text("[canvas]\n")
    with pytest.raises(
        SystemExit,
        match=r"(?s)does not say which Canvas assignment takes ch01_linear_classifiers"
        r".*ch01_linear_classifiers = <Canvas assignment id>",
    ):
        export.export(tmp_path / "c.csv", canvas_course, fmt="canvas", mapping_path=tmp_path / "lms.toml")
    (tmp_path / "bad.toml").write_text("[canvas]\nch99 = 5\n")
    with pytest.raises(SystemExit, match="ch99: no such chapter"):
        export.export(tmp_path / "c.csv", canvas_course, fmt="canvas", mapping_path=tmp_path / "bad.toml")


def test_anonymous_canvas_submissions_are_named_not_exported(tmp_path):
    root = course_folder(tmp_path / "course")
    students = the_class()[:3]
    ids = {s.canvas_id: f"Ab{n}xY" for n, s in enumerate(students, 2)}
    archive = canvas_zip(
        tmp_path / "anon.zip", students, {f"anon_{a}": notebook_of(a) for a in ids.values()}, anonymous_ids=ids
    )
    assert run(root, "collect", CH1, "--from-zip", str(archive)) == 0
    record_grades(root, CH1, {f"anon_{a}": {} for a in ids.values()})
    (root / "lms.toml").write_text("[canvas]\nch01_linear_classifiers = 48213\n")
    result = export.export(tmp_path / "c.csv", root, fmt="canvas")
    assert result.written == 0 and len(result.left_out) == 3
    assert all("anonymous Canvas submission" in text and "SpeedGrader" in text for text in result.left_out)
    assert run(root, "export", "--format", "canvas", "--to", str(tmp_path / "c.csv")) == 1


# ---------------------------------------------------------------- Moodle


def test_the_moodle_worksheet_is_what_moodle_imports(moodle_course, tmp_path):
    (tmp_path / "sheet.csv").write_bytes(moodle_worksheet(the_class(), max_grade=100.0))
    assert run(moodle_course, "roster", "import", str(tmp_path / "sheet.csv"), "--chapter", CH1) == 0
    path = tmp_path / "upload.csv"
    assert run(moodle_course, "export", CH1, "--format", "moodle", "--to", str(path)) == 0
    assert moodle.import_problems(path.read_bytes().decode("utf-8"), max_grade=100.0) == []
    rows = rows_of(path)
    assert rows[0] == [
        "Identifier",
        "Full name",
        "Email address",
        "Grade",
        "Maximum Grade",
        "Last modified (grade)",
        "Feedback comments",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    students = the_class()
    assert set(by_id) == {f"Participant {s.moodle_id}" for s in students}
    for n, s in enumerate(students):
        row = by_id[f"Participant {s.moodle_id}"]
        name = "'" + s.full_name if s.full_name.startswith("=") else s.full_name
        assert row[1:5] == [name.replace("\\", "/"), s.email, export.number(total(n) * 100 / MAX1), "100"]
        assert row[6] == (
            f"Score: {export.number(total(n))} of {MAX1:g} points, autograded. "
            + (f"Not full marks: {LOST_TEXT[n]}. " if n in LOST_TEXT else "")
            + "Details on your feedback page."
        )


def test_without_a_worksheet_moodle_grades_are_points_and_the_export_says_so(moodle_course, tmp_path):
    fresh = tmp_path / "course"
    shutil.copytree(moodle_course, fresh)
    (fresh / "roster.json").unlink(missing_ok=True)
    result = export.export(tmp_path / "m.csv", fresh, chapter=CH1, fmt="moodle")
    assert any("maximum grade for ch01_linear_classifiers is unknown" in note for note in result.notes)
    assert moodle.import_problems((tmp_path / "m.csv").read_text("utf-8"), max_grade=MAX1) == []
    with pytest.raises(SystemExit, match="for one assignment: name the chapter"):
        export.export(tmp_path / "m.csv", fresh, fmt="moodle")


# ---------------------------------------------------------------- names and overrides everywhere


def test_the_class_report_names_everyone_on_the_roster(canvas_course):
    data = class_report.gather(CH1, canvas_course)
    labels = {s.id: (s.label, s.status) for s in data.students}
    assert labels["20101"] == ("Ångström, Zoë (20101)", "graded")
    assert labels["20104"] == ("Smith, Jo (20104)", "graded") and labels["20105"] == ("Smith, Jo (20105)", "graded")
    assert labels["99999"] == ("Student, Test (99999)", "not submitted")  # on Canvas's roster, no submission
    page = class_report.render(data)
    assert "=cmd|&#39; /C calc&#39;!A0, Eve (20116)" in page and "<script" not in page


def test_an_override_reaches_every_export_and_can_be_undone(canvas_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(canvas_course, root)
    made = overrides.set_override(CH1, "20104", "accuracy", 2, "the loop was right; the grader's input was odd", root)
    assert (made.student, made.auto, made.score) == ("20104", 0.0, 2.0)
    assert run(root, "export", "--format", "canvas", "--to", str(tmp_path / "c.csv")) == 0
    assert {row[1]: row[5] for row in rows_of(tmp_path / "c.csv")[2:]}["20104"] == "10"
    assert run(root, "export", CH1, "--to", str(tmp_path / "t.csv")) == 0
    table = {row["student"]: row for row in csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text("utf-8-sig")))}
    assert (table["20104"]["accuracy"], table["20104"]["total"], table["20104"]["changed by a person"]) == (
        "2",
        f"{MAX1:g}",
        "accuracy",
    )
    assert table["20104"]["name"] == "Smith, Jo" and table["20116"]["name"].startswith("'=")
    data = {s.id: s for s in class_report.gather(CH1, root).students}
    assert data["20104"].changed == {"accuracy": (0.0, "the loop was right; the grader's input was odd")}
    assert data["20104"].score == MAX1 and class_report.gather(CH1, root).summary["changed by a person"] == 1
    # A name that matches one student only works as well as the id; one matching two is refused.
    with pytest.raises(overrides.OverrideError, match="matches several students"):
        overrides.set_override(CH1, "smith, jo", "accuracy", 1, "x", root)
    assert overrides.undo(CH1, "ångström", root=root) == []
    [undone] = overrides.undo(CH1, "20104", "accuracy", root)
    assert undone.score == 2.0 and overrides.list_overrides(root) == []
    assert {row[1]: row[5] for row in rows_of(tmp_path / "c.csv")[2:]}["20104"] == "10"
    assert run(root, "export", "--format", "canvas", "--to", str(tmp_path / "c2.csv")) == 0
    assert {row[1]: row[5] for row in rows_of(tmp_path / "c2.csv")[2:]}["20104"] == export.number(
        (MAX1 - 2) * 10 / MAX1
    )


def test_overrides_are_checked_before_they_are_written(canvas_course):
    with pytest.raises(overrides.OverrideError, match="accuracy is worth 2 points"):
        overrides.set_override(CH1, "20101", "accuracy", 3, "x", canvas_course)
    with pytest.raises(overrides.OverrideError, match="has no exercise 'acuracy'"):
        overrides.set_override(CH1, "20101", "acuracy", 1, "x", canvas_course)
    with pytest.raises(overrides.OverrideError, match="say why with --comment"):
        overrides.set_override(CH1, "20101", "accuracy", 1, " ", canvas_course)
    with pytest.raises(overrides.OverrideError, match="no graded submission"):
        overrides.set_override(CH1, "nobody", "accuracy", 1, "x", canvas_course)


def test_hostile_names_are_text_in_every_page(canvas_course, tmp_path):
    """A name is the student's own input: it is escaped in the class report and the similarity report."""
    from autograder.reports import similarity

    root = tmp_path / "course"
    shutil.copytree(canvas_course, root)
    data = roster.Roster.load(root)
    data.data["canvas"]["students"]["20101"]["name"] = '<img src=x onerror="alert(1)">, Mallory'
    data.save()
    page = class_report.render(class_report.gather(CH1, root))
    assert "<img src=x" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;, Mallory (20101)" in page
    result = similarity.SimilarityResult(
        CH1, {}, [], [("20101", "no notebook")], [], labels={"20101": roster.Roster.load(root).label("20101", CH1)}
    )
    report = similarity.report_html(result)
    assert "<img src=x" not in report and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in report


def test_the_roster_is_listed_by_name(canvas_course, capsys):
    assert run(canvas_course, "roster", "show") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Canvas (gradebook.csv, imported ") and lines[0].endswith(": 23 students")
    assert "  Ångström, Zoë (20101)  SIS S001 / zangstrom  Section A" in lines
    assert lines.index("  Smith, Jo (20104)  SIS S004 / jsmith1  Section A") + 1 == lines.index(
        "  Smith, Jo (20105)  SIS S005 / jsmith2  Section A"
    )


def test_an_override_reaches_the_moodle_worksheet_with_its_comment(moodle_course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(moodle_course, root)
    overrides.set_override(CH1, "4821768", "accuracy", 2, "the <loop> was right & so was the mean", root)
    (root / "lms.toml").write_text("[moodle]\nch01_linear_classifiers = { max_grade = 50 }\n")
    assert run(root, "export", CH1, "--format", "moodle", "--to", str(tmp_path / "m.csv")) == 0
    assert moodle.import_problems((tmp_path / "m.csv").read_text("utf-8"), max_grade=50) == []
    row = {r[0]: r for r in rows_of(tmp_path / "m.csv")}["Participant 4821768"]
    assert row[3:5] == ["50", "50"]
    assert row[6] == (
        f"Score: {MAX1:g} of {MAX1:g} points, autograded, with what your instructor set below. "
        "Set by your instructor: accuracy 2 (the &lt;loop&gt; was right &amp; so was the mean). "
        "Details on your feedback page."
    )  # Moodle stores the comment as HTML: escaped

"""The instructor's semester: LMS zips in, incremental grading, grades an LMS takes out.

A class of three collects chapter 1 from a Canvas zip (one file marked
``_LATE``); one of them also hands in chapter 2, which nobody else submits.
Students are known by their Canvas user ids, named as the zip names them.
The exports must say exactly what the gradebook holds: no row (or an empty
cell) for a chapter not submitted, never a 0. Grading again changes nothing
and re-runs nothing; a changed notebook is graded again, an endless loop's
zero is remembered without running it again.
"""

import shutil
import time
import zipfile

import nbformat
import pytest

from autograder import cli
from autograder.course import ROOT, grade_id
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import canvas, export, grading

CH1, CH2 = "ch01_linear_classifiers", "ch02_hidden_layers"
MAX1 = sum(e.points for e in CHAPTERS[CH1])
MAX2 = sum(e.points for e in CHAPTERS[CH2])
LOOP = "def accuracy(y_pred, y_true):\n    while True:\n        pass\n"
WHEN = (2026, 10, 5, 9, 30, 0)
LATER = (2026, 10, 7, 23, 55, 10)


def answered(root, chapter, **replace):
    source = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
    nb = nbformat.read(root / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    answers.update(replace)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nbformat.writes(nb)


def member(name, when, text):
    info = zipfile.ZipInfo(name, date_time=when)
    return info, text


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    root = tmp_path_factory.mktemp("semester")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    assert cli.main(["--course-dir", str(root), "release", CH1, CH2]) == 0
    lms = root / "lms.zip"
    with zipfile.ZipFile(lms, "w") as zf:
        zf.writestr(*member(f"ada_5001_901_{CH1}.ipynb", WHEN, answered(root, CH1)))
        zf.writestr(*member(f"ben_LATE_5002_902_{CH1}.ipynb", LATER, answered(root, CH1)))
        zf.writestr(*member(f"cy_5003_903_{CH1}.ipynb", WHEN, answered(root, CH1, accuracy=LOOP)))
    blank2 = (root / "release" / CH2 / f"{CH2}.ipynb").read_text()
    with zipfile.ZipFile(root / "lms2.zip", "w") as zf:
        zf.writestr(*member(f"ada_5001_904_{CH2}.ipynb", WHEN, blank2))
    # The instructor's one-time mapping of chapters to Canvas assignments (ids from the assignments' addresses).
    (root / "lms.toml").write_text(
        '[canvas]\nch01_linear_classifiers = { id = 7001, title = "Chapter 1" }\n'
        'ch02_hidden_layers = { id = 7002, title = "Chapter 2" }\n'
    )
    return root


@pytest.fixture(autouse=True)
def short_limits(monkeypatch):
    monkeypatch.setenv("NNFS_CELL_TIMEOUT", "5")
    monkeypatch.setenv("NNFS_PROBE_TIMEOUT", "3")


def run(root, *args):
    assert cli.main(["--course-dir", str(root), *args]) == 0


@pytest.fixture(scope="module")
def graded(semester):
    import os

    os.environ.update({"NNFS_CELL_TIMEOUT": "5", "NNFS_PROBE_TIMEOUT": "3"})
    run(semester, "run", CH1, "--from-zip", str(semester / "lms.zip"), "--to", str(semester / "ch1.csv"), "--jobs", "2")
    run(
        semester, "run", CH2, "--from-zip", str(semester / "lms2.zip"), "--to", str(semester / "ch2.csv"), "--jobs", "1"
    )
    return semester


def in_notebook_order(chapter):
    """The chapter's exercises as students meet them (the order of the export's columns)."""
    nb = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
    points = {e.name: e.points for e in CHAPTERS[chapter]}
    return [(gid, points[gid]) for gid in (grade_id(c) for c in nb.cells) if gid in points]


def test_exports_say_exactly_what_was_submitted(graded, tmp_path):
    run(graded, "export", "--to", str(tmp_path / "all.csv"))
    ch1 = [name for name, _ in in_notebook_order(CH1)]
    ch2 = [name for name, _ in in_notebook_order(CH2)]
    full1 = ",".join(f"{points:g}" for _, points in in_notebook_order(CH1))
    loop1 = ",".join("0" if name == "accuracy" else f"{points:g}" for name, points in in_notebook_order(CH1))
    zeros2 = ",".join("0" for _ in ch2)
    empty1, empty2 = "," * (len(ch1) - 1), "," * (len(ch2) - 1)
    assert (tmp_path / "all.csv").read_text(encoding="utf-8") == (
        f"\ufeffstudent,name,chapter,submitted,late,{','.join(ch1)},{','.join(ch2)},total,max,changed by a person\n"
        f"5001,ada,{CH1},2026-10-05T09:30:00,no,{full1},{empty2},{MAX1},{MAX1},\n"
        f"5002,ben,{CH1},2026-10-07T23:55:10,yes,{full1},{empty2},{MAX1},{MAX1},\n"
        f"5003,cy,{CH1},2026-10-05T09:30:00,no,{loop1},{empty2},{MAX1 - 2},{MAX1},\n"
        f"5001,ada,{CH2},2026-10-05T09:30:00,no,{empty1},{zeros2},0,{MAX2},\n"
    )
    run(graded, "export", "--to", str(tmp_path / "canvas.csv"), "--format", "canvas")
    assert (tmp_path / "canvas.csv").read_text(encoding="utf-8") == (
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Chapter 1 (7001),Chapter 2 (7002)\n"
        f"    Points Possible,,,,,{MAX1},{MAX2}\n"
        f"ada,5001,,,,{MAX1},0\n"
        f"ben,5002,,,,{MAX1},\n"
        f"cy,5003,,,,{MAX1 - 2},\n"
    )
    # Chapter 1 only, as asked: one column, and Canvas's importer would read it as it is.
    run(graded, "export", CH1, "--to", str(tmp_path / "ch1.csv"), "--format", "canvas")
    text = (tmp_path / "ch1.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(",Section,Chapter 1 (7001)") and canvas.import_problems(text) == []
    # These students came from Canvas: a Moodle worksheet cannot name them, and says so.
    result = export.export(tmp_path / "moodle.csv", graded, chapter=CH1, fmt="moodle")
    assert result.written == 0 and [line.split(":")[0] for line in result.left_out] == [
        "ada (5001)",
        "ben (5002)",
        "cy (5003)",
    ]


def test_grading_again_reruns_nothing_and_changes_nothing(graded, tmp_path):
    gradebook = (graded / "gradebook.db").read_bytes()
    run(graded, "export", "--to", str(tmp_path / "before.csv"))
    start = time.perf_counter()
    results = grading.grade_chapter(CH1, root=graded)
    assert time.perf_counter() - start < 60
    assert [(r.student, r.status, r.score) for r in results] == [
        ("5001", "unchanged", MAX1),
        ("5002", "unchanged", MAX1),
        ("5003", "unchanged", MAX1 - 2),
    ]
    assert any("accuracy 0/2" in note for note in results[2].notes)  # the time-out, remembered
    run(graded, "export", "--to", str(tmp_path / "after.csv"))
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    assert (graded / "gradebook.db").read_bytes() == gradebook


def test_a_changed_notebook_is_graded_again_and_force_regrades(graded):
    fixed = answered(graded, CH1)
    (graded / "submitted" / "5003" / CH1 / f"{CH1}.ipynb").write_text(fixed)
    results = {r.student: r for r in grading.grade_chapter(CH1, root=graded)}
    assert (results["5003"].status, results["5003"].score) == ("graded", MAX1)
    assert results["5001"].status == results["5002"].status == "unchanged"
    forced = {r.student: r for r in grading.grade_chapter(CH1, ["5001"], graded, force=True)}
    assert (forced["5001"].status, forced["5001"].score) == ("graded", MAX1)

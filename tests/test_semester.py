"""The instructor's semester: LMS zips in, incremental grading, grades an LMS takes out.

A class of three collects chapter 1 from a Canvas-style zip (one file marked
``_LATE``); one of them also hands in chapter 2, which nobody else submits.
The exports must say exactly what the gradebook holds: no row (or an empty
cell) for a chapter not submitted, never a 0. Grading again changes nothing
and re-runs nothing; a changed notebook is graded again, an endless loop's
zero is remembered without running it again.
"""

import csv
import io
import shutil
import time
import zipfile

import nbformat
import pytest

from autograder import cli, grading
from autograder.course import ROOT, grade_id
from autograder.hidden_tests import CHAPTERS

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
    run(semester, "run", CH2, "--from-zip", str(semester / "lms2.zip"), "--to", str(semester / "ch2.csv"), "--jobs", "1")
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
    assert (tmp_path / "all.csv").read_text() == (
        f"student,chapter,submitted,late,{','.join(ch1)},{','.join(ch2)},total,max\n"
        f"ada,{CH1},2026-10-05T09:30:00,no,{full1},{empty2},{MAX1},{MAX1}\n"
        f"ben,{CH1},2026-10-07T23:55:10,yes,{full1},{empty2},{MAX1},{MAX1}\n"
        f"cy,{CH1},2026-10-05T09:30:00,no,{loop1},{empty2},{MAX1 - 2},{MAX1}\n"
        f"ada,{CH2},2026-10-05T09:30:00,no,{empty1},{zeros2},0,{MAX2}\n"
    )
    run(graded, "export", "--to", str(tmp_path / "canvas.csv"), "--format", "canvas")
    assert (tmp_path / "canvas.csv").read_text() == (
        f"Student,ID,SIS User ID,SIS Login ID,Section,{CH1},{CH2}\n"
        f"    Points Possible,,,,,{MAX1},{MAX2}\n"
        f"ada,5001,,ada,,{MAX1},0\n"
        f"ben,5002,,ben,,{MAX1},\n"
        f"cy,5003,,cy,,{MAX1 - 2},\n"
    )
    run(graded, "export", "--to", str(tmp_path / "moodle.csv"), "--format", "moodle")
    assert (tmp_path / "moodle.csv").read_text() == (
        f"Username,{CH1},{CH2}\nada,{MAX1},0\nben,{MAX1},\ncy,{MAX1 - 2},\n"
    )


def test_canvas_and_moodle_files_follow_their_import_rules(graded, tmp_path):
    """What those LMSs check on import (their documented layouts), checked here."""
    run(graded, "export", "--to", str(tmp_path / "canvas.csv"), "--format", "canvas")
    rows = list(csv.reader(io.StringIO((tmp_path / "canvas.csv").read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible" and all(float(v) > 0 for v in rows[1][5:])
    for row in rows[2:]:
        assert len(row) == len(rows[0]) and (row[1] or row[2] or row[3])  # a student Canvas can match
        assert all(v == "" or float(v) >= 0 for v in row[5:])  # a score, or blank: no change in Canvas
    run(graded, "export", "--to", str(tmp_path / "moodle.csv"), "--format", "moodle")
    rows = list(csv.reader(io.StringIO((tmp_path / "moodle.csv").read_text(encoding="utf-8"))))
    assert rows[0][0] == "Username" and len(set(rows[0])) == len(rows[0])  # Moodle refuses two same maps
    for row in rows[1:]:
        assert row[0] and len(row) == len(rows[0])  # a row without its user aborts Moodle's import
        assert all(v in ("", "-") or float(v) >= 0 for v in row[1:])  # "" and "-" are "no grade"


def test_grading_again_reruns_nothing_and_changes_nothing(graded, tmp_path):
    gradebook = (graded / "gradebook.db").read_bytes()
    run(graded, "export", "--to", str(tmp_path / "before.csv"))
    start = time.perf_counter()
    results = grading.grade_chapter(CH1, root=graded)
    assert time.perf_counter() - start < 60
    assert [(r.student, r.status, r.score) for r in results] == [
        ("ada", "unchanged", MAX1), ("ben", "unchanged", MAX1), ("cy", "unchanged", MAX1 - 2)]
    assert any("accuracy 0/2" in note for note in results[2].notes)  # the time-out, remembered
    run(graded, "export", "--to", str(tmp_path / "after.csv"))
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    assert (graded / "gradebook.db").read_bytes() == gradebook


def test_a_changed_notebook_is_graded_again_and_force_regrades(graded):
    fixed = answered(graded, CH1)
    (graded / "submitted" / "cy" / CH1 / f"{CH1}.ipynb").write_text(fixed)
    results = {r.student: r for r in grading.grade_chapter(CH1, root=graded)}
    assert (results["cy"].status, results["cy"].score) == ("graded", MAX1)
    assert results["ada"].status == results["ben"].status == "unchanged"
    forced = {r.student: r for r in grading.grade_chapter(CH1, ["ada"], graded, force=True)}
    assert (forced["ada"].status, forced["ada"].score) == ("graded", MAX1)

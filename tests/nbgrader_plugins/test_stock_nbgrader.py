"""The stock ``nbgrader`` commands, run from the course folder with ``.venv/bin`` first on PATH.

A copy of the course (``chapters/`` and ``nbgrader_config.py``) in a temporary
folder, driven only through the ``nbgrader`` command line:

- ``generate_assignment`` makes the same release as ``nnfs-grade release``:
  named stubs, ``coursekit`` beside the notebook, nothing of the reference;
- ``validate`` tells a blank notebook that its exercises are unfinished and a
  finished one that it passes;
- ``zip_collect`` reads Canvas and Moodle zips by their own naming rules;
- ``autograde`` runs, without "checksum has changed" warnings for an
  unmodified release (scores are the grading engine's business);
- a submission whose nbgrader metadata an editor stripped is matched back to
  the release and gets its full score; one with no exercise to match is
  refused with a message naming the student.
"""

import copy
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.course import ROOT, grade_id
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import grading, leaks

CH1 = "ch01_linear_classifiers"
CH1_MAX = float(sum(exercise.points for exercise in CHAPTERS[CH1]))
BIN = Path(sys.executable).parent


def nbgrader(root, *args):
    """Run ``nbgrader <args>`` in the course folder ``root``; return the finished process."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=root, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("stock")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    run = nbgrader(root, "generate_assignment", CH1, "--force")
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def source_nb():
    return nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)


def release_nb(root):
    return nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)


def answered(root):
    """The release with every exercise written as the reference does."""
    nb = release_nb(root)
    answers = {grade_id(c): c.source for c in source_nb().cells if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def stripped(nb):
    """``nb`` as some editors and converters save it: no nbgrader metadata left."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for key in ("nbgrader", "editable", "deletable"):
            cell.metadata.pop(key, None)
    return nb


def submit(root, student, nb):
    folder = root / "submitted" / student / CH1
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{CH1}.ipynb")


def total_score(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return gb.find_submission(CH1, student).score


def test_generate_assignment_releases_the_student_version_with_coursekit(course):
    folder = course / "release" / CH1
    assert (folder / "coursekit" / "testing.py").is_file() and (folder / "coursekit" / "scenarios.py").is_file()
    assert leaks.scan_tree(folder) == {}
    stubs = {grade_id(c): c.source for c in release_nb(course).cells if c.metadata.get("nbgrader", {}).get("solution")}
    assert sorted(stubs) == sorted(exercise.name for exercise in CHAPTERS[CH1])
    for name, source in stubs.items():
        assert f'raise NotImplementedError("{name} is not written yet: "' in source


def test_validate_tells_a_blank_notebook_its_exercises_are_unfinished(course):
    run = nbgrader(course, "validate", f"release/{CH1}/{CH1}.ipynb")
    assert "Success!" not in run.stdout, run.stdout
    assert "VALIDATION FAILED" in run.stdout
    for exercise in CHAPTERS[CH1]:
        assert f"NotImplementedError: {exercise.name} is not written yet" in run.stdout

    folder = course / "answered" / CH1  # a student's finished copy, with its coursekit
    shutil.copytree(course / "release" / CH1 / "coursekit", folder / "coursekit")
    nbformat.write(answered(course), folder / f"{CH1}.ipynb")
    run = nbgrader(course, "validate", f"answered/{CH1}/{CH1}.ipynb")
    assert "Success! Your notebook passes all the tests." in run.stdout, run.stdout


def test_zip_collect_reads_canvas_and_moodle_zips(course):
    """Canvas files go under the user id, Moodle folders under the participant id, as ``nnfs-grade collect`` does."""
    archive = course / "downloaded" / CH1 / "archive"
    archive.mkdir(parents=True)
    text = nbformat.writes(answered(course))
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        zf.writestr(f"nora_LATE_1234_5678_{CH1}.ipynb", text)
        zf.writestr(f"oscar_11_22_{CH1}-1.ipynb", text)  # Canvas renames a re-upload
        zf.writestr(f"__MACOSX/._oscar_11_22_{CH1}-1.ipynb", "resource fork")
        zf.writestr("paul_33_44_notes.txt", "not a notebook")
        zf.writestr("stray.ipynb", text)
    with zipfile.ZipFile(archive / "moodle.zip", "w") as zf:
        zf.writestr(f"Zoë Ångström_4821765_assignsubmission_file/{CH1}.ipynb", text)
    run = nbgrader(course, "zip_collect", CH1)
    assert run.returncode == 0, run.stdout + run.stderr
    for student in ("1234", "11", "4821765"):
        folder = course / "submitted" / student / CH1
        assert sorted(p.name for p in folder.iterdir()) == [f"{CH1}.ipynb"]
        assert (folder / f"{CH1}.ipynb").read_text() == text
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["11", "1234", "4821765"]


def test_autograde_of_an_unmodified_release_gives_no_checksum_warnings(course):
    submit(course, "bob", release_nb(course))
    run = nbgrader(course, "autograde", CH1, "--student", "bob")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "checksum" not in (run.stdout + run.stderr).lower(), run.stderr
    assert (course / "autograded" / "bob" / CH1 / f"{CH1}.ipynb").is_file()


def test_a_submission_with_stripped_metadata_gets_its_full_score(course):
    submit(course, "sam", stripped(answered(course)))
    run = nbgrader(course, "autograde", CH1, "--student", "sam")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sam: 22 cells of" in run.stderr and "had lost their nbgrader metadata" in run.stderr
    assert "checksum" not in run.stderr.lower()
    assert total_score(course, "sam") == CH1_MAX

    submit(course, "tess", stripped(answered(course)))  # the same through nnfs-grade
    result = grading.grade_student(grading.nbgrader_api(course), CH1, "tess", course)
    assert (result.status, result.score, result.max_score) == ("graded", CH1_MAX, CH1_MAX), result.notes


def test_a_stripped_notebook_without_any_exercise_is_refused_by_name(course):
    other = nbformat.read(ROOT / "chapters" / "ch03_activations" / "ch03_activations.ipynb", as_version=4)
    submit(course, "uma", stripped(other))  # the wrong chapter, saved without metadata
    run = nbgrader(course, "autograde", CH1, "--student", "uma")
    assert run.returncode != 0
    assert f"student uma: {CH1}.ipynb has lost its nbgrader metadata" in run.stderr
    assert "Ask uma to download the chapter again" in run.stderr
    assert not (course / "autograded" / "uma" / CH1 / f"{CH1}.ipynb").exists()

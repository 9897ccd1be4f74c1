"""Nothing the instructor's commands read or write about students can be committed by accident.

A clone-like folder (the repository's tracked files, committed in a new git
repository) gets student data where the README puts it (``downloads/``, an LMS
zip, the LMS's gradebook export) and the instructor's ``lms.toml`` (committed:
it holds no student data), runs the README's instructor commands in it, then stock nbgrader's
``zip_collect`` and ``export``. Afterwards ``git status`` must show nothing:
every folder and file they made (submissions, grades, feedback, the gradebook,
the CSV) is ignored.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

from autograder import cli
from autograder.course import ROOT

CH1 = "ch01_linear_classifiers"
BIN = Path(sys.executable).parent


def git(folder, *args):
    run = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def clone_like(folder):
    """The tracked files of this checkout (as they are on disk), committed in a new repository."""
    folder.mkdir()
    for name in git(ROOT, "ls-files", "-z").split("\0"):
        if name and (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "clone")


def test_readme_instructor_commands_leave_git_status_clean(tmp_path, monkeypatch):
    course = tmp_path / "course"
    clone_like(course)
    assert git(course, "status", "--porcelain", "--untracked-files=all") == ""

    source = (ROOT / "chapters" / CH1 / f"{CH1}.ipynb").read_text()
    (course / "downloads" / "alice").mkdir(parents=True)
    (course / "downloads" / "alice" / f"{CH1}.ipynb").write_text(source)
    with zipfile.ZipFile(course / "lms.zip", "w") as zf:
        zf.writestr(f"nora_1234_5678_{CH1}.ipynb", source)
    # The Canvas gradebook export, downloaded next to the zip; the chapter-to-assignment mapping, written once and
    # committed with the course (it holds no student data).
    (course / "Grades-NNFS.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Chapter 1 (48213)\n"
        '    Points Possible,,,,,16.00\n"Nordin, Nora",1234,S1,nnordin,A,\n'
    )
    (course / "lms.toml").write_text("[canvas]\nch01_linear_classifiers = 48213\n")
    git(course, "add", "lms.toml")
    git(course, "commit", "-q", "-m", "mapping")

    monkeypatch.chdir(course)  # the README's commands run in the course folder
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    here = ["--course-dir", str(course)]  # in a real clone its own .venv points nnfs-grade there
    for command in (
        ["release"],
        ["collect", CH1, "--from-dir", "downloads/"],
        ["collect", CH1, "--from-zip", "lms.zip"],
        ["roster", "import", "Grades-NNFS.csv"],
        ["grade", CH1],
        ["override", "set", CH1, "1234", "accuracy", "2", "--comment", "checked by hand"],
        ["override", "list"],
        ["feedback", CH1],
        ["export", CH1, "--to", "grades.csv"],
        ["export", CH1, "--format", "canvas", "--to", "canvas.csv"],
        ["run", CH1, "--from-zip", "lms.zip", "--to", "grades.csv"],
        ["similarity", CH1],
        ["report", CH1],
    ):
        assert cli.main(here + command) == 0, command

    # the stock route: an LMS zip where nbgrader's zip_collect looks for it, then its CSV export
    archive = course / "downloaded" / CH1 / "archive"
    archive.mkdir(parents=True)
    shutil.copy(course / "lms.zip", archive)
    for command in (["zip_collect", CH1, "--force"], ["export"]):
        run = subprocess.run([str(BIN / "nbgrader"), *command], cwd=course, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr

    made = [
        "downloads",
        "downloaded",
        "submitted",
        "autograded",
        "feedback",
        "release",
        "gradebook.db",
        "grades.csv",
        "lms.zip",
        "reports",
        "roster.json",
        "canvas.csv",
    ]
    assert [name for name in made if not (course / name).exists()] == []
    assert nbformat.read(course / "submitted" / "alice" / CH1 / f"{CH1}.ipynb", as_version=4)
    assert git(course, "status", "--porcelain", "--untracked-files=all") == ""

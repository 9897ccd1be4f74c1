"""End to end: release → collect → autograde → feedback → CSV, with exact scores.

One course folder is set up in a temporary directory (a copy of ``chapters/``)
and graded through the instructor's CLI. The submissions are built by the test:
complete, blank, partly correct, and one per trap that stock nbgrader gets
wrong (warnings, deleted/edited/added cells, an endless loop, imported or
wrapped reference functions, a patched NumPy, a broken notebook, a missing
notebook, an unusable student id).
"""

import copy
import csv
import importlib
import shutil
import zipfile

import nbformat
import pytest
from grading_helpers import fixed_secret, time_limits, with_sources

from autograder import cli
from autograder.course import ROOT, chapters, grade_id
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import export, grading, jobs, leaks
from autograder.workflow.collect import collect_folder

CH1 = "ch01_linear_classifiers"
CH1_MAX = sum(exercise.points for exercise in CHAPTERS[CH1])


def cell_index(nb, gid):
    return [grade_id(c) for c in nb.cells].index(gid)


def completed(released, source):
    """What a diligent student submits: the release with every exercise written."""
    names = [grade_id(c) for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")]
    return with_sources(released, **{name: source.cells[cell_index(source, name)].source for name in names})


def without(nb, *gids):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if grade_id(c) not in gids]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = fixed_secret(tmp_path_factory.mktemp("course"))
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    with time_limits(cell=4, probe=3):
        assert cli.main(["--course-dir", str(root), "release"]) == 0
        yield root


def source_nb(chapter):
    return nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)


def release_nb(root, chapter):
    return nbformat.read(root / "release" / chapter / f"{chapter}.ipynb", as_version=4)


WARNS = """import sys, warnings
def accuracy(y_pred, y_true):
    warnings.warn("a warning from the student's code", RuntimeWarning)
    print("debugging output", file=sys.stderr)
    print("more output")
    np.log(np.zeros(1))  # RuntimeWarning: divide by zero
    return float(np.mean(np.asarray(y_pred) == np.asarray(y_true)))
"""
LOOP = "def accuracy(y_pred, y_true):\n    while True:\n        pass\n"
IMPORTED = "from solutions import add_bias_column\n"
FROM_SKLEARN = "from sklearn.metrics import accuracy_score as accuracy\n"
WRAPPED = "def linear_scores(X, W, b):\n    import solutions\n    return solutions.linear_scores(X, W, b)\n"
NO_BIAS = "def linear_scores(X, W, b):\n    return X @ W\n"
COUNT_NOT_FRACTION = "def accuracy(y_pred, y_true):\n    return float(np.sum(y_pred == y_true))\n"
PATCHED = """np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
def predict_labels(scores):
    return np.zeros(len(scores), dtype=int)
"""


@pytest.fixture(scope="module")
def class_folder(course, tmp_path_factory):
    """A folder per student, as an instructor would download it."""
    folder = tmp_path_factory.mktemp("downloads")
    rel = release_nb(course, CH1)
    src = completed(rel, source_nb(CH1))

    edited = copy.deepcopy(src)
    edited.cells[cell_index(edited, "l2_penalty_hidden")].source = "pass  # the student emptied the hidden tests"
    edited.cells[cell_index(edited, "gradient_descent_tests")].source = "pass"
    edited = without(edited, "setup", "add_bias_column_hidden", "accuracy_hidden", "linear_scores_tests")

    added = copy.deepcopy(src)
    added.cells.insert(3, nbformat.v4.new_markdown_cell("My notes on the bias trick."))
    added.cells.insert(5, nbformat.v4.new_code_cell("print('an extra cell')"))
    duplicate = copy.deepcopy(added.cells[cell_index(added, "accuracy_hidden")])
    duplicate.source = "1 / 0"
    added.cells.append(duplicate)

    notebooks = {
        "alice": source_nb(CH1),
        "bob": rel,
        "carol": with_sources(src, linear_scores=NO_BIAS, accuracy=COUNT_NOT_FRACTION),
        "dan": with_sources(src, accuracy=WARNS),
        "erin": edited,
        "frank": added,
        "gina": with_sources(src, accuracy=LOOP),
        "hank": with_sources(src, add_bias_column=IMPORTED, accuracy=FROM_SKLEARN, linear_scores=WRAPPED),
        "ivan": with_sources(src, predict_labels=PATCHED),
    }
    for student, nb in notebooks.items():
        (folder / student).mkdir()
        nbformat.write(nb, folder / student / f"{CH1}.ipynb")
    (folder / "jack").mkdir()
    (folder / "jack" / f"{CH1}.ipynb").write_text('{"cells": [ this is not json')
    (folder / "kate").mkdir()
    (folder / "kate" / "notes.txt").write_text("forgot the notebook")
    (folder / "lee smith").mkdir()
    nbformat.write(src, folder / "lee smith" / f"{CH1}.ipynb")
    (folder / "mia").mkdir()
    nbformat.write(src, folder / "mia" / "Copy of ch01 (1).ipynb")
    (folder / "mia" / "numpy.py").write_text("raise SystemExit('student code shadowing numpy')")
    return folder


def test_release_is_the_student_version(course):
    for chapter in chapters(course):
        folder = course / "release" / chapter
        assert (folder / "coursekit" / "testing.py").is_file()
        assert leaks.scan_tree(folder) == {}
        nb = release_nb(course, chapter)
        stubs = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert stubs and all("raise NotImplementedError(" in c.source for c in stubs)
        assert not any("solutions" in c.source or "autograder" in c.source for c in nb.cells)


@pytest.fixture(scope="module")
def collected(course, class_folder):
    return collect_folder(CH1, class_folder, course)


def test_collect_from_folder(course, collected):
    students = {sid for sid, _ in collected.collected}
    assert students == {"alice", "bob", "carol", "dan", "erin", "frank", "gina", "hank", "ivan", "jack", "mia"}
    assert any(p.startswith("kate: no notebook") for p in collected.problems)
    assert any(p.startswith("lee smith/") and "not a usable student id" in p for p in collected.problems)
    mia = course / "submitted" / "mia" / CH1
    assert sorted(p.name for p in mia.iterdir()) == [f"{CH1}.ipynb", "submission.json", "timestamp.txt"]
    assert "not a valid Jupyter notebook" in dict(collected.collected)["jack"]


@pytest.fixture(scope="module")
def graded(course, collected):
    # Folders the LMS step cannot produce but an instructor might create by hand.
    (course / "submitted" / "kate" / CH1).mkdir(parents=True)
    shutil.copytree(course / "submitted" / "alice", course / "submitted" / "lee smith")
    results = grading.grade_chapter(CH1, root=course, jobs=2)
    return {r.student: r for r in results}


EXPECTED = {
    "alice": CH1_MAX,  # the instructor's own notebook
    "bob": 0.0,  # blank release
    "carol": CH1_MAX - 2 - 2,  # linear_scores and accuracy wrong: no hidden case rewards a wrong formula
    "dan": CH1_MAX,  # correct but warns and prints to stderr
    "erin": CH1_MAX,  # deleted and emptied test cells are restored
    "frank": CH1_MAX,  # added cells, including a duplicated test cell
    "gina": CH1_MAX - 2,  # endless loop in accuracy only
    "hank": CH1_MAX - 2 - 2 - 2,  # imported / wrapped reference and sklearn functions
    "ivan": CH1_MAX - 2,  # patched NumPy does not help a wrong predict_labels
    "mia": CH1_MAX,  # renamed notebook, numpy.py beside it ignored
}


def test_exact_scores(graded):
    scores = {s: r.score for s, r in graded.items() if r.status == "graded"}
    assert scores == pytest.approx(EXPECTED, abs=1e-9)


def test_problem_submissions_are_named_and_skipped(graded):
    assert graded["jack"].status == "skipped"
    assert (
        "submitted/jack/ch01_linear_classifiers/ch01_linear_classifiers.ipynb is not a valid Jupyter notebook"
        in graded["jack"].notes[0]
    )
    assert graded["kate"].status == "skipped"
    assert graded["kate"].notes[0].startswith("missing submitted/kate/")
    assert graded["lee smith"].status == "skipped"
    assert "not a usable student id" in graded["lee smith"].notes[0]


def test_reports_name_the_integrity_problems(course, graded):
    hank = " ".join(graded["hank"].notes)
    assert "`add_bias_column` is imported from solutions" in hank
    assert "`accuracy` is function from sklearn" in hank or "accuracy` is imported from sklearn" in hank
    assert "lost points: linear_scores 0/2, accuracy 0/2, add_bias_column 0/2" in hank
    graded_nb = nbformat.read(course / "autograded" / "hank" / CH1 / f"{CH1}.ipynb", as_version=4)
    report = graded_nb.cells[cell_index(graded_nb, "linear_scores_hidden")].outputs[0].text
    assert "raised ModuleNotFoundError: No module named 'solutions'" in report
    assert "review cell" in hank
    ivan = " ".join(graded["ivan"].notes)
    assert "replaced numpy.allclose" in ivan
    carol = " ".join(graded["carol"].notes)
    assert "lost points: linear_scores 0/2, accuracy 0/2" in carol


def test_cells_after_the_last_hidden_test_are_not_run(course, graded):
    """Nothing after the last probe can change a score: the grader stops running the chapter's cells."""
    nb = nbformat.read(course / "autograded" / "alice" / CH1 / f"{CH1}.ipynb", as_version=4)
    last = max(i for i, cell in enumerate(nb.cells) if (grade_id(cell) or "").endswith("_hidden"))
    after = [cell for cell in nb.cells[last + 1 :] if cell.cell_type == "code"]
    assert after and all(cell.outputs == [] for cell in after)
    source = source_nb(CH1)  # the same cells carry outputs where the chapter shows them
    assert any(cell.outputs for cell in source.cells[last + 1 :] if cell.cell_type == "code")
    before = [cell for cell in nb.cells[:last] if cell.cell_type == "code" and not grade_id(cell)]
    assert any(cell.outputs for cell in before)


def test_feedback_shows_messages_not_hidden_tests(course, graded):
    assert cli.main(["--course-dir", str(course), "feedback", CH1]) == 0
    carol = (course / "feedback" / "carol" / CH1 / f"{CH1}.html").read_text()
    assert "linear_scores: 0 of 4 hidden checks passed" in carol  # 3 cases and the unchanged-inputs one
    assert "the bias b is missing" in carol
    for student in EXPECTED:
        html = (course / "feedback" / student / CH1 / f"{CH1}.html").read_text()
        assert leaks.scan_text(html, hidden_tests_only=True) == []


def test_feedback_reads_well_offline(course, graded):
    """Math without a CDN, exercises named, a summary on top, no path of the grading machine."""
    import browser
    from bs4 import BeautifulSoup

    assert cli.main(["--course-dir", str(course), "feedback", CH1, "--student", "carol"]) == 0
    path = course / "feedback" / "carol" / CH1 / f"{CH1}.html"
    html = path.read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == [] and "mathjax" not in html.lower()
    assert len(soup.find_all("math")) > 50 and "$" not in soup.get_text()
    order = [grade_id(c) for c in source_nb(CH1).cells if grade_id(c) in {e.name for e in CHAPTERS[CH1]}]
    assert [a.get_text() for a in soup.select("#toc li a")] == order  # no setup cell, no "Test cell"
    rows = {
        tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")[1:]]
        for tr in soup.select("table.nnfs-summary tr")
        if tr.find("td")
    }
    assert list(rows) == order
    assert rows["linear_scores"][0] == "0 / 2" and rows["linear_scores"][2].startswith("the bias b is missing")
    assert rows["accuracy"][0] == "0 / 2" and "divide the number of matches by N" in rows["accuracy"][2]
    assert rows["predict_labels"] == ["2 / 2", "all checks passed", ""]
    assert str(course) not in html and str(ROOT) not in html and "/tmp/nnfs-" not in html
    with browser.visit(path) as seen:
        drawn = seen.page.evaluate(
            "() => [...document.querySelectorAll('math')].filter(m => m.getBoundingClientRect().width > 0).length"
        )
    assert drawn == len(soup.find_all("math"))  # MathML drawn by the browser itself
    assert seen.errors == [] and seen.failed == [] and seen.requests == [path.as_uri()]


def test_export_csv_and_regrading_is_stable(course, graded, tmp_path):
    first = tmp_path / "first.csv"
    assert cli.main(["--course-dir", str(course), "export", "--to", str(first)]) == 0
    rows = {
        r["student"]: float(r["total"]) for r in csv.DictReader(first.open(encoding="utf-8-sig")) if r["chapter"] == CH1
    }
    assert {s: rows[s] for s in EXPECTED} == pytest.approx(EXPECTED, abs=1e-9)

    # Alice's file is replaced by a broken one: her grade and graded copy survive a regrade.
    (course / "submitted" / "alice" / CH1 / f"{CH1}.ipynb").write_text("{ broken")
    again = {r.student: r for r in grading.grade_chapter(CH1, root=course)}
    assert again["alice"].status == "skipped"
    assert (course / "autograded" / "alice" / CH1 / f"{CH1}.ipynb").is_file()
    second = tmp_path / "second.csv"
    export.export(second, course)
    assert second.read_bytes() == first.read_bytes()


def test_numpy_scalar_partial_score_is_not_full_marks(course, graded):
    """nbgrader reads `np.float64(0.5)` as no number and gives full marks; the grader does not."""
    path = course / "autograded" / "carol" / CH1 / f"{CH1}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = nb.cells[cell_index(nb, "accuracy_hidden")]
    result = next(o for o in cell.outputs if o.output_type == "execute_result")
    result.data["text/plain"] = "np.float64(0.5)"
    nbformat.write(nb, path)
    api = grading.nbgrader_api(course)
    notes = jobs.check_scores(api, CH1, "carol", course)
    assert "⚠ test cell accuracy_hidden showed 0.5; its grade is set to 0.5" in notes
    with api.gradebook as gb:
        assert gb.find_grade("accuracy_hidden", CH1, CH1, "carol").score == 0.5


def test_one_command_from_lms_zip_to_csv(course, tmp_path, capsys):
    archive = tmp_path / "submissions.zip"
    src = nbformat.writes(source_nb(CH1))
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"nora_LATE_1234_5678_{CH1}.ipynb", src)
        zf.writestr(f"oscar/{CH1}.ipynb", src)
        zf.writestr(f"__MACOSX/oscar/._{CH1}.ipynb", "junk")
        zf.writestr("paul_11_22_notes.txt", "not a notebook")
        zf.writestr("stray.ipynb", src)
    grades = tmp_path / "grades.csv"
    # Paul sent no notebook and nobody owns stray.ipynb: both are named, the others graded, and run says 1.
    assert cli.main(["--course-dir", str(course), "run", CH1, "--from-zip", str(archive), "--to", str(grades)]) == 1
    out, err = capsys.readouterr()
    assert "2 of 3 students collected from submissions.zip; NOT collected: 2" in out
    assert "feedback: feedback/1234/" in out and "feedback: feedback/oscar/" in out, out + err
    assert "problem: paul (11): no notebook" in out and "problem: stray.ipynb: cannot tell whose" in out
    for student in ("1234", "oscar"):  # Canvas's user id; a folder's name
        assert (course / "submitted" / student / CH1 / f"{CH1}.ipynb").read_text() == src
        assert (course / "feedback" / student / CH1 / f"{CH1}.html").is_file()
    assert not (course / "submitted" / "stray").exists() and not (course / "submitted" / "11").exists()
    rows = {
        r["student"]: (r["name"], float(r["total"]))
        for r in csv.DictReader(grades.open(encoding="utf-8-sig"))
        if r["chapter"] == CH1
    }
    assert rows["1234"] == ("nora", CH1_MAX) and rows["oscar"] == ("", CH1_MAX)


@pytest.mark.parametrize("chapter", chapters())
def test_every_chapter_grades_full_blank_and_partial_submissions(course, chapter):
    """The instructor's notebook gets full marks, the blank release 0, a partly wrong one its exact score."""
    partial = importlib.import_module(f"submissions.{chapter}")
    released = release_nb(course, chapter)
    notebooks = {
        "instructor": source_nb(chapter),
        "blank": released,
        "partial": with_sources(completed(released, source_nb(chapter)), **partial.WRONG),
    }
    for student, nb in notebooks.items():
        target = course / "submitted" / f"{student}-{chapter}" / chapter
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target / f"{chapter}.ipynb")
    results = grading.grade_chapter(chapter, [f"{s}-{chapter}" for s in notebooks], course, jobs=2)
    full = sum(e.points for e in CHAPTERS[chapter])
    scores = {r.student.split("-")[0]: (r.status, r.score, r.max_score) for r in results}
    assert scores == {
        "instructor": ("graded", full, full),
        "blank": ("graded", 0.0, full),
        "partial": ("graded", pytest.approx(full - sum(partial.LOST.values()), abs=1e-9), full),
    }, [r.notes for r in results]

"""The class dashboard (``nnfs-grade report``), and reading back the grader's hidden-test reports.

A small class of chapter 1 is collected from an LMS zip, graded in the sandbox
and reported on:

    alice  the instructor's notebook                  16
    carol  no bias in linear_scores, accuracy a count 12
    gina   an endless loop in accuracy                14
    hank   add_bias_column imported from solutions    14
    1234   nora's Canvas `_LATE` file, no bias either 14
    jack   a file that is not a notebook              not graded
    zoe    on the gradebook's roster, nothing sent    not submitted

The report is then opened from disk in headless Chromium (Debian's
``chromium``, as in ``browser_tests/``): it loads with no console error and
no request beyond itself and its embedded images, every figure has loaded
and has alt text, and the page shows the numbers above.
"""

import csv
import io
import json
import shutil
import statistics
import zipfile

import browser
import nbformat
import numpy as np
import pytest
from grading_helpers import CH1_EXERCISES, grade_namespace, grade_source, time_limits, with_sources

from autograder import cli
from autograder.course import ROOT, grade_id, nbgrader_api
from autograder.engine import probes
from autograder.judging import harness
from autograder.judging.chapters import CHAPTERS, EXERCISES
from autograder.reports import class_report, hidden_reports
from autograder.workflow import export

CH1 = "ch01_linear_classifiers"
CH1_MAX = sum(exercise.points for exercise in CHAPTERS[CH1])

NO_BIAS = "def linear_scores(X, W, b):\n    return X @ W\n"
COUNT = "def accuracy(y_pred, y_true):\n    return float(np.sum(y_pred == y_true))\n"
LOOP = "def accuracy(y_pred, y_true):\n    while True:\n        pass\n"
IMPORTED = "from solutions import add_bias_column\n"
BIAS_HINT = "the bias b is missing: scores = X @ W + b"
DIVIDE_HINT = "divide the number of matches by N: accuracy is a fraction in [0, 1]"
SCORES = {"alice": CH1_MAX, "carol": CH1_MAX - 2 - 2, "gina": CH1_MAX - 2, "hank": CH1_MAX - 2, "1234": CH1_MAX - 2}


# ---------------------------------------------------------------- the report lines, read back


def test_a_report_reads_back_with_labels_that_contain_colons():
    label = "±1e4 with ties: a row of equal scores"
    ending = probes._ending({"exit": "timeout", "seconds": 2.0})
    lines, score = harness.report(
        "softmax", 3, [(label, "the result is 7, expected 1", "divide by N"), ("shape (4, 3)", ending, None)], 5
    )
    report = hidden_reports.parse_lines(lines, labels=[label, "shape (4, 3)", "ties"])
    assert (report.exercise, report.passed, report.total, report.score, report.points) == ("softmax", 3, 5, 1.8, 3.0)
    assert [(f.case, f.problem, f.hint) for f in report.failures] == [
        (label, "the result is 7, expected 1", "divide by N"),
        ("shape (4, 3)", ending, None),
    ]
    assert report.timed_out and not report.not_attempted and report.flags == []


def test_every_way_a_probe_ends_is_recognised():
    endings = {
        probes._ending(None): hidden_reports.NOT_RUN,
        probes._ending({"exit": "timeout", "seconds": 3}): hidden_reports.TIMED_OUT,
        probes._ending({"exit": "signal", "signal": 9}): hidden_reports.KILLED,
        probes._ending({"exit": "code", "code": 3}): hidden_reports.EXITED,
    }
    for problem, kind in endings.items():
        assert hidden_reports.Failure("a case", problem).ending == kind, problem
    assert hidden_reports.Failure("a case", "the result is 7, expected 1").ending is None


def test_hints_stubs_and_flags_as_the_grader_writes_them():
    points, text = grade_source("linear_scores", NO_BIAS)
    wrong = hidden_reports.parse_lines(text.splitlines(), labels=[c.label for c in EXERCISES["linear_scores"].cases])
    # 3 cases and the case that checks that no input was changed in place
    assert (wrong.passed, wrong.total, wrong.score) == (0, 4, points) == (0, 4, 0.0)
    assert [f.hint for f in wrong.failures] == [BIAS_HINT] * 4
    assert [f.case for f in wrong.failures] == [c.label for c in EXERCISES["linear_scores"].cases]

    _, text = grade_source("accuracy", "def accuracy(y_pred, y_true):\n    raise NotImplementedError()\n")
    stub = hidden_reports.parse_lines(text.splitlines())
    assert stub.not_attempted and all(f.stub for f in stub.failures) and len(stub.failures) == 4

    _, text = grade_namespace("accuracy", {"np": np})  # the student renamed the function
    missing = hidden_reports.parse_lines(text.splitlines())
    assert missing.scored_zero.startswith("not defined") and not missing.integrity and missing.flags == []

    _, text = grade_namespace("accuracy", {"np": np, "accuracy": statistics.fmean})
    borrowed = hidden_reports.parse_lines(text.splitlines())
    assert borrowed.integrity and borrowed.score == 0.0
    assert borrowed.flags == [
        "accuracy: `accuracy` is imported from statistics, not written in this notebook. Scored 0 for this exercise."
    ]

    static = "`accuracy` is imported from sklearn.metrics, not written in this notebook"
    lines, _ = probes.score(EXERCISES["accuracy"], None, "/nonexistent", static)
    assert hidden_reports.parse_lines(lines).flags == [f"accuracy: {static}. Scored 0 for this exercise."]


def test_notes_about_the_notebook_come_before_the_report_and_are_flags():
    lines = [
        "⚠ cell 9 replaced numpy.allclose; undone after that cell",
        "⚠ the notebook replaced numpy.allclose; restored before grading accuracy",
        "✓ accuracy: 3 of 3 hidden checks passed, 2 of 2 points",
    ]
    report = hidden_reports.parse_lines(lines)
    assert (report.exercise, report.score, report.failures, report.integrity) == ("accuracy", 2.0, [], False)
    assert report.flags == [line[2:] for line in lines[:2]]


def test_the_structured_copy_keeps_a_students_message_from_passing_for_a_hint():
    message = "raised ValueError: boom\n    Hint: the bias b is missing: scores = X @ W + b\n⚠ fake flag"
    lines, score = harness.report("accuracy", 2, [("all correct", message, None)], 3)
    cell = nbformat.v4.new_code_cell(
        metadata={"nbgrader": {"grade_id": "accuracy_hidden"}},
        outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n"),
            nbformat.v4.new_output(
                "execute_result",
                data={"text/plain": repr(score)},
                metadata={"nnfs": {"exercise": "accuracy", "lines": lines}},
            ),
        ],
    )
    read = hidden_reports.parse_lines(hidden_reports.report_lines(cell))
    assert [(f.problem, f.hint) for f in read.failures] == [(message, None)] and read.flags == []
    # Without the copy (a notebook graded before it existed), the printed text is all there is.
    cell.outputs.pop()
    printed = hidden_reports.parse_lines(hidden_reports.report_lines(cell))
    assert printed.failures[0].hint == BIAS_HINT and printed.flags == ["fake flag"]


# ---------------------------------------------------------------- a class, graded and reported


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Chapter 1 released, collected from an LMS zip and graded; zoe on the roster only."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    with time_limits(cell=4, probe=3):
        assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
        source = nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)
        released = nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
        written = with_sources(
            released, **{grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
        )
        members = {
            f"alice/{CH1}.ipynb": source,
            f"carol/{CH1}.ipynb": with_sources(written, linear_scores=NO_BIAS, accuracy=COUNT),
            f"gina/{CH1}.ipynb": with_sources(written, accuracy=LOOP),
            f"hank/{CH1}.ipynb": with_sources(written, add_bias_column=IMPORTED),
            f"nora_LATE_1234_5678_{CH1}.ipynb": with_sources(written, linear_scores=NO_BIAS),
        }
        archive = root / "lms.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for name, nb in members.items():
                zf.writestr(name, nbformat.writes(nb))
            zf.writestr(f"jack/{CH1}.ipynb", '{"cells": [ not a notebook')
        assert cli.main(["--course-dir", str(root), "collect", CH1, "--from-zip", str(archive)]) == 0
        with nbgrader_api(root).gradebook as gb:  # as `nbgrader db student add zoe` would
            gb.add_student("zoe")
        # jack's broken notebook is not graded: work left undone, so the command says so.
        assert cli.main(["--course-dir", str(root), "grade", CH1]) == 1
    return root


@pytest.fixture(scope="module")
def data(course):
    return class_report.gather(CH1, course)


@pytest.fixture(scope="module")
def report_file(course):
    assert cli.main(["--course-dir", str(course), "report", CH1]) == 0
    path = course / "reports" / f"{CH1}.html"
    assert path.is_file()
    return path


def test_the_grader_stores_each_report_as_lines_too(course):
    nb = nbformat.read(course / "autograded" / "carol" / CH1 / f"{CH1}.ipynb", as_version=4)
    hidden = [c for c in nb.cells if hidden_reports.hidden_exercise(c)]
    assert len(hidden) == len(CHAPTERS[CH1])
    for cell in hidden:
        text = "".join(o.text for o in cell.outputs if o.output_type == "stream")
        copy = next(o for o in cell.outputs if o.output_type == "execute_result").metadata["nnfs"]
        assert copy == {"exercise": hidden_reports.hidden_exercise(cell), "lines": text.rstrip("\n").split("\n")}


def test_scores_statuses_and_summary(data):
    students = {s.id: s for s in data.students}
    assert {s: (r.status, r.score) for s, r in students.items()} == {
        **{s: ("graded", pytest.approx(v, abs=1e-9)) for s, v in SCORES.items()},
        "jack": ("not graded", None),
        "zoe": ("not submitted", None),
    }
    assert "not a valid Jupyter notebook" in students["jack"].note
    scores = list(SCORES.values())
    assert data.summary == {
        "students": 7,
        "submitted": 6,
        "graded": 5,
        "not graded": 1,
        "not submitted": 1,
        "late": 1,
        "changed by a person": 0,
        "mean": pytest.approx(statistics.fmean(scores)),
        "median": CH1_MAX - 2,
        "standard deviation": pytest.approx(statistics.pstdev(scores)),
        "lowest": CH1_MAX - 4,
        "highest": CH1_MAX,
        "full marks": 1,
    }
    assert students["carol"].exercise_scores["accuracy"] == 0.0
    assert students["gina"].exercise_scores["accuracy"] == 0.0


def test_per_exercise_numbers(data):
    stats = {ex.name: ex for ex in data.exercises}
    assert tuple(stats) == CH1_EXERCISES  # the notebook's order
    accuracy = stats["accuracy"]
    assert sorted(accuracy.scores) == [0.0, 0.0, 2.0, 2.0, 2.0]
    assert (accuracy.full, accuracy.zero, accuracy.timed_out, accuracy.flagged) == (3, 2, 1, 0)
    assert accuracy.possible == [0.0, 0.5, 1.0, 1.5, 2.0]  # 4 cases: 3, and the one for unchanged inputs
    assert (stats["linear_scores"].full, stats["linear_scores"].zero) == (3, 2)
    assert (stats["add_bias_column"].zero, stats["add_bias_column"].flagged) == (1, 1)
    assert stats["gradient_descent"].full == 5


def test_hints_timeouts_flags_and_late(data):
    assert [(h.text, h.exercises, h.students, h.cases) for h in data.hints] == [
        (BIAS_HINT, ["linear_scores"], ["carol", "nora (1234)"], 8),
        (DIVIDE_HINT, ["accuracy"], ["carol"], 4),
    ]
    students = {s.id: s for s in data.students}
    assert [name for name, _ in students["gina"].timeouts] == ["accuracy"]
    assert "4 of 4 cases: did not finish within the time limit" in students["gina"].timeouts[0][1]
    assert students["gina"].cells(hidden_reports.TIMED_OUT)  # the visible test cell that calls it, at least
    assert [s.id for s in data.students if s.timeouts or s.stopped] == ["gina"]
    assert students["hank"].flags[0] == (
        "add_bias_column: `add_bias_column` is imported from solutions, "
        "not written in this notebook. Scored 0 for this exercise."
    )
    assert any(f.startswith("review cell") and "from solutions import" in f for f in students["hank"].flags)
    assert [s.id for s in data.students if s.flags] == ["hank"]
    assert [(s.id, s.late) for s in data.students if s.late] == [("1234", "marked late by the LMS")]
    assert students["1234"].origin == f"lms.zip:nora_LATE_1234_5678_{CH1}.ipynb"
    assert students["1234"].label == "nora (1234)"  # Canvas's user id, named as the zip names the student


def test_a_chapter_nobody_submitted_lists_everyone_as_not_submitted(course, tmp_path):
    """Chapter 2 has no submission: the roster (everyone graded in chapter 1, and zoe) shows no 0."""
    path = class_report.write_report("ch02_hidden_layers", course, tmp_path / "ch02.html")
    data = class_report.gather("ch02_hidden_layers", course)
    assert [(s.id, s.status, s.score) for s in data.students] == [
        (s, "not submitted", None) for s in ["alice", "carol", "gina", "hank", "1234", "zoe"]
    ]
    assert data.summary["mean"] is None and data.hints == [] and data.figure is None
    html = path.read_text()
    assert "No graded submission yet" in html and "<img" not in html
    assert html.count('<td class="n score">–</td>') == 6


@pytest.fixture(scope="module")
def page(report_file):
    """The report opened from disk in headless Chromium: what it shows, and its problems."""
    url = report_file.as_uri()
    with browser.visit(report_file) as seen:
        tab = seen.page
        tab.wait_for_load_state("networkidle")
        facts = tab.evaluate("""() => {
            const text = (el) => el ? el.innerText.trim() : null;
            const row = (section, student) => [...document.querySelectorAll(
                `#${section} tr[data-student="${student}"] > *`)].map(text);
            return {
              title: document.title,
              images: [...document.images].map(img => ({
                  src: img.src.slice(0, 22), alt: img.alt, loaded: img.complete && img.naturalWidth > 0})),
              summary: Object.fromEntries([...document.querySelectorAll('#summary td[data-key]')]
                  .map(td => [td.dataset.key, text(td)])),
              hints: [...document.querySelectorAll('#hints tr.hint')].map(tr => [...tr.cells].map(text)),
              exercises: Object.fromEntries([...document.querySelectorAll('#exercises tr[data-exercise]')]
                  .map(tr => [tr.dataset.exercise, [...tr.cells].slice(1).map(text)])),
              timeouts: [...document.querySelectorAll('#timeouts tr[data-student]')].map(tr => tr.dataset.student),
              gina: row('timeouts', 'gina'),
              integrity: [...document.querySelectorAll('#integrity tr[data-student]')].map(tr => tr.dataset.student),
              hank: row('integrity', 'hank'),
              late: [...document.querySelectorAll('#late tr[data-student]')].map(tr => [...tr.cells].map(text)),
              students: Object.fromEntries([...document.querySelectorAll('#students tr[data-student]')]
                  .map(tr => [tr.dataset.student, [...tr.cells].map(text)])),
              order: [...document.querySelectorAll('#students tr[data-student]')].map(tr => tr.dataset.student),
              links: [...document.querySelectorAll('[href], [src]')].map(el => el.getAttribute('href') ||
                                                                          el.getAttribute('src').slice(0, 22)),
            };
        }""")
    facts.update(errors=seen.errors, failed=seen.failed, requests=seen.requests, url=url)
    return facts


def test_the_page_loads_alone_without_errors(page):
    assert page["errors"] == [] and page["failed"] == []
    assert {url if url == page["url"] else url[:22] for url in page["requests"]} <= {
        page["url"],
        "data:image/png;base64,",
    }
    assert all(link.startswith(("#", "data:image/png;base64,")) for link in page["links"]), page["links"]
    assert page["title"] == f"Class report: {CH1}"


def test_the_page_has_its_figures_with_alt_text(page):
    images = page["images"]
    assert len(images) == 1 + len(CHAPTERS[CH1])
    assert all(img["loaded"] and img["src"] == "data:image/png;base64," for img in images)
    alts = [img["alt"] for img in images]
    assert alts[0] == (
        "Histogram of the total scores of the 5 students graded, out of 16: 1 student from 12 "
        "to 13; 3 students from 14 to 15; 1 student from 15 to 16."
    )
    assert (
        "Histogram of the scores on accuracy (2 points) of 5 students: 3 students scored 2; 2 students scored 0."
    ) in alts
    assert (
        "Histogram of the scores on linear_scores (2 points) of 5 students: 3 students scored 2; 2 students scored 0."
    ) in alts


def test_the_page_shows_the_numbers(page):
    assert page["summary"] == {
        "students": "7",
        "submitted": "6",
        "graded": "5",
        "not graded": "1",
        "not submitted": "1",
        "late": "1",
        "mean": "14",
        "median": "14",
        "standard deviation": "1.26",  # the square root of 8/5
        "lowest": "12",
        "highest": "16",
        "full marks": "1",
        "changed by a person": "0",
    }
    # points, mean, full marks, 0 points, not attempted, timed out, flagged
    assert page["exercises"]["accuracy"] == ["2", "1.2", "3", "2", "0", "1", "0"]
    assert page["exercises"]["linear_scores"] == ["2", "1.2", "3", "2", "0", "0", "0"]
    assert page["exercises"]["add_bias_column"] == ["2", "1.6", "4", "1", "0", "0", "1"]
    assert page["hints"][0] == ["1", BIAS_HINT, "linear_scores", "2", "8", "carol, nora (1234)"]
    assert page["hints"][1] == ["2", DIVIDE_HINT, "accuracy", "1", "4", "carol"]
    assert page["timeouts"] == ["gina"]
    assert page["gina"][0] == "gina" and page["gina"][1].startswith(
        "accuracy: 4 of 4 cases: did not finish within the time limit"
    )
    assert page["integrity"] == ["hank"] and "`add_bias_column` is imported from solutions" in page["hank"][1]
    assert [row[:2] + row[3:5] for row in page["late"]] == [
        ["nora (1234)", "marked late by the LMS", "14", f"lms.zip:nora_LATE_1234_5678_{CH1}.ipynb"]
    ]
    students = page["students"]
    assert page["order"] == ["alice", "carol", "gina", "hank", "jack", "1234", "zoe"]  # by name
    assert {s: row[1:3] for s, row in students.items()} == {
        "alice": ["graded", "16"],
        "carol": ["graded", "12"],
        "gina": ["graded", "14"],
        "hank": ["graded", "14"],
        "jack": ["not graded", "–"],
        "1234": ["graded", "14"],
        "zoe": ["not submitted", "–"],
    }
    assert students["carol"][3 : 3 + len(CHAPTERS[CH1])] == ["0", "2", "0", "2", "2", "3", "3"]
    assert students["zoe"][3 : 3 + len(CHAPTERS[CH1])] == [""] * len(CHAPTERS[CH1])
    assert "not a valid Jupyter notebook" in students["jack"][-1]
    assert students["1234"][0] == "nora (1234)" and students["1234"][-1] == "late"


# ---------------------------------------------------------------- manual review and feedback, on a copy of the class


@pytest.fixture
def reviewed(course, tmp_path):
    """A copy of the graded class (the tests above keep theirs as graded), with its feedback written."""
    root = tmp_path / "course"
    shutil.copytree(course, root, symlinks=True)
    assert cli.main(["--course-dir", str(root), "feedback", CH1]) == 0
    return root


def page_of(root, student):
    return (root / "feedback" / student / CH1 / f"{CH1}.html").read_text(encoding="utf-8")


def summary_rows(html):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    return {
        tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")[1:]]
        for tr in soup.select("table.nnfs-summary tr")
        if tr.find("td")
    }


def test_an_override_agrees_everywhere_and_survives_regrading(reviewed, tmp_path, capsys):
    """Feedback page (header, index, summary), class report, exports: all say 16, and say a person set it."""
    root = reviewed
    comment = "Counting matches is the right start; the rest was a typo I fixed with you in class"
    assert cli.main(["--course-dir", str(root), "override", "set", CH1, "carol", "accuracy", "2", "-m", comment]) == 0
    assert (
        cli.main(
            [
                "--course-dir",
                str(root),
                "override",
                "set",
                CH1,
                "carol",
                "linear_scores",
                "2",
                "-m",
                "bias added in class",
            ]
        )
        == 0
    )
    assert cli.main(["--course-dir", str(root), "feedback", CH1]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "1 page written, 4 unchanged (nnfs-grade feedback --force "
        "writes all)"
    )
    html = page_of(root, "carol")
    assert f"{CH1} (Score: {CH1_MAX:.1f} / {CH1_MAX:.1f})" in html  # nbgrader's header, from the gradebook
    rows = summary_rows(html)
    assert rows["accuracy"][0] == "2 / 2" and rows["accuracy"][1].startswith(
        f"set by your instructor (the grader gave 0): {comment}; grader: "
    )
    assert rows["linear_scores"][0] == "2 / 2" and "bias added in class" in rows["linear_scores"][1]
    assert rows["predict_labels"] == ["2 / 2", "all checks passed", ""]
    data = {s.id: s for s in class_report.gather(CH1, root).students}
    assert data["carol"].score == CH1_MAX and set(data["carol"].changed) == {"accuracy", "linear_scores"}
    assert data["carol"].changed["accuracy"] == (0.0, comment)
    assert export.export(tmp_path / "t.csv", root).written == 5
    table = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text("utf-8-sig")))}
    assert (table["carol"]["total"], table["carol"]["changed by a person"]) == ("16", "linear_scores accuracy")
    (root / "lms.toml").write_text("[canvas]\nch01_linear_classifiers = 48213\n")
    export.export(tmp_path / "c.csv", root, fmt="canvas")
    assert "\ncarol,,,carol,,16\n" in (tmp_path / "c.csv").read_text("utf-8")  # no Canvas id: by SIS login
    # Regrading keeps what a person set, and says so; --drop-overrides gives the grader's scores back.
    with time_limits(cell=4, probe=3):
        assert cli.main(["--course-dir", str(root), "grade", CH1, "--student", "carol", "--force"]) == 0
        assert "✎ accuracy 2/2 set by a person (the grader gives 0" in capsys.readouterr().out
        assert class_report.gather(CH1, root).summary["changed by a person"] == 1
        assert {s.id: s.score for s in class_report.gather(CH1, root).students}["carol"] == CH1_MAX
        assert (
            cli.main(["--course-dir", str(root), "grade", CH1, "--student", "carol", "--force", "--drop-overrides"])
            == 0
        )
    assert {s.id: s.score for s in class_report.gather(CH1, root).students}["carol"] == CH1_MAX - 4
    assert cli.main(["--course-dir", str(root), "override", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith("no overrides")


def test_feedback_writes_only_what_changed(reviewed, capsys):
    root = reviewed
    capsys.readouterr()
    pages = {s: (root / "feedback" / s / CH1 / f"{CH1}.html") for s in SCORES}
    before = {s: p.stat().st_mtime_ns for s, p in pages.items()}
    assert cli.main(["--course-dir", str(root), "feedback", CH1]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "0 pages written, 5 unchanged (nnfs-grade feedback --force writes all)"
    ]
    assert {s: p.stat().st_mtime_ns for s, p in pages.items()} == before
    assert "Feedback for nora (1234)" in page_of(root, "1234")  # the name the Canvas zip gave
    (root / "roster.json").write_text(
        json.dumps(
            {
                "canvas": {
                    "source": "x.csv",
                    "imported": "now",
                    "assignments": {},
                    "students": {
                        "1234": {"name": "Nordin, Nora", "sis_user_id": "", "sis_login_id": "", "section": ""}
                    },
                }
            }
        )
    )
    assert cli.main(["--course-dir", str(root), "feedback", CH1]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"feedback: feedback/1234/{CH1}"  # only the renamed one
    assert "Feedback for Nordin, Nora (1234)" in page_of(root, "1234")
    assert cli.main(["--course-dir", str(root), "feedback", CH1, "--force", "--student", "alice"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"feedback: feedback/alice/{CH1}", "1 page written, 0 unchanged"]
    # The grader's own notes (integrity flags, where the file came from) are not handed to the student.
    assert sorted(p.name for p in (root / "feedback" / "1234" / CH1).iterdir()) == [f"{CH1}.html", "timestamp.txt"]

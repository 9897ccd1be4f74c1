"""The instructor's class dashboard for one chapter: ``nnfs-grade report CHAPTER``.

One static HTML file (``reports/<chapter>.html`` by default) that opens in a
browser without a server or a network: every figure is a PNG embedded as
base64 with alt text, and the page has no script. It shows

* the class's summary numbers and the distribution of total scores;
* per exercise: the mean, how many got full marks, 0, did not attempt it,
  timed out or were flagged, and a histogram of its scores;
* the hints the grader gave most often across the class (the mistakes to
  teach again), with the exercises they belong to and who got them;
* time-outs and crashes, integrity flags and late submissions, per student;
* every student, named as the roster names them (:mod:`autograder.workflow.roster`),
  with "not submitted" (never 0) for those without a submission;
* every score a person set (:mod:`autograder.workflow.overrides`), marked ✎ with the
  comment and what the grader gave.

Scores come from the gradebook (nbgrader's API); hints, time-outs and flags
from the hidden-test cells of the autograded notebooks
(:mod:`autograder.reports.hidden_reports`); lateness from ``submission.json``
(the LMS's late flag) or nbgrader's due date. The class is the roster
imported from the LMS (``nnfs-grade roster import``; for Moodle, the chapter's
own list) and every student with a submission; without a roster, every
student in the gradebook (``nbgrader db student add`` puts a student on it)
except the participant ids of other Moodle assignments, and every student
with a folder under ``submitted/`` for the chapter.
"""

import base64
import datetime
import io
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import nbformat

from autograder.course import ROOT, notebook_name, student_id_problem
from autograder.reports import hidden_reports, pages
from autograder.workflow import gradebook
from autograder.workflow.collect import notebook_problem, read_info
from autograder.workflow.roster import Roster
from autograder.workflow.submission_checks import suspicious_lines

GRADED, NOT_GRADED, NOT_SUBMITTED = "graded", "not graded", "not submitted"
TEMPLATE = "class_report.html"
#: How many of the most frequent hints the report lists (the count of the rest is given).
TOP_HINTS = 12


@dataclass
class Student:
    id: str
    status: str
    score: Optional[float] = None
    max_score: Optional[float] = None
    exercise_scores: dict = field(default_factory=dict)
    late: Optional[str] = None  # why the submission counts as late, or None
    submitted: Optional[str] = None  # when, as collect or nbgrader recorded it
    origin: Optional[str] = None
    reports: dict = field(default_factory=dict)  # exercise -> hidden_reports.ExerciseReport
    stopped: list = field(default_factory=list)  # hidden_reports.StoppedCell
    flags: list = field(default_factory=list)
    note: str = ""  # why a submission is not graded
    label: str = ""  # "Name (id)" as the roster (or the download) names the student
    changed: dict = field(default_factory=dict)  # exercise -> (the grader's score, a person's comment)

    def __post_init__(self):
        self.label = self.label or self.id

    def endings(self, kinds):
        """``[(exercise, problem)]`` for exercises some of whose cases ended in one of ``kinds``."""
        found = []
        for name, report in self.reports.items():
            ended = [f for f in report.failures if f.ending in kinds]
            if ended:
                found.append((name, f"{len(ended)} of {report.total} cases: {ended[0].problem}"))
        return found

    @property
    def timeouts(self):
        return self.endings({hidden_reports.TIMED_OUT})

    @property
    def crashes(self):
        return self.endings({hidden_reports.KILLED, hidden_reports.EXITED, hidden_reports.NOT_RUN})

    def cells(self, kind):
        return [cell.number for cell in self.stopped if cell.kind == kind]


@dataclass
class ExerciseStats:
    name: str
    points: float
    possible: list  # the scores its cases allow, 0 … points
    scores: list = field(default_factory=list)  # of the graded students
    full: int = 0
    zero: int = 0
    not_attempted: int = 0
    timed_out: int = 0
    flagged: int = 0
    figure: Optional[dict] = None

    @property
    def mean(self):
        return statistics.fmean(self.scores) if self.scores else None


@dataclass
class Hint:
    text: str
    exercises: list
    students: list
    cases: int


@dataclass
class ClassReport:
    chapter: str
    generated: str
    max_score: float
    students: list
    exercises: list
    hints: list
    summary: dict
    figure: Optional[dict] = None

    def with_status(self, status):
        return [s for s in self.students if s.status == status]


# ---------------------------------------------------------------- reading the course


def _exercises(chapter, root):
    """``[(exercise, points)]`` of the hidden-test cells worth points, in the notebook's order."""
    nb = nbformat.read(Path(root) / "chapters" / chapter / notebook_name(chapter), as_version=4)
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and meta.get("points", 0) > 0:
            found.append((hidden_reports.hidden_exercise(cell) or meta["grade_id"], float(meta["points"])))
    return found


def _hidden_tests(chapter):
    """``{exercise: [case labels]}`` from the hidden tests, ``{}`` if the chapter has none."""
    from autograder.judging.chapters import CHAPTERS

    return {e.name: [case.label for case in e.cases] for e in CHAPTERS.get(chapter, [])}


def _gradebook(chapter, root, db_url=None):
    """``(roster, {student: submission facts})`` read from the gradebook."""
    book = gradebook.read(root, db_url, [chapter])
    submissions = {}
    for student, sub in book.of(chapter).items():
        submissions[student] = {
            "score": float(sub.score),
            "max_score": float(book.maxima.get(chapter, 0.0)),
            "grades": {name: g.score for name, g in sub.grades.items() if g.points},
            "timestamp": sub.timestamp,
            "seconds_late": float(sub.seconds_late),
            "changed": {name: (sub.exercise(name).auto, sub.comments.get(name, "")) for name in sub.changed},
        }
    return book.students, submissions


def _moodle_elsewhere(root, student, chapter):
    """True if ``student`` was collected only from Moodle downloads of other chapters (participant ids differ)."""
    folders = [f for f in (Path(root) / "submitted" / student).glob("*") if f.is_dir()]
    return bool(folders) and all(f.name != chapter and read_info(f).get("lms") == "moodle" for f in folders)


def _submitted(chapter, root):
    base = Path(root) / "submitted"
    return sorted(d.parent.name for d in base.glob(f"*/{chapter}") if d.is_dir()) if base.is_dir() else []


def _late(info, facts):
    if info.get("late"):
        return "marked late by the LMS"
    seconds = (facts or {}).get("seconds_late", 0)
    if seconds > 0:
        return f"{seconds / 3600:.1f} h after the due date"
    return None


def _not_graded_reason(student, chapter, folder):
    """Why a submission in ``submitted/`` has no grade (what grading would say)."""
    problem = student_id_problem(student)
    if problem:
        return problem
    path = folder / notebook_name(chapter)
    if not path.is_file():
        return f"no notebook {path.name}"
    bad = notebook_problem(path.read_bytes())
    if bad:
        return f"{path.name} is {bad}"
    return f"not graded yet: run nnfs-grade grade {chapter}"


def _when(value):
    """A time collect or nbgrader recorded (ISO text or a datetime; nbgrader's are UTC), as UTC text."""
    try:
        when = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _read_notebook(path):
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def _student(student, chapter, root, exercises, labels, facts):
    folder = Path(root) / "submitted" / student / chapter
    info = read_info(folder) if folder.is_dir() else {}
    row = Student(student, NOT_SUBMITTED)
    if not folder.is_dir() and facts is None:
        return row
    row.late = _late(info, facts)
    row.origin = info.get("origin")
    row.submitted = _when(info.get("submitted") or (facts or {}).get("timestamp"))
    if facts is None:
        row.status, row.note = NOT_GRADED, _not_graded_reason(student, chapter, folder)
        return row
    row.status, row.score, row.max_score = GRADED, facts["score"], facts["max_score"]
    row.changed = dict(facts.get("changed", {}))
    row.exercise_scores = {
        name: facts["grades"].get(f"{name}_hidden", facts["grades"].get(name)) for name, _ in exercises
    }
    graded_nb = _read_notebook(Path(root) / "autograded" / student / chapter / notebook_name(chapter))
    if graded_nb is None:
        row.note = "its autograded notebook is missing: hints and flags unknown (grade it again)"
    else:
        row.reports = hidden_reports.notebook_reports(graded_nb, labels)
        row.stopped = hidden_reports.stopped_cells(graded_nb)
        # Each note names its exercise or cell; one about the whole notebook may repeat per exercise.
        row.flags += list(dict.fromkeys(flag for report in row.reports.values() for flag in report.flags))
    submitted_nb = _read_notebook(folder / notebook_name(chapter))
    if submitted_nb is not None:
        row.flags += [f"review {line}" for line in suspicious_lines(submitted_nb)]
    return row


def _possible(points, cases):
    """The scores an exercise of ``points`` with ``cases`` cases can get (the grader rounds to 0.01)."""
    return sorted({round(points * k / cases, 2) for k in range(cases + 1)}) if cases else [0.0, points]


def gather(chapter, root=ROOT, db_url=None):
    """Everything the report shows, as data (no figures yet); ``db_url`` as for ``nbgrader_api``."""
    root = Path(root)
    exercises = _exercises(chapter, root)
    labels = _hidden_tests(chapter)
    on_gradebook, submissions = _gradebook(chapter, root, db_url)
    roster = Roster.load(root)
    listed = roster.class_list(chapter)
    if listed is None:  # no roster: nbgrader's students, but not those who are another Moodle assignment's ids
        listed = [s for s in on_gradebook if not _moodle_elsewhere(root, s, chapter)]
    ids = sorted(set(listed) | set(submissions) | set(_submitted(chapter, root)))
    students = [_student(s, chapter, root, exercises, labels, submissions.get(s)) for s in ids]
    for s in students:
        s.label = roster.label(s.id, chapter)
    students.sort(key=lambda s: (s.label.casefold(), s.id))
    graded = [s for s in students if s.status == GRADED]

    stats = []
    for name, points in exercises:
        ex = ExerciseStats(name, points, _possible(points, len(labels.get(name, []))))
        for s in graded:
            score, report = s.exercise_scores.get(name), s.reports.get(name)
            if score is not None:
                ex.scores.append(score)
                ex.full += score >= points - 1e-9
                ex.zero += score <= 1e-9
            if report is not None:
                ex.not_attempted += report.not_attempted
                ex.timed_out += report.timed_out
                ex.flagged += report.integrity or bool(report.flags)
        ex.possible = sorted(set(ex.possible) | {round(v, 2) for v in ex.scores})
        stats.append(ex)

    hints = {}
    for s in graded:
        for name, report in s.reports.items():
            for failure in report.failures:
                if failure.hint and not failure.stub:
                    hint = hints.setdefault(failure.hint, Hint(failure.hint, [], [], 0))
                    hint.cases += 1
                    if name not in hint.exercises:
                        hint.exercises.append(name)
                    if s.label not in hint.students:
                        hint.students.append(s.label)
    ranked = sorted(hints.values(), key=lambda h: (-len(h.students), -h.cases, h.text))

    scores = [s.score for s in graded]
    max_score = sum(points for _, points in exercises)
    summary = {
        "students": len(students),
        "submitted": len(graded) + sum(s.status == NOT_GRADED for s in students),
        "graded": len(graded),
        "not graded": sum(s.status == NOT_GRADED for s in students),
        "not submitted": sum(s.status == NOT_SUBMITTED for s in students),
        "late": sum(s.late is not None for s in students),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "standard deviation": statistics.pstdev(scores) if scores else None,
        "lowest": min(scores) if scores else None,
        "highest": max(scores) if scores else None,
        "full marks": sum(score >= max_score - 1e-9 for score in scores),
        "changed by a person": sum(bool(s.changed) for s in graded),
    }
    generated = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return ClassReport(chapter, generated, max_score, students, stats, ranked, summary)


# ---------------------------------------------------------------- figures


num = pages.num


def _students(count):
    return f"{count} student{'s' if count != 1 else ''}"


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2, 2.5), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _integer_ticks(ax, top):
    from matplotlib.ticker import MaxNLocator

    ax.set_ylim(0, max(1, top) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def exercise_figure(ex):
    """Bars over the scores the exercise allows: how many students got each."""
    counts = Counter(round(v, 2) for v in ex.scores)
    values = ex.possible
    heights = [counts.get(v, 0) for v in values]
    fig, ax = _figure()
    width = 0.6 * min((b - a for a, b in zip(values, values[1:])), default=ex.points or 1)
    colors = ["#2e7d32" if v >= ex.points - 1e-9 else "#c62828" if v <= 1e-9 else "#1f5fa8" for v in values]
    ax.bar(values, heights, width=width, color=colors)
    ax.set_xticks(values, [num(v) for v in values])
    ax.set_xlabel(f"score on {ex.name} (of {num(ex.points)})")
    ax.set_ylabel("students")
    _integer_ticks(ax, max(heights, default=0))
    parts = [f"{_students(c)} scored {num(v)}" for v, c in sorted(counts.items(), reverse=True)]
    alt = (
        f"Histogram of the scores on {ex.name} ({num(ex.points)} points) of "
        f"{_students(len(ex.scores))}: " + ("; ".join(parts) or "none graded") + "."
    )
    return {"src": _png(fig), "alt": alt}


def class_figure(report):
    """A histogram of the graded students' total scores over 0 … the maximum."""
    scores = [s.score for s in report.with_status(GRADED)]
    top = report.max_score or 1.0
    bins = int(math.ceil(top)) if top <= 30 else 20
    edges = [top * i / bins for i in range(bins + 1)]
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, max(0, int(score / top * bins)))] += 1
    fig, ax = _figure()
    fig.set_size_inches(6.4, 2.8)
    ax.bar(edges[:-1], counts, width=top / bins, align="edge", color="#1f5fa8", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"total score (of {num(top)})")
    ax.set_ylabel("students")
    _integer_ticks(ax, max(counts, default=0))
    parts = [f"{_students(c)} from {num(edges[i])} to {num(edges[i + 1])}" for i, c in enumerate(counts) if c]
    alt = (
        f"Histogram of the total scores of the {_students(len(scores))} graded, out of {num(top)}"
        + (": " + "; ".join(parts) if parts else "")
        + "."
    )
    return {"src": _png(fig), "alt": alt}


# ---------------------------------------------------------------- the page


def render(report):
    """The report as one HTML page (figures must be attached first, see :func:`build`)."""
    return pages.render(
        TEMPLATE,
        r=report,
        GRADED=GRADED,
        NOT_GRADED=NOT_GRADED,
        NOT_SUBMITTED=NOT_SUBMITTED,
        TIMED_OUT=hidden_reports.TIMED_OUT,
        CRASHED=hidden_reports.CRASHED,
        top_hints=report.hints[:TOP_HINTS],
    )


def build(chapter, root=ROOT, db_url=None):
    """The report's data with its figures."""
    report = gather(chapter, root, db_url)
    if report.with_status(GRADED):
        report.figure = class_figure(report)
        for ex in report.exercises:
            ex.figure = exercise_figure(ex)
    return report


def write_report(chapter, root=ROOT, to=None, db_url=None):
    """Write the report for ``chapter``; return its path (default ``reports/<chapter>.html``)."""
    path = Path(to) if to else Path(root) / "reports" / f"{chapter}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(build(chapter, root, db_url)), encoding="utf-8")
    return path

"""The gradebook read in bulk: a few SQL queries per command instead of nbgrader's objects.

nbgrader's API loads its whole application on import (about 2 s) and asks
the database once per submission and per grade; exports, the feedback
command's "what changed" check and the class report read everything they
need here in three queries, with SQLAlchemy Core on the same database URL
(SQLite or any server nbgrader accepts). The tables and columns are those of
nbgrader 0.9.6's ``nbgrader/api.py`` (pinned); a score is computed as its
``Grade.score``: the manual score when a person set one, else the automatic
one, plus any extra credit. Writing stays with nbgrader's API.
"""

from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT, gradebook_url

_GRADES = """
SELECT sa.student_id, a.name, sa.timestamp, sn.late_submission_penalty, bc.name,
       g.auto_score, g.manual_score, g.extra_credit, COALESCE(gc.max_score, tc.max_score)
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
JOIN submitted_notebook sn ON sn.assignment_id = sa.id
JOIN grade g ON g.notebook_id = sn.id
JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN task_cells tc ON tc.id = g.cell_id
WHERE a.name IN :chapters
"""
_SUBMISSIONS = """
SELECT sa.student_id, a.name, sa.timestamp, a.duedate, sa.extension
FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id
WHERE a.name IN :chapters
"""
_COMMENTS = """
SELECT sa.student_id, a.name, bc.name, c.auto_comment, c.manual_comment
FROM comment c
JOIN submitted_notebook sn ON sn.id = c.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
JOIN base_cell bc ON bc.id = c.cell_id
WHERE a.name IN :chapters AND c.manual_comment IS NOT NULL AND c.manual_comment != ''
"""
_MAXIMA = """
SELECT a.name, SUM(COALESCE(gc.max_score, tc.max_score))
FROM assignment a JOIN notebook n ON n.assignment_id = a.id JOIN base_cell bc ON bc.notebook_id = n.id
LEFT JOIN grade_cells gc ON gc.id = bc.id LEFT JOIN task_cells tc ON tc.id = bc.id
WHERE a.name IN :chapters
GROUP BY a.name
"""
_STUDENTS = "SELECT id FROM student"
_CHAPTERS = "SELECT name FROM assignment"


@dataclass
class Grade:
    auto: float  # what the grader gave (None if never graded)
    manual: float  # what a person set (None if nobody did)
    points: float
    extra: float = 0.0

    @property
    def score(self):
        """``nbgrader.api.Grade.score``."""
        base = self.manual if self.manual is not None else self.auto
        return (base or 0.0) + (self.extra or 0.0) if base is not None else 0.0

    @property
    def changed_by_person(self):
        return self.manual is not None


@dataclass
class Submission:
    student: str
    chapter: str
    timestamp: object = None
    due: object = None  # nbgrader's due date (or the student's extension), if one was set
    late_penalty: float = 0.0
    grades: dict = field(default_factory=dict)  # grade cell name -> Grade
    comments: dict = field(default_factory=dict)  # solution cell name -> a person's comment

    @property
    def score(self):
        return sum(grade.score for grade in self.grades.values())

    @property
    def seconds_late(self):
        """``SubmittedAssignment.total_seconds_late``: after nbgrader's due date, if one was set."""
        if self.timestamp is None or self.due is None:
            return 0.0
        return max(0.0, (self.timestamp - self.due).total_seconds())

    def exercise(self, name):
        """The :class:`Grade` of exercise ``name`` (its hidden-test cell ``<name>_hidden``), or ``None``."""
        return self.grades.get(f"{name}_hidden", self.grades.get(name))

    @property
    def exercises(self):
        """``{exercise: Grade}`` for the cells worth points, named without ``_hidden``."""
        return {name.removesuffix("_hidden"): g for name, g in self.grades.items() if g.points}

    @property
    def changed(self):
        """Exercises whose score a person set, in the order of the cells."""
        return [name for name, g in self.exercises.items() if g.changed_by_person]


def _datetime(value):
    """A timestamp as SQLite returns it to raw SQL (text), or as a server does (a datetime)."""
    if isinstance(value, str):
        import datetime

        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


class _Connection:
    """The queries above on SQLite (the standard library's ``sqlite3``: no SQLAlchemy to import, a tenth of a
    second saved on every command) or on any other database nbgrader accepts (SQLAlchemy Core)."""

    def __init__(self, url):
        self.url, self.sqlite, self.engine = url, None, None
        if url.startswith("sqlite:///"):
            import sqlite3

            path = url[len("sqlite:///") :]
            self.sqlite = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if Path(path).is_file() else None
        else:
            from sqlalchemy import create_engine

            self.engine = create_engine(url)
            self.connection = self.engine.connect()

    @property
    def empty(self):
        return self.sqlite is None and self.engine is None

    def rows(self, query, chapters=None):
        if self.sqlite is not None:
            if chapters is not None:
                query = query.replace(":chapters", "(" + ",".join("?" * len(chapters)) + ")")
            return self.sqlite.execute(query, list(chapters or [])).fetchall()
        from sqlalchemy import bindparam, text

        statement = text(query)
        if chapters is not None:
            statement = statement.bindparams(bindparam("chapters", expanding=True))
        return self.connection.execute(
            statement, {"chapters": list(chapters)} if chapters is not None else {}
        ).fetchall()

    def close(self):
        if self.sqlite is not None:
            self.sqlite.close()
        if self.engine is not None:
            self.connection.close()
            self.engine.dispose()


@dataclass
class Gradebook:
    """What the gradebook holds for some chapters: submissions, maxima, the students it knows."""

    submissions: dict  # (student, chapter) -> Submission
    maxima: dict  # chapter -> max score
    students: list  # every student id on nbgrader's roster
    chapters: list  # every assignment recorded

    def of(self, chapter):
        """``{student: Submission}`` of one chapter."""
        return {s: sub for (s, c), sub in self.submissions.items() if c == chapter}


def read(root=ROOT, db_url=None, chapters=None):
    """The gradebook's facts for ``chapters`` (default: every recorded chapter), see :class:`Gradebook`."""
    connection = _Connection(gradebook_url(root, db_url))
    if connection.empty:
        return Gradebook({}, {}, [], [])
    try:
        recorded = [row[0] for row in connection.rows(_CHAPTERS)]
        chapters = [c for c in (chapters if chapters is not None else recorded) if c in recorded]
        students = sorted(row[0] for row in connection.rows(_STUDENTS))
        submissions, maxima = {}, {}
        if chapters:
            for student, chapter, timestamp, due, extension in connection.rows(_SUBMISSIONS, chapters):
                submissions[(student, chapter)] = Submission(
                    student, chapter, _datetime(timestamp), due=_datetime(extension) or _datetime(due)
                )
            for student, chapter, _, penalty, cell, auto, manual, extra, points in connection.rows(_GRADES, chapters):
                sub = submissions[(student, chapter)]
                sub.late_penalty = penalty or 0.0
                sub.grades[cell] = Grade(auto, manual, float(points or 0.0), extra or 0.0)
            for student, chapter, cell, _, manual in connection.rows(_COMMENTS, chapters):
                submissions[(student, chapter)].comments[cell] = manual
            maxima = {name: float(total or 0.0) for name, total in connection.rows(_MAXIMA, chapters)}
    finally:
        connection.close()
    return Gradebook(submissions, maxima, students, recorded)

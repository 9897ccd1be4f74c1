"""Grades as files: a table for people, and the files Canvas and Moodle import as they are.

Read from the gradebook in bulk (:mod:`autograder.workflow.gradebook`), with names and
LMS ids from the roster (:mod:`autograder.workflow.roster`) and the chapter-to-assignment
mapping ``lms.toml`` (:mod:`autograder.workflow.lms_mapping`). All are UTF-8 CSV with a
byte order mark; names and comments are written so a spreadsheet shows them
as text (:mod:`autograder.workflow.csvfiles`). A score a person set
(:mod:`autograder.workflow.overrides`) counts everywhere; the table and the Moodle
comment say which.

``table`` (default)
    One row per student per *submitted* chapter: ``student`` (the id),
    ``name``, ``chapter``, ``submitted`` (ISO time), ``late`` (``yes``/``no``:
    the LMS's own flag, Canvas's ``_LATE``, or nbgrader's due date), one
    column per exercise, ``total``, ``max``, ``changed by a person`` (the
    exercises whose score was overridden). A chapter a student did not submit
    has no row: it is never written as a 0.

``canvas``
    Canvas's gradebook import (rules in :mod:`autograder.workflow.canvas`):
    ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column
    ``<title> (<assignment id>)`` per chapter asked for (default: every chapter
    with a graded submission) as ``lms.toml`` maps it, the ``Points Possible``
    row, and a row per student with a grade: Canvas matches the student by the
    user id, the assignment by its id, and leaves an empty cell ungraded.
    Scores are scaled to the assignment's points. Anonymous submissions
    (``anon_…``) cannot be matched to a Canvas user and are left out (named).

``moodle``
    Moodle's offline grading worksheet for one chapter's assignment (rules in
    :mod:`autograder.workflow.moodle`): ``Identifier`` (``Participant <id>``), ``Full
    name``, ``Email address``, ``Grade`` (scaled to the assignment's maximum
    grade), ``Maximum Grade``, ``Last modified (grade)`` (the export's time),
    ``Feedback comments`` (the score, the exercises short of full marks, what a
    person changed). Upload it in the assignment: View all submissions >
    Grading action > Upload grading worksheet.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT, chapters, notebook_name
from autograder.workflow import canvas, gradebook, lms_mapping, moodle
from autograder.workflow.collect import read_info
from autograder.workflow.csvfiles import csv_text, number, spreadsheet_text
from autograder.workflow.roster import Roster

FORMATS = ("table", "canvas", "moodle")


@dataclass
class Row:
    student: str
    chapter: str
    name: str
    submitted: str
    late: bool
    exercises: dict  # exercise -> score, in the notebook's order
    total: float
    max: float
    changed: list = field(default_factory=list)  # exercises a person changed
    comments: dict = field(default_factory=dict)  # exercise -> a person's comment
    info: dict = field(default_factory=dict)  # the submission.json collect wrote
    points: dict = field(default_factory=dict)  # exercise -> what it is worth


@dataclass
class Result:
    path: Path
    written: int  # rows of grades
    fmt: str
    notes: list = field(default_factory=list)
    left_out: list = field(default_factory=list)  # who could not be written, and why

    def lines(self):
        out = [f"{self.written} graded submissions written to {self.path} ({self.fmt})"]
        out += [f"note: {text}" for text in self.notes]
        out += [f"NOT written: {text}" for text in self.left_out]
        return out


def exercise_order(chapter, root=ROOT):
    """The chapter's exercises in the notebook's order (the hidden-test cells' grade ids, without ``_hidden``)."""
    try:
        nb = json.loads((Path(root) / "chapters" / chapter / notebook_name(chapter)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    ids = [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") for cell in nb.get("cells", [])]
    return [gid.removesuffix("_hidden") for gid in ids if gid.endswith("_hidden")]


def gradebook_rows(root=ROOT, db_url=None, chapter_names=None, roster=None):
    """``(rows, chapters, maxima)``: one :class:`Row` per student per submitted chapter, by chapter then id."""
    root = Path(root)
    roster = roster or Roster.load(root)
    book = gradebook.read(root, db_url, chapter_names)
    names = [c for c in (chapter_names or chapters(root)) if c in book.chapters]
    rows = []
    for chapter in names:
        order = exercise_order(chapter, root)
        for student, sub in sorted(book.of(chapter).items()):
            info = read_info(root / "submitted" / student / chapter)
            scores = sub.exercises
            ordered = {name: scores[name].score for name in order if name in scores}
            ordered.update({name: g.score for name, g in scores.items() if name not in ordered})
            rows.append(
                Row(
                    student,
                    chapter,
                    roster.name(student, chapter),
                    sub.timestamp.isoformat() if sub.timestamp else "",
                    bool(info.get("late")) or sub.seconds_late > 0,
                    ordered,
                    sub.score,
                    book.maxima.get(chapter, 0.0),
                    sub.changed,
                    {n: c for n, c in sub.comments.items() if n in sub.changed},
                    info,
                    {name: g.points for name, g in scores.items()},
                )
            )
    return rows, names, book.maxima


# ---------------------------------------------------------------- table


def _table(rows):
    exercises = []
    for row in rows:
        exercises += [name for name in row.exercises if name not in exercises]
    out = [["student", "name", "chapter", "submitted", "late", *exercises, "total", "max", "changed by a person"]]
    for row in rows:
        scores = [number(row.exercises[name]) if name in row.exercises else "" for name in exercises]
        out.append(
            [
                row.student,
                spreadsheet_text(row.name),
                row.chapter,
                row.submitted,
                "yes" if row.late else "no",
                *scores,
                number(row.total),
                number(row.max),
                " ".join(row.changed),
            ]
        )
    return out


# ---------------------------------------------------------------- Canvas


def _canvas(rows, names, maxima, roster, mapping, result):
    missing = mapping.missing_canvas(names)
    if missing:
        lines = "\n".join(f"  {name} = <Canvas assignment id>" for name in missing)
        raise SystemExit(
            f"error: {mapping.path} does not say which Canvas assignment takes "
            f"{', '.join(missing)}; add under [canvas]:\n{lines}\n(the id is the number at the end "
            "of the assignment's address, …/assignments/<id>, or in the gradebook export's column "
            "'<title> (<id>)'; see the instructor guide)"
        )
    columns = []
    for name in names:
        entry = mapping.canvas[name]
        known = roster.canvas_assignment(entry["id"]) or {}
        title = entry["title"] or known.get("title") or name
        points = entry["points"] or known.get("points") or maxima.get(name) or 0.0
        if not points:
            raise SystemExit(f"error: {name} has no points to export (it has no graded exercise)")
        if not (entry["points"] or known.get("points")):
            result.notes.append(
                f"{name}: Canvas's points possible for assignment {entry['id']} are unknown, so the "
                f"Points Possible row says {number(points)} (the chapter's): Canvas sets the "
                "assignment to that on import; import the gradebook export (nnfs-grade roster "
                "import) or give points in lms.toml if the assignment is worth something else"
            )
        columns.append((name, canvas.title_with_id(title, entry["id"]), float(points), maxima.get(name) or 1.0))
    by_student = {}
    for row in rows:
        by_student.setdefault(row.student, {})[row.chapter] = row
    out = [
        canvas.STUDENT_COLUMNS + [title for _, title, _, _ in columns],
        [canvas.POINTS_POSSIBLE, "", "", "", ""] + [number(points) for _, _, points, _ in columns],
    ]
    for student in sorted(by_student, key=lambda s: (roster.name(s).casefold(), s)):
        graded = by_student[student]
        if student.startswith("anon_"):
            result.left_out.append(
                f"{student}: an anonymous Canvas submission has no user id to import by; "
                "enter its grade in SpeedGrader (or export again once the anonymity is lifted "
                "and the submissions downloaded again)"
            )
            continue
        person = roster.person(student)
        user_id = student if canvas.DIGITS.fullmatch(student) else ""
        login = (person.sis_login_id if person else "") or ("" if user_id else student)
        if not user_id:
            result.notes.append(f"{student}: not a Canvas user id; Canvas will match this row by SIS Login ID")
        out.append(
            [
                spreadsheet_text(roster.name(student) or student),
                user_id,
                person.sis_user_id if person else "",
                login,
                person.section if person else "",
            ]
            + [
                number(graded[name].total * points / maximum) if name in graded else ""
                for name, _, points, maximum in columns
            ]
        )
        result.written += len(graded)
    changed = sum(bool(row.changed) for row in rows)
    if changed:
        result.notes.append(f"{changed} of these scores include a person's override (nnfs-grade override list)")
    for name, title, points, maximum in columns:
        if abs(points - maximum) > 1e-9:
            result.notes.append(f"{name}: scores scaled from {number(maximum)} to {number(points)} points ({title})")
    return out


# ---------------------------------------------------------------- Moodle


def feedback_comment(row):
    """The short feedback comment of the Moodle worksheet (plain text; made HTML by the writer)."""
    parts = [
        f"Score: {number(row.total)} of {number(row.max)} points, autograded"
        + (", with what your instructor set below." if row.changed else ".")
    ]
    short = [
        f"{name} {number(score)}/{number(row.points[name])}"
        for name, score in row.exercises.items()
        if name not in row.changed and score < row.points.get(name, 0.0) - 1e-9
    ]
    if short:
        parts.append("Not full marks: " + ", ".join(short) + ".")
    for name in row.changed:
        parts.append(
            f"Set by your instructor: {name} {number(row.exercises[name])}"
            + (f" ({row.comments[name]})" if row.comments.get(name) else "")
            + "."
        )
    parts.append("Details on your feedback page.")
    return " ".join(parts)


def _not_a_participant(row, participants):
    """Why ``row``'s student is not a participant of the Moodle assignment, or ``None``."""
    if not (row.student.isascii() and row.student.isdigit()):
        return "not a Moodle participant id"
    if row.info.get("lms") not in (None, moodle.LMS):
        return f"collected from a {row.info['lms'].capitalize()} download, not a Moodle participant id"
    if participants is not None and row.student not in participants:
        return "not on the grading worksheet imported for this chapter (another assignment's participant id?)"
    return None


def _moodle(rows, chapter, maxima, roster, mapping, result):
    max_grade = mapping.moodle.get(chapter, {}).get("max_grade") or roster.moodle_max_grade(chapter)
    maximum = maxima.get(chapter) or 1.0
    if max_grade is None:
        max_grade = maximum
        result.notes.append(
            f"Moodle's maximum grade for {chapter} is unknown: grades are written out of "
            f"{number(maximum)}; import the assignment's grading worksheet (nnfs-grade roster import "
            f"FILE --chapter {chapter}) or set max_grade in lms.toml to scale them"
        )
    elif abs(max_grade - maximum) > 1e-9:
        result.notes.append(
            f"{chapter}: grades scaled from {number(maximum)} to Moodle's maximum grade {number(max_grade)}"
        )
    stamp = moodle.when()
    out = [moodle.WORKSHEET_COLUMNS]
    for row in rows:
        if row.chapter != chapter:
            continue
        person = roster.person(row.student, chapter)
        why = _not_a_participant(row, roster.moodle_participants(chapter))
        if why:
            result.left_out.append(f"{roster.label(row.student, chapter)}: {why}; enter this grade in Moodle by hand")
            continue
        out.append(
            [
                moodle.PARTICIPANT + row.student,
                moodle.worksheet_text(spreadsheet_text(roster.name(row.student, chapter))),
                moodle.worksheet_text(person.email if person else ""),
                number(row.total * max_grade / maximum),
                number(max_grade),
                stamp,
                moodle.worksheet_text(spreadsheet_text(moodle.comment_html(feedback_comment(row)))),
            ]
        )
        result.written += 1
    return out


def export(path, root=ROOT, db_url=None, chapter=None, fmt="table", mapping_path=None):
    """Write the grades of ``chapter`` (or of every graded chapter) to ``path`` in format ``fmt``."""
    if fmt not in FORMATS:
        raise SystemExit(f"error: unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    if fmt == "moodle" and not chapter:
        raise SystemExit(
            "error: a Moodle grading worksheet is for one assignment: name the chapter "
            "(nnfs-grade export CHAPTER --format moodle)"
        )
    root = Path(root)
    roster = Roster.load(root)
    rows, names, maxima = gradebook_rows(root, db_url, [chapter] if chapter else None, roster)
    result = Result(Path(path), 0, fmt)
    if fmt == "table":
        table, result.written = _table(rows), len(rows)
    else:
        mapping = lms_mapping.load(mapping_path, root)
        graded = [name for name in names if any(row.chapter == name for row in rows)]
        if fmt == "canvas":
            table = _canvas(rows, [chapter] if chapter else graded, maxima, roster, mapping, result)
        else:
            table = _moodle(rows, chapter, maxima, roster, mapping, result)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(csv_text(table), encoding="utf-8", newline="")
    return result

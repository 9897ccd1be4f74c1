"""Grades as files an LMS takes: one row per student per submitted chapter, or an LMS's own layout.

Three formats, all UTF-8 CSV read from the gradebook (what nbgrader's own
``nbgrader export`` writes is left as it is):

``table`` (default)
    One row per student per *submitted* chapter: ``student``, ``chapter``,
    ``submitted`` (ISO time), ``late`` (``yes``/``no``: the LMS's own flag,
    Canvas's ``_LATE``, or nbgrader's due date), one column per exercise,
    ``total``, ``max``. A chapter a student did not submit has no row: it is
    never written as a 0.

``canvas``
    Canvas's gradebook import layout: ``Student``, ``ID``, ``SIS User ID``,
    ``SIS Login ID``, ``Section``, then one column per chapter (Canvas creates
    an assignment of that name on import), and a ``Points Possible`` row.
    ``ID`` is Canvas's user id when the submission came from a Canvas zip (its
    file names carry it), ``SIS Login ID`` the student id used here. An
    unsubmitted chapter is an empty cell, which Canvas leaves ungraded.

``moodle``
    For Moodle's "Import grades from CSV file": ``Username`` (map it to the
    user field holding these ids), then one column per chapter (map each to a
    grade item, or a new one). An empty cell is "no grade" to Moodle.
"""

import csv
import io
from pathlib import Path

from .collect import read_info
from .course import ROOT, chapters, nbgrader_api

FORMATS = ("table", "canvas", "moodle")


def _number(value):
    """A score as text: ``2``, ``0.67`` (two decimals at most, no trailing zeros)."""
    return f"{round(float(value), 2):g}"


def gradebook_rows(root=ROOT, db_url=None, chapter_names=None):
    """One dict per student per submitted chapter, from the gradebook and ``submitted/``."""
    root = Path(root)
    api = nbgrader_api(root, db_url)
    rows = []
    with api.gradebook as gb:
        recorded = {assignment.name for assignment in gb.assignments}
        # Every chapter released into this gradebook (a column even if nobody submitted it).
        names = list(chapter_names or [name for name in chapters(root) if name in recorded])
        for chapter in names:
            for submission in sorted(gb.assignment_submissions(chapter), key=lambda s: s.student_id):
                info = read_info(root / "submitted" / submission.student_id / chapter)
                notebook = gb.find_submission_notebook(chapter, chapter, submission.student_id)
                exercises = {g.name.removesuffix("_hidden"): g.score for g in notebook.grades if g.max_score}
                late = bool(info.get("late")) or (submission.total_seconds_late or 0) > 0
                rows.append({
                    "student": submission.student_id, "chapter": chapter,
                    "submitted": submission.timestamp.isoformat() if submission.timestamp else "",
                    "late": late, "exercises": exercises, "total": submission.score,
                    "max": submission.max_score, "lms_user_id": info.get("lms_user_id", ""),
                })
    return rows, names


def _table(rows):
    exercises = []
    for row in rows:
        exercises += [name for name in row["exercises"] if name not in exercises]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "chapter", "submitted", "late", *exercises, "total", "max"])
    for row in rows:
        scores = [_number(row["exercises"][name]) if name in row["exercises"] else "" for name in exercises]
        writer.writerow([row["student"], row["chapter"], row["submitted"], "yes" if row["late"] else "no",
                         *scores, _number(row["total"]), _number(row["max"])])
    return out.getvalue()


def _by_student(rows):
    students = {}
    for row in rows:
        students.setdefault(row["student"], {})[row["chapter"]] = row
    return students


def _maxima(rows, names, root, db_url):
    maxima = {row["chapter"]: row["max"] for row in rows}
    missing = [name for name in names if name not in maxima]
    if missing:
        with nbgrader_api(root, db_url).gradebook as gb:
            for name in missing:
                maxima[name] = gb.find_assignment(name).max_score
    return maxima


def _canvas(rows, names, root, db_url):
    maxima = _maxima(rows, names, root, db_url)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names])
    writer.writerow(["    Points Possible", "", "", "", "", *(_number(maxima[name]) for name in names)])
    for student, submitted in sorted(_by_student(rows).items()):
        lms_ids = {row["lms_user_id"] for row in submitted.values() if row["lms_user_id"]}
        writer.writerow([student, lms_ids.pop() if len(lms_ids) == 1 else "", "", student, "",
                         *(_number(submitted[name]["total"]) if name in submitted else "" for name in names)])
    return out.getvalue()


def _moodle(rows, names):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Username", *names])
    for student, submitted in sorted(_by_student(rows).items()):
        writer.writerow([student, *(_number(submitted[name]["total"]) if name in submitted else "" for name in names)])
    return out.getvalue()


def export(path, root=ROOT, db_url=None, chapter=None, fmt="table"):
    """Write the grades of ``chapter`` (or of every chapter) to ``path`` in format ``fmt``."""
    if fmt not in FORMATS:
        raise SystemExit(f"error: unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    rows, names = gradebook_rows(root, db_url, [chapter] if chapter else None)
    if fmt == "table":
        text = _table(rows)
    elif fmt == "canvas":
        text = _canvas(rows, names, Path(root), db_url)
    else:
        text = _moodle(rows, names)
    Path(path).write_text(text, encoding="utf-8")
    return Path(path), len(rows)

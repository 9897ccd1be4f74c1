"""Autograde a chapter for every submission, hand back feedback, export grades.

Grading one student never stops the others. Before nbgrader runs, each
submission is checked: a usable student id, a notebook that exists and is
valid JSON (otherwise it is skipped with a message naming student and file,
and any earlier grades for it stay as they were). The student's previous
``autograded/`` folder is kept aside while nbgrader runs and put back if it
fails. After nbgrader, every test cell worth points must show either an error
or a number (the harness always returns a plain float). nbgrader gives full
marks to a cell that shows neither, or that shows a NumPy 2 scalar such as
``np.float64(0.5)``; such a grade is set to the number shown (0 if none) and
reported.
"""

import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import leaks, sandbox
from .collect import notebook_problem
from .course import ROOT, nbgrader_api, notebook_name, student_id_problem
from .submission_checks import suspicious_lines


@dataclass
class StudentResult:
    student: str
    status: str  # "graded", "skipped" or "failed"
    score: float = 0.0
    max_score: float = 0.0
    notes: list = field(default_factory=list)


def submitted_students(chapter, root=ROOT):
    """Folders under ``submitted/`` that hold something for ``chapter``."""
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if d.is_dir() and (d / chapter).is_dir())


def _progress(done, total, label):
    width = 24
    filled = int(width * done / total) if total else width
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label}"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line.ljust(70) + ("\n" if done == total else ""))
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _is_scored_test(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and meta.get("points", 0) > 0


NUMPY_SCALAR = re.compile(r"^(?:np|numpy)\.(?:float|int)\d*\((?P<value>[^()]*)\)$")


def _reported_score(cell):
    """``"error"``, the number the cell showed, or ``None`` if it showed neither.

    NumPy 2 shows a scalar as ``np.float64(0.5)``, which nbgrader cannot read
    and so counts as full marks; that form is read as the number it holds.
    """
    for output in cell.outputs:
        if output.output_type == "error":
            return "error"
    for output in cell.outputs:
        if output.output_type == "execute_result":
            text = output.data.get("text/plain", "").strip()
            match = NUMPY_SCALAR.match(text)
            try:
                return float(match.group("value") if match else text)
            except ValueError:
                return None
    return None


def _harness_notes(cell):
    lines = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            lines += [line.strip() for line in output.text.splitlines() if line.startswith("⚠")]
    return lines


def _check_scores(api, chapter, student, root):
    """Make each test cell's grade the number it showed (0 if none); return notes."""
    path = Path(root) / "autograded" / student / chapter / notebook_name(chapter)
    nb = nbformat.read(path, as_version=4)
    notes = []
    with api.gradebook as gb:
        for cell in nb.cells:
            if not _is_scored_test(cell):
                continue
            notes += _harness_notes(cell)
            reported = _reported_score(cell)
            if reported == "error":
                continue
            grade_id = cell.metadata.nbgrader.grade_id
            grade = gb.find_grade(grade_id, chapter, chapter, student)
            score = 0.0 if reported is None else min(max(reported, 0.0), grade.max_score)
            if grade.auto_score != score:
                grade.auto_score = score
                gb.db.commit()
                shown = "no score" if reported is None else f"{reported:g}"
                notes.append(f"⚠ test cell {grade_id} showed {shown}; its grade is set to {score:g}")
    return notes


def _shortfalls(api, chapter, student):
    with api.gradebook as gb:
        notebook = gb.find_submission_notebook(chapter, chapter, student)
        missed = [f"{g.name.removesuffix('_hidden')} {g.score:g}/{g.max_score:g}"
                  for g in notebook.grades if g.max_score and g.score < g.max_score]
        submission = gb.find_submission(chapter, student)
        return submission.score, submission.max_score, missed


def _last_error(result):
    text = (result.get("error") or result.get("log") or "").strip().splitlines()
    useful = [line for line in text if "Error" in line or "error" in line]
    return (useful or text or ["unknown error"])[-1][:200]


def grade_student(api, chapter, student, root=ROOT):
    """Autograde one submission; never raises for a problem of the submission."""
    problem = student_id_problem(student)
    if problem:
        return StudentResult(student, "skipped", notes=[problem])
    path = Path(root) / "submitted" / student / chapter / notebook_name(chapter)
    if not path.is_file():
        return StudentResult(student, "skipped", notes=[f"missing {path.relative_to(root)}"])
    bad = notebook_problem(path.read_bytes())
    if bad:
        return StudentResult(student, "skipped", notes=[f"{path.relative_to(root)} is {bad}"])
    notes = [f"⚠ review {text}" for text in suspicious_lines(nbformat.read(path, as_version=4))]

    previous = Path(root) / "autograded" / student / chapter
    with tempfile.TemporaryDirectory() as keep:
        saved = Path(keep) / "previous"
        if previous.is_dir():
            shutil.copytree(previous, saved)
        result = api.autograde(chapter, student, force=True, create=True)
        if not result["success"]:
            if saved.is_dir():
                shutil.rmtree(previous, ignore_errors=True)
                shutil.copytree(saved, previous)
            return StudentResult(student, "failed", notes=notes + [f"nbgrader failed: {_last_error(result)}"])
    notes += _check_scores(api, chapter, student, root)
    score, max_score, missed = _shortfalls(api, chapter, student)
    if missed:
        notes.append("lost points: " + ", ".join(missed))
    return StudentResult(student, "graded", score, max_score, notes)


def require_sandbox():
    """Stop with the reason and the way out if submissions cannot be graded in the sandbox.

    Checked once, before anyone is graded, so a machine without the sandbox
    fails loudly instead of grading every student unsandboxed or not at all.
    """
    if sandbox.unsandboxed_requested():
        return
    try:
        sandbox.check()
    except sandbox.SandboxUnavailable as error:
        raise SystemExit(f"error: cannot grade: {error}") from None


def grade_chapter(chapter, students=None, root=ROOT):
    """Grade every submission of ``chapter`` (or only ``students``); return the results."""
    require_sandbox()
    api = nbgrader_api(root)
    students = students or submitted_students(chapter, root)
    results = []
    for index, student in enumerate(students):
        _progress(index, len(students), f"grading {student}")
        start = time.perf_counter()
        result = grade_student(api, chapter, student, root)
        result.notes.append(f"{time.perf_counter() - start:.1f} s")
        results.append(result)
    _progress(len(students), len(students), "done")
    return results


def summary_table(chapter, results):
    """The table printed after grading: one row per student."""
    rows = [("student", "status", "score", "notes")]
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if r.status == "graded" else "-"
        rows.append((r.student, r.status, score, "; ".join(r.notes)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"Grades for {chapter}"]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    graded = [r for r in results if r.status == "graded"]
    lines.append(f"{len(graded)} graded, {len(results) - len(graded)} not graded (see notes)")
    return "\n".join(lines)


def feedback_chapter(chapter, students=None, root=ROOT):
    """Write ``feedback/<id>/<chapter>/*.html``; return ``(written, problems)``."""
    api = nbgrader_api(root)
    autograded = Path(root) / "autograded"
    students = students or sorted(d.parent.name for d in autograded.glob(f"*/{chapter}") if d.is_dir())
    written, problems = [], []
    for student in students:
        result = api.generate_feedback(chapter, student, force=True)
        folder = Path(root) / "feedback" / student / chapter
        if not result["success"]:
            problems.append(f"{student}: nbgrader could not write feedback: {_last_error(result)}")
            continue
        found = leaks.scan_tree(folder, hidden_tests_only=True)
        if found:
            shutil.rmtree(folder)
            problems.append(f"{student}: feedback showed hidden material ({'; '.join(sum(found.values(), []))}); deleted")
            continue
        written.append(folder)
    return written, problems


def export_grades(path, root=ROOT):
    """Write nbgrader's CSV of all grades to ``path``."""
    from nbgrader.plugins import CsvExportPlugin

    api = nbgrader_api(root)
    with api.gradebook as gb:
        CsvExportPlugin(to=str(path)).export(gb)
    return Path(path)


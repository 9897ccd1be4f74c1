"""Autograde a chapter for every submission, hand back feedback (grades go out through :mod:`.export`).

Grading is split in two (see :mod:`autograder.workflow.jobs`): a *job* (a student's
notebook and the chapter's material) is graded by a worker into an *outcome*
(the autograded notebook and its grades, plain data), and this module, the
coordinator, alone writes the gradebook and the ``autograded/`` folder. Jobs
run one after another, in a pool of processes on this machine (``jobs=N``),
or on a Dask cluster (``scheduler=ADDRESS`` or ``"local"``); every mode runs the
same worker function, so every mode gives the same grades.

Grading one student never stops the others. Before a job is made, each
submission is checked: a usable student id, a notebook that exists and is
valid JSON (otherwise it is skipped with a message naming student and file,
and any earlier grades for it stay as they were). A submission whose notebook
and grading material are unchanged since it was last graded is not graded
again (unless ``force``): its grades, including a time-out's zero, stand.
A failed job leaves the student's earlier grades and autograded files alone.
"""

import concurrent.futures
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import ROOT, SECRET_FILE, nbgrader_api, notebook_name, student_id_problem
from autograder.engine import sandbox, secret
from autograder.workflow import jobs as worker
from autograder.workflow.collect import notebook_problem
from autograder.workflow.submission_checks import suspicious_lines

#: Beside each autograded notebook: what was graded (hashes) and what came of it.
RECORD = "grading.json"


@dataclass
class StudentResult:
    student: str
    status: str  # "graded", "unchanged", "skipped" or "failed"
    score: float = 0.0
    max_score: float = 0.0
    notes: list = field(default_factory=list)


def submitted_students(chapter, root=ROOT):
    """Folders under ``submitted/`` that hold something for ``chapter``."""
    base = Path(root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if d.is_dir() and (d / chapter).is_dir())


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


# ---------------------------------------------------------------- planning


def _record(root, chapter, student):
    try:
        record = json.loads((Path(root) / "autograded" / student / chapter / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _plan(chapter, student, root, material, material_id, force, gradebook=b"", course_secret=b""):
    """``(job, None)`` to grade, or ``(None, result)`` for a skipped or unchanged submission."""
    problem = student_id_problem(student)
    if problem:
        return None, StudentResult(student, "skipped", notes=[problem])
    folder = Path(root) / "submitted" / student / chapter
    path = folder / notebook_name(chapter)
    if not path.is_file():
        return None, StudentResult(student, "skipped", notes=[f"missing {path.relative_to(root)}"])
    data = path.read_bytes()
    bad = notebook_problem(data)
    if bad:
        return None, StudentResult(student, "skipped", notes=[f"{path.relative_to(root)} is {bad}"])
    record = _record(root, chapter, student)
    digest = hashlib.sha256(data).hexdigest()
    if (
        not force
        and record
        and record.get("notebook_sha256") == digest
        and record.get("material_id") == material_id
        and record.get("status") == "graded"
    ):
        return None, StudentResult(
            student, "unchanged", record.get("score", 0.0), record.get("max_score", 0.0), list(record.get("notes", []))
        )
    timestamp = (folder / "timestamp.txt").read_text().strip() if (folder / "timestamp.txt").is_file() else ""
    job = worker.Job(chapter, student, data, timestamp, material, material_id, gradebook, course_secret)
    return job, None


# ---------------------------------------------------------------- running the jobs


def _run_serial(todo):
    for job in todo:
        yield worker.grade_job_limited(job)


def _run_pool(todo, processes):
    """Up to ``processes`` submissions at once, each in a grading process of its own (see
    :func:`autograder.workflow.jobs.grade_job_limited`): one that hangs or dies costs only itself."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=processes) as pool:
        futures = {pool.submit(worker.grade_job_limited, job): job for job in todo}
        for future in concurrent.futures.as_completed(futures):
            yield future.result()


def _failed(job, why):
    return worker.Outcome(job.chapter, job.student, "failed", notes=[why], material_id=job.material_id)


def _run_dask(todo, scheduler, processes):
    """Jobs as Dask tasks, each graded in a process of its own with the same limit as on this machine;
    a worker that dies costs a retry of its task, decided by the scheduler."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        # Workers that are not daemonic may start grading processes from their fork server.
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(
                n_workers=processes, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    seconds = worker.submission_seconds()
    try:
        futures = {
            client.submit(
                worker.grade_job_limited,
                job,
                seconds,
                pure=False,
                retries=1,
                key=f"grade-{job.chapter}-{job.student}-{time.time_ns()}",
            ): job
            for job in todo
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as error:  # noqa: BLE001 - KilledWorker after the retries, a worker bug
                yield _failed(job, f"grading failed on the cluster: {type(error).__name__}: {error}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- writing the results (one writer)


def _write_autograded(root, outcome):
    folder = Path(root) / "autograded" / outcome.student / outcome.chapter
    if folder.exists():
        for path in folder.rglob("*"):
            os.chmod(path, 0o644 if path.is_file() else 0o755)
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / notebook_name(outcome.chapter)).write_bytes(outcome.notebook)
    submitted = Path(root) / "submitted" / outcome.student / outcome.chapter
    for name in ("timestamp.txt", "submission.json"):
        if (submitted / name).is_file():
            shutil.copy(submitted / name, folder / name)
    return folder


def _write_gradebook(api, outcome):
    with api.gradebook as gb:
        gb.update_or_create_student(outcome.student)
        timestamp = {"timestamp": outcome.timestamp} if outcome.timestamp else {}
        gb.update_or_create_submission(outcome.chapter, outcome.student, **timestamp)
        for name, values in outcome.grades.items():
            grade = gb.find_grade(name, outcome.chapter, outcome.chapter, outcome.student)
            grade.auto_score = values["auto_score"]
            grade.needs_manual_grade = values["needs_manual_grade"]
        for name, text in outcome.comments.items():
            gb.find_comment(name, outcome.chapter, outcome.chapter, outcome.student).auto_comment = text
        gb.db.commit()
        submission = gb.find_submission(outcome.chapter, outcome.student)
        notebook = gb.find_submission_notebook(outcome.chapter, outcome.chapter, outcome.student)
        missed = [
            f"{g.name.removesuffix('_hidden')} {g.score:g}/{g.max_score:g}"
            for g in notebook.grades
            if g.max_score and g.score < g.max_score
        ]
        return submission.score, submission.max_score, missed


def _apply(api, root, outcome, review):
    """Write one outcome into the gradebook and ``autograded/``; return the student's result."""
    notes = list(review)
    if outcome.status != "graded":
        return StudentResult(outcome.student, "failed", notes=notes + outcome.notes)
    folder = _write_autograded(root, outcome)
    notes += outcome.notes + worker.harness_notes(worker.autograded_notebook(outcome))
    score, max_score, missed = _write_gradebook(api, outcome)
    if missed:
        notes.append("lost points: " + ", ".join(missed))
    submitted = Path(root) / "submitted" / outcome.student / outcome.chapter / notebook_name(outcome.chapter)
    record = {
        "notebook_sha256": hashlib.sha256(submitted.read_bytes()).hexdigest(),
        "material_id": outcome.material_id,
        "status": "graded",
        "score": score,
        "max_score": max_score,
        "notes": notes,
        "seconds": round(outcome.seconds, 2),
    }
    (folder / RECORD).write_text(json.dumps(record, indent=1) + "\n")
    return StudentResult(outcome.student, "graded", score, max_score, notes + [f"{outcome.seconds:.1f} s"])


def _ensure_released(api, chapter):
    """The gradebook must know the chapter (``nnfs-grade release`` records it)."""
    from nbgrader.api import MissingEntry

    with api.gradebook as gb:
        try:
            gb.find_assignment(chapter)
            return
        except MissingEntry:
            pass
    result = api.generate_assignment(chapter, force=True, create=True)
    if not result["success"]:
        raise SystemExit(f"error: {chapter} is not in the gradebook and could not be recorded: {result.get('error')}")


def grade_chapter(chapter, students=None, root=ROOT, jobs=1, scheduler=None, force=False, db_url=None, progress=None):
    """Grade every submission of ``chapter`` (or only ``students``); return the results in order.

    ``jobs`` processes grade at once (on this machine, or as Dask workers with
    ``scheduler="local"``); ``scheduler`` may also be the address of a running
    Dask scheduler. ``progress(done, total, student)`` is called after each.
    """
    require_sandbox()
    root = Path(root)
    api = nbgrader_api(root, db_url)
    _ensure_released(api, chapter)
    students = students or submitted_students(chapter, root)
    material, material_id = worker.chapter_material(chapter, root)
    gradebook = worker.released_gradebook(chapter, root)
    course_secret = secret.course_secret(root / SECRET_FILE)
    results, todo, review = {}, [], {}
    for student in students:
        job, result = _plan(chapter, student, root, material, material_id, force, gradebook, course_secret)
        if result is not None:
            results[student] = result
            continue
        review[student] = [
            f"⚠ review {text}" for text in suspicious_lines(nbformat.reads(job.notebook.decode("utf-8"), as_version=4))
        ]
        todo.append(job)
    done = len(results)
    if progress:
        progress(done, len(students), None)
    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    previous = os.environ.get("NNFS_KERNEL_THREADS")
    os.environ["NNFS_KERNEL_THREADS"] = str(threads)
    try:
        if scheduler:
            outcomes = _run_dask(todo, scheduler, jobs)
        elif jobs > 1 and len(todo) > 1:
            outcomes = _run_pool(todo, jobs)
        else:
            outcomes = _run_serial(todo)
        for outcome in outcomes:
            results[outcome.student] = _apply(api, root, outcome, review.get(outcome.student, []))
            done += 1
            if progress:
                progress(done, len(students), outcome.student)
    finally:
        if previous is None:
            os.environ.pop("NNFS_KERNEL_THREADS", None)
        else:
            os.environ["NNFS_KERNEL_THREADS"] = previous
    return [results[student] for student in students]


def grade_student(api, chapter, student, root=ROOT):
    """Grade one submission in this process (the serial path), e.g. for a benchmark."""
    return grade_chapter(chapter, [student], root, force=True)[0]


# ---------------------------------------------------------------- reporting and feedback


def summary_table(chapter, results, root=ROOT, db_url=None):
    """A rich table of the results: one row per student, named as the roster (or the download) names them."""
    from rich.markup import escape
    from rich.table import Table

    from autograder.workflow import gradebook
    from autograder.workflow.roster import Roster

    roster = Roster.load(root)
    book = gradebook.read(root, db_url, [chapter])
    table = Table(title=f"Grades for {chapter}", title_justify="left")
    for column in ("student", "status", "score", "notes"):
        table.add_column(column, overflow="fold")
    for r in results:
        score = f"{r.score:g}/{r.max_score:g}" if r.status in ("graded", "unchanged") else "-"
        notes = list(r.notes)
        sub = book.submissions.get((r.student, chapter))
        for name in sub.changed if sub else []:
            grade = sub.exercise(name)
            auto = "-" if grade.auto is None else f"{grade.auto:g}"
            notes.append(
                f"✎ {name} {grade.score:g}/{grade.points:g} set by a person (the grader gives {auto}; "
                "nnfs-grade override list)"
            )
        table.add_row(escape(roster.label(r.student, chapter)), r.status, score, escape("; ".join(notes)))
    graded = sum(r.status in ("graded", "unchanged") for r in results)
    table.caption = f"{graded} graded, {len(results) - graded} not graded (see notes)"
    return table


def feedback_chapter(chapter, students=None, root=ROOT, db_url=None, force=False, jobs=1):
    """Write ``feedback/<id>/<chapter>/*.html`` for what changed (:mod:`.feedback_pages`); ``(written, problems)``."""
    from autograder.workflow.feedback_pages import write_pages

    return write_pages(chapter, students, root, db_url, force=force, jobs=jobs)

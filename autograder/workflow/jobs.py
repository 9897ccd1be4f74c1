"""Grading one submission anywhere: a job in, an outcome out, both plain data.

A :class:`Job` holds a student's notebook (bytes), its timestamp and the
chapter's *material*: the files of the chapter's source folder, keyed by
relative path, with a fingerprint of them and of the grading code. A worker
(this process, a process of a pool, or a Dask worker on another machine: no
shared file system is assumed) runs :func:`grade_job`:

1. once per chapter and material, a private course folder with that chapter
   released into its own gradebook;
2. per job, the stock nbgrader autograde there (configured with the
   course's sandboxed engine), then reads back the grades and the autograded
   notebook.

The outcome carries no reference to the worker's files; only the coordinator
(:mod:`autograder.workflow.grading`) writes the instructor's gradebook and folders, so
grades are written once, by one writer, whatever ran the job.
"""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import ROOT, SECRET_FILE, nbgrader_api, notebook_name

# nbgrader 0.9.6 trips SQLAlchemy's autoflush warnings on every submission; they are harmless.
warnings.filterwarnings("ignore", message=".*not in session.*")

#: Code whose change changes grades (its fingerprint is part of every job).
GRADING_CODE = ("solutions", "autograder", "chapters/coursekit", "nbgrader_config.py")


def _digest_files(paths, base):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_fingerprint(root=ROOT):
    """A hash of the grading code installed here (workers must run the same)."""
    files = []
    for name in GRADING_CODE:
        path = Path(root) / name
        files += [p for p in path.rglob("*.py") if "__pycache__" not in p.parts] if path.is_dir() else [path]
    return _digest_files(files, Path(root))[:16]


def chapter_material(chapter, root=ROOT):
    """``(files, fingerprint)``: the chapter's source folder as ``{relative path: bytes}``."""
    folder = Path(root) / "chapters" / chapter
    files = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
    }
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return files, f"{digest.hexdigest()[:16]}-{code_fingerprint()}"


@dataclass
class Job:
    """One submission to grade, with everything a worker needs."""

    chapter: str
    student: str
    notebook: bytes
    timestamp: str = ""
    material: dict = field(default_factory=dict, repr=False)
    material_id: str = ""
    gradebook: bytes = field(default=b"", repr=False)  # the chapter released into an empty gradebook
    secret: bytes = field(default=b"", repr=False)  # the course's grading secret (autograder.engine.secret)


@dataclass
class Outcome:
    """What grading one job produced: plain data the coordinator writes down."""

    chapter: str
    student: str
    status: str  # "graded" or "failed"
    notes: list = field(default_factory=list)
    grades: dict = field(default_factory=dict)  # grade cell -> {"auto_score", "max_score"}
    comments: dict = field(default_factory=dict)  # solution cell -> auto_comment
    timestamp: str = ""
    notebook: bytes = b""  # the autograded notebook
    seconds: float = 0.0
    material_id: str = ""


_COURSES = {}


def _course_folder(chapter, material):
    root = Path(tempfile.mkdtemp(prefix=f"nnfs-worker-{chapter}-"))
    for name, data in material.items():
        path = root / "chapters" / chapter / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _release(root, chapter):
    api = nbgrader_api(root)
    result = api.generate_assignment(chapter, force=True, create=True)
    if not result["success"]:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not release {chapter}: {result.get('error') or result.get('log')}")
    return api


def released_gradebook(chapter, root=ROOT):
    """An SQLite gradebook holding only ``chapter``, released (made once per material, then cached).

    Jobs carry it, so a worker need not release the chapter itself (nbgrader
    takes seconds to create a gradebook). The cache is the course's
    ``.cache/grading`` folder, or ``$NNFS_GRADING_CACHE``: its files are named by
    the digest of the chapter's material and the grader's code, so course
    folders holding the same material can share one.
    """
    material, material_id = chapter_material(chapter, root)
    folder = os.environ.get("NNFS_GRADING_CACHE") or Path(root) / ".cache" / "grading"
    cache = Path(folder) / f"{chapter}-{material_id}.db"
    if not cache.is_file():
        scratch = _course_folder(chapter, material)
        try:
            _release(scratch, chapter)
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_name(f"{cache.name}.{os.getpid()}")  # two graders may race here
            shutil.copy(scratch / "gradebook.db", partial)
            partial.replace(cache)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return cache.read_bytes()


def _worker_course(chapter, material, material_id, gradebook=b""):
    """A private course folder with ``chapter`` released, made once per process and material."""
    key = (chapter, material_id)
    if key not in _COURSES:
        root = _course_folder(chapter, material)
        if gradebook:
            (root / "gradebook.db").write_bytes(gradebook)
            api = nbgrader_api(root)
        else:
            api = _release(root, chapter)
        _COURSES[key] = (root, api)
    return _COURSES[key]


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


def harness_notes(nb):
    """The integrity notes (lines starting with ⚠) the grader wrote into the scored cells."""
    lines = []
    for cell in nb.cells:
        if not _is_scored_test(cell):
            continue
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                lines += [line.strip() for line in output.text.splitlines() if line.startswith("⚠")]
    return lines


def check_scores(api, chapter, student, root):
    """Make each test cell's grade the number it showed (0 if none); return notes.

    nbgrader gives full marks to a test cell that shows no number, or a NumPy 2
    scalar such as ``np.float64(0.5)``; the grader always writes a plain float,
    so this only matters if something else wrote the cell.
    """
    path = Path(root) / "autograded" / student / chapter / notebook_name(chapter)
    nb = nbformat.read(path, as_version=4)
    notes = []
    with api.gradebook as gb:
        for cell in nb.cells:
            if not _is_scored_test(cell):
                continue
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


def _last_error(result):
    text = (result.get("error") or result.get("log") or "").strip().splitlines()
    useful = [line for line in text if "Error" in line or "error" in line]
    return (useful or text or ["unknown error"])[-1][:200]


def grade_job(job):
    """Grade ``job`` in this process; return an :class:`Outcome` (never raises for the submission's sake)."""
    start = time.perf_counter()
    expected = job.material_id.rsplit("-", 1)[-1]
    if expected and expected != code_fingerprint():
        return Outcome(
            job.chapter,
            job.student,
            "failed",
            seconds=0.0,
            material_id=job.material_id,
            notes=[
                f"this worker runs other grading code ({code_fingerprint()}, not {expected}): "
                "install the same version of the course on every worker"
            ],
        )
    root, api = _worker_course(job.chapter, job.material, job.material_id, job.gradebook)
    folder = root / "submitted" / job.student / job.chapter
    graded = root / "autograded" / job.student / job.chapter
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(graded, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / notebook_name(job.chapter)).write_bytes(job.notebook)
    secret_path = root / SECRET_FILE
    secret_path.unlink(missing_ok=True)
    if job.secret:
        secret_path.touch(mode=0o600)
        secret_path.write_bytes(job.secret)
    if job.timestamp:
        (folder / "timestamp.txt").write_text(job.timestamp)
    try:
        result = api.autograde(job.chapter, job.student, force=True, create=True)
        if not result["success"]:
            return Outcome(
                job.chapter,
                job.student,
                "failed",
                notes=[f"nbgrader failed: {_last_error(result)}"],
                seconds=time.perf_counter() - start,
                material_id=job.material_id,
            )
        outcome = Outcome(job.chapter, job.student, "graded", material_id=job.material_id)
        outcome.notes = check_scores(api, job.chapter, job.student, root)
        outcome.notebook = (graded / notebook_name(job.chapter)).read_bytes()
        with api.gradebook as gb:
            submission = gb.find_submission(job.chapter, job.student)
            outcome.timestamp = submission.timestamp.isoformat() if submission.timestamp else ""
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    outcome.grades[grade.name] = {
                        "auto_score": grade.auto_score,
                        "max_score": grade.max_score,
                        "needs_manual_grade": grade.needs_manual_grade,
                    }
                for comment in notebook.comments:
                    outcome.comments[comment.name] = comment.auto_comment
        outcome.seconds = time.perf_counter() - start
        return outcome
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
        shutil.rmtree(graded.parent, ignore_errors=True)


def autograded_notebook(outcome):
    return nbformat.reads(outcome.notebook.decode("utf-8"), as_version=4)


def forget_worker_courses():
    """Remove this process's private course folders (tests and short-lived workers)."""
    for root, _ in _COURSES.values():
        shutil.rmtree(root, ignore_errors=True)
    _COURSES.clear()


# ---------------------------------------------------------------- one submission, one process, one deadline

#: Longest one submission's grading may take, every cell and probe included (seconds); past it the
#: submission is not graded and the run goes on. NNFS_SUBMISSION_TIMEOUT changes it.
SUBMISSION_SECONDS = 600.0
#: Largest outcome a grading process may send back (the autograded notebook and its grades).
MAX_OUTCOME_BYTES = 256 * 2**20
#: Modules every grading process needs, imported once in the fork server that starts them (each
#: process would otherwise import them again: 0.3 s a submission). nbgrader_config.py names the
#: plugins; SQLAlchemy loads its SQLite dialect on first use; matplotlib finds its font cache for the
#: sandbox (autograder.engine.sandbox).
PRELOAD = [
    "autograder.workflow.jobs",
    "autograder.engine.execute",
    "autograder.judging.chapters",
    "autograder.nbgrader_plugins.preprocessors",
    "autograder.nbgrader_plugins.repair",
    "autograder.nbgrader_plugins.zip_collect",
    "autograder.workflow.release_steps",
    "nbgrader.apps",
    "sqlalchemy.dialects.sqlite",
    "matplotlib",
    "unittest",
    "difflib",
]


def submission_seconds():
    try:
        return float(os.environ.get("NNFS_SUBMISSION_TIMEOUT") or SUBMISSION_SECONDS)
    except ValueError:
        return SUBMISSION_SECONDS


def _sandbox_checked():
    """Whether this process has seen a sandbox start (then the grading processes it starts need not)."""
    from autograder.engine import execute, sandbox

    return not sandbox.unsandboxed_requested() and execute.sandbox_works()


def _child(job, connection, scratch, sandbox_checked=False):
    """A grading process: grade ``job`` with its temporary files under ``scratch``; send the outcome."""
    import pickle

    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch
    if sandbox_checked:
        from autograder.engine import execute

        execute.trust_sandbox_check()
    try:
        outcome = grade_job(job)
    except BaseException as error:  # noqa: BLE001 - a bug of the grader's must still report
        outcome = Outcome(
            job.chapter,
            job.student,
            "failed",
            material_id=job.material_id,
            notes=[f"grading failed: {type(error).__name__}: {str(error)[:300]}"],
        )
    forget_worker_courses()
    connection.send_bytes(pickle.dumps(outcome))
    connection.close()


def _unmount_below(folder):
    """Unmount what a killed grading process left mounted under ``folder`` (a sandbox's tmpfs)."""
    try:
        with open("/proc/self/mounts") as handle:
            points = [line.split()[1].replace("\\040", " ") for line in handle]
    except OSError:
        return
    for point in sorted((p for p in points if p.startswith(str(folder) + "/")), key=len, reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True)


def _context():
    """How grading processes are started: a fork server that has imported the grader already.

    A daemonic process (a Dask worker started with the default settings) may
    not start children that way; it gets ``None``, and runs each submission
    in a fresh interpreter instead (slower to start, the same limits).
    """
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def grade_job_limited(job, seconds=None):
    """:func:`grade_job` in a process of its own, which is killed after ``seconds`` (wall clock).

    Whatever a submission does to its grading process (hang it, make it
    crash, fill its memory) ends with that process: the outcome is then
    "failed" with the reason, and nothing of the process survives it
    (its sandboxes die with it; its temporary files and mounts are removed
    here). Every way of grading (one after another, ``--jobs``, Dask) runs
    each submission through this function.
    """
    import pickle

    seconds = submission_seconds() if seconds is None else seconds
    start = time.perf_counter()
    scratch = tempfile.mkdtemp(prefix=f"nnfs-job-{job.student[:40]}-")
    context = _context()
    checked = _sandbox_checked()
    try:
        if context is None:
            data, why = _run_interpreter(job, scratch, seconds, checked)
        else:
            data, why = _run_forked(context, job, scratch, seconds, checked)
    finally:
        _unmount_below(scratch)
        shutil.rmtree(scratch, ignore_errors=True)
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception as error:  # noqa: BLE001
            why = f"its grading process sent an unreadable outcome ({type(error).__name__})"
    return Outcome(
        job.chapter,
        job.student,
        "failed",
        notes=[f"not graded: {why}"],
        seconds=time.perf_counter() - start,
        material_id=job.material_id,
    )


def _run_forked(context, job, scratch, seconds, checked):
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, sender, scratch, checked), daemon=True)
    process.start()
    sender.close()
    data, why = None, None
    try:
        if receiver.poll(seconds):
            try:
                data = receiver.recv_bytes(MAX_OUTCOME_BYTES)
            except EOFError:
                process.join(5)
                why = f"its grading process ended without an outcome (exit code {process.exitcode})"
            except OSError:
                why = f"its grading process sent more than {MAX_OUTCOME_BYTES // 2**20} MiB back"
        else:
            why = f"grading took longer than {seconds:g} s (the limit for one submission)"
    finally:
        receiver.close()
        process.join(5 if data is not None else 0)
        if process.is_alive():
            process.kill()
            process.join()
    return data, why


def _run_interpreter(job, scratch, seconds, checked):
    import pickle
    import sys

    command = [sys.executable, "-c", "import autograder.workflow.jobs as j; j._interpreter_child()"]
    try:
        done = subprocess.run(
            command,
            input=pickle.dumps((job, scratch, checked)),
            capture_output=True,
            timeout=seconds,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return None, f"grading took longer than {seconds:g} s (the limit for one submission)"
    if done.returncode != 0 or not done.stdout:
        return None, f"its grading process ended without an outcome (exit code {done.returncode})"
    if len(done.stdout) > MAX_OUTCOME_BYTES:
        return None, f"its grading process sent more than {MAX_OUTCOME_BYTES // 2**20} MiB back"
    return done.stdout, None


def _interpreter_child():
    """The grading process of :func:`_run_interpreter`: a job on stdin, its outcome on stdout."""
    import pickle
    import sys

    job, scratch, checked = pickle.loads(sys.stdin.buffer.read())
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout must not mix with the outcome

    class Sender:
        def send_bytes(self, data):
            out.write(data)
            out.flush()

        def close(self):
            pass

    _child(job, Sender(), scratch, checked)

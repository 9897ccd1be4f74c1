"""``nnfs-grade feedback``: write the pages whose content changed, several at once.

A student's feedback page depends on their autograded notebook, on what the
gradebook holds for the submission (every score, automatic or set by a person,
the comments, a late penalty), on the name the roster gives them, and on the
code that makes pages. Each page written records a fingerprint of all of
these in ``autograded/.feedback-<chapter>.json`` (outside the folders nbgrader
copies to students); the next run rewrites only the pages whose fingerprint
changed or whose file is gone (``force`` rewrites all). Checking a class
whose pages are all current reads the gradebook once and hashes the graded
notebooks: no page is opened.

Pages to write are made by nbgrader's ``generate_feedback`` (so the stock
command gives the same pages), in batches: one converter for many students
(templates compiled once), ``jobs`` batches at once in forked processes.
Every page written is scanned for hidden-test material and deleted if any is
found (:mod:`autograder.workflow.leaks`).
"""

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import shutil
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from autograder.course import ROOT, nbgrader_api, notebook_name
from autograder.workflow import gradebook
from autograder.workflow.roster import Roster

#: The code a page is made by: a change to any of these makes every page out of date.
PAGE_CODE = (
    "workflow/feedback.py",
    "nbgrader_plugins/feedback_exporter.py",
    "workflow/feedback_pages.py",
    "reports/hidden_reports.py",
    "reports/inert_html.py",
    "nbgrader_plugins/preprocessors.py",
    "workflow/roster.py",
)


@dataclass
class Written:
    written: list = field(default_factory=list)  # feedback folders written now
    unchanged: list = field(default_factory=list)  # students whose page was already current

    def __iter__(self):
        return iter(self.written)

    def __len__(self):
        return len(self.written)

    def lines(self, root):
        out = [f"feedback: {Path(folder).relative_to(root)}" for folder in self.written]
        count = len(self.written)
        out.append(
            f"{count} page{'' if count == 1 else 's'} written, {len(self.unchanged)} unchanged"
            + (" (nnfs-grade feedback --force writes all)" if self.unchanged else "")
        )
        return out


def _code_fingerprint(root):
    digest = hashlib.sha256(version("nbgrader").encode())
    here = Path(__file__).parents[1]  # autograder/
    for name in PAGE_CODE:
        digest.update((here / name).read_bytes())
    digest.update((ROOT / "nbgrader_config.py").read_bytes())
    return digest.hexdigest()


def stamp_path(root, chapter):
    return Path(root) / "autograded" / f".feedback-{chapter}.json"


def _stamps(root, chapter):
    try:
        data = json.loads(stamp_path(root, chapter).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def fingerprint(root, chapter, student, submission, label, code):
    """What the page of ``student`` is made from (see the module docstring), as one hash."""
    notebook = Path(root) / "autograded" / student / chapter / notebook_name(chapter)
    facts = {"label": label, "code": code}
    if submission is not None:
        grades = sorted((name, g.auto, g.manual, g.extra, g.points) for name, g in submission.grades.items())
        facts.update(penalty=submission.late_penalty, comments=sorted(submission.comments.items()), grades=grades)
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode())
    digest.update(notebook.read_bytes() if notebook.is_file() else b"")
    return digest.hexdigest()


def _write_batch(root, db_url, chapter, students, everyone):
    """Write the pages of ``students`` with one nbgrader converter; return ``(student, problem or None)``."""
    from nbgrader.utils import temp_attrs

    from autograder.workflow.jobs import _last_error

    api = nbgrader_api(root, db_url)
    others = ",".join(sorted(set(everyone) - set(students)))
    before = {s: _mtime(root, chapter, s) for s in students}
    with temp_attrs(api.coursedir, student_id_exclude=others):
        result = api.generate_feedback(chapter, None, force=True)
    outcome = []
    for student in students:
        page = Path(root) / "feedback" / student / chapter / f"{chapter}.html"
        if page.is_file() and _mtime(root, chapter, student) != before[student]:
            outcome.append((student, None))
        else:
            why = _last_error(result) if not result["success"] else "no page was written"
            outcome.append((student, f"nbgrader could not write feedback: {why}"))
    return outcome


def _mtime(root, chapter, student):
    page = Path(root) / "feedback" / student / chapter / f"{chapter}.html"
    return page.stat().st_mtime_ns if page.is_file() else None


def _chunks(items, count):
    return [items[i::count] for i in range(count) if items[i::count]]


def write_pages(chapter, students=None, root=ROOT, db_url=None, force=False, jobs=1):
    """Write the out-of-date feedback pages of ``chapter``; return ``(Written, problems)``."""
    root = Path(root)
    autograded = root / "autograded"
    everyone = sorted(d.parent.name for d in autograded.glob(f"*/{chapter}") if d.is_dir())
    students = students or everyone
    book = gradebook.read(root, db_url, [chapter])
    roster = Roster.load(root)
    code = _code_fingerprint(root)
    stamps = _stamps(root, chapter)
    prints = {
        s: fingerprint(root, chapter, s, book.submissions.get((s, chapter)), roster.label(s, chapter), code)
        for s in students
    }
    done = Written()
    todo = []
    for student in students:
        page = root / "feedback" / student / chapter / f"{chapter}.html"
        if not force and stamps.get(student) == prints[student] and page.is_file():
            done.unchanged.append(student)
        else:
            todo.append(student)
    problems, outcome = [], []
    batches = _chunks(todo, max(1, min(jobs, len(todo) // 3)))
    if batches:  # load nbgrader's application (seconds) once, before the batches' processes are forked from this one
        import nbgrader.apps  # noqa: F401
        import nbgrader.converters  # noqa: F401
    if len(batches) > 1:
        with concurrent.futures.ProcessPoolExecutor(
            len(batches), mp_context=multiprocessing.get_context("fork")
        ) as pool:
            for part in pool.map(_write_batch, *zip(*[(root, db_url, chapter, b, everyone) for b in batches])):
                outcome += part
    elif batches:
        outcome = _write_batch(root, db_url, chapter, batches[0], everyone)
    if outcome:
        from autograder.reports import inert_html
        from autograder.workflow import leaks
    for student, problem in sorted(outcome):
        folder = root / "feedback" / student / chapter
        if problem:
            problems.append(f"{student}: {problem}")
            stamps.pop(student, None)
            continue
        unsafe = [page.name for page in folder.glob("*.html") if not inert_html.is_inert(page.read_text("utf-8"))]
        if unsafe:
            shutil.rmtree(folder)
            stamps.pop(student, None)
            problems.append(
                f"{student}: feedback page {', '.join(unsafe)} could not be made inert (see the log); deleted"
            )
            continue
        found = leaks.scan_tree(folder, hidden_tests_only=True)
        if found:
            shutil.rmtree(folder)
            stamps.pop(student, None)
            problems.append(
                f"{student}: feedback showed hidden material ({'; '.join(sum(found.values(), []))}); deleted"
            )
            continue
        stamps[student] = prints[student]
        done.written.append(folder)
    if todo:
        autograded.mkdir(exist_ok=True)
        path = stamp_path(root, chapter)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
    return done, problems

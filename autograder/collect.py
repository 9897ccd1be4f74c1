"""Collect: put submissions where nbgrader expects them.

Sources:

* a folder with one sub-folder per student (``<id>/<chapter>.ipynb``, or
  ``<id>/<chapter>/<chapter>.ipynb``, or a single notebook of any name);
* an LMS zip: members ``<id>/…/*.ipynb`` (a folder per student) or flat
  Canvas-style names ``<id>[_LATE]_<number>_<number>_<file>.ipynb``; another
  naming scheme can be given as a regular expression with a ``student`` group.

Each submission becomes ``submitted/<id>/<chapter>/<chapter>.ipynb`` with a
``timestamp.txt`` and a ``submission.json`` (where it came from, the LMS's late
flag — Canvas marks late files ``_LATE`` — and the notebook's SHA-256). Only notebooks are taken: other files a student uploads are
never copied into the grading folders. Problems (a bad student id, no
notebook, two candidate notebooks, a file that is not a valid notebook) are
reported per student and never stop the others.

Everything a student uploads is hostile until read (:mod:`autograder.untrusted`):
only regular files that really are inside the student's own folder or zip
member are read — never a symbolic link (``unzip`` recreates the links a zip
holds), a hard link, a FIFO or a device — and at most
:data:`MAX_NOTEBOOK_BYTES` of each, whatever size a zip's directory declares.
A refused file is reported with the student and the reason.
"""

import datetime
import hashlib
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .course import ROOT, notebook_name, student_id_problem
from .untrusted import Refused, read_file, read_member

#: Largest notebook collected (a chapter's notebook with its figures is about 1 MiB).
MAX_NOTEBOOK_BYTES = 20 * 2**20

#: How Canvas names the files of a submissions zip: <login>[_LATE]_<user id>_<submission id>_<file>.
#: (Also read by stock ``nbgrader zip_collect``, see autograder/lms.py.)
CANVAS_FILE = r"(?P<student>[A-Za-z0-9.@-]+?)(?P<late>_LATE)?_(?P<lms_id>\d+)_\d+_(?P<file>[^/\\]+)"
CANVAS_NAME = re.compile(f"^{CANVAS_FILE}$")
#: What collect knows about a submission beyond the notebook, beside it in ``submitted/``.
SUBMISSION_INFO = "submission.json"
SKIPPED_PARTS = ("__MACOSX", ".ipynb_checkpoints")


@dataclass
class CollectReport:
    collected: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def lines(self):
        out = [f"collected {sid}: {note}" for sid, note in self.collected]
        out += [f"problem: {text}" for text in self.problems]
        return out


def notebook_problem(data):
    """Why ``data`` (bytes) is not a readable notebook, or ``None``."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # JSON, encoding and schema errors alike
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"not a valid Jupyter notebook ({first_line[:160]})"
    return None


def read_info(folder):
    """The ``submission.json`` collect wrote for a submission folder (``{}`` if none or unreadable)."""
    try:
        info = json.loads((Path(folder) / SUBMISSION_INFO).read_text())
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _store(root, chapter, student, data, when, origin, report, late=False, lms_id=None):
    problem = student_id_problem(student)
    if problem:
        report.problems.append(f"{origin}: {problem}; not collected")
        return
    dest_dir = Path(root) / "submitted" / student / chapter
    dest = dest_dir / notebook_name(chapter)
    if dest.exists() and dest.read_bytes() == data and read_info(dest_dir).get("late") == bool(late):
        report.collected.append((student, f"unchanged ({origin})"))
        return
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    (dest_dir / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    info = {"origin": origin, "late": bool(late), "submitted": when.isoformat(),
            "sha256": hashlib.sha256(data).hexdigest()}
    if lms_id:
        info["lms_user_id"] = lms_id  # Canvas's numeric user id, from the file name
    (dest_dir / SUBMISSION_INFO).write_text(json.dumps(info, indent=1) + "\n")
    note = f"from {origin}"
    bad = notebook_problem(data)
    if bad:
        note += f" — WARNING: {bad}; it will be reported at grading"
    report.collected.append((student, note))


def _pick(candidates, chapter):
    """The submitted notebook among ``candidates`` (paths or names), or a problem text."""
    wanted = notebook_name(chapter)
    exact = [c for c in candidates if Path(str(c)).name == wanted]
    if len(exact) == 1:
        return exact[0], None
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, f"no notebook (expected {wanted})"
    names = ", ".join(sorted(Path(str(c)).name for c in candidates))
    return None, f"several notebooks and none named {wanted}: {names}"


def _notebooks_in(folder, source, report):
    """The regular ``.ipynb`` files below ``folder``, never leaving it through a link.

    Links and special files are reported (with what they are) and left out.
    """
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_PARTS)
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            path = Path(top) / name
            mode = path.lstat().st_mode
            if not name.endswith(".ipynb") and not stat.S_ISLNK(mode):
                continue
            if stat.S_ISREG(mode):
                found.append(path)
            else:
                kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
                report.problems.append(f"{path.relative_to(source)}: is {kind}; not collected (only files "
                                       "the student uploaded are read: replace it by the file itself)")
    return found


def collect_folder(chapter, source, root=ROOT):
    """Collect from a folder with one sub-folder per student."""
    report = CollectReport()
    source = Path(source)
    if not source.is_dir():
        raise SystemExit(f"error: {source} is not a folder")
    for entry in sorted(source.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            report.problems.append(f"{entry.name}: is a symbolic link, not a student's folder; not collected")
            continue
        if not entry.is_dir():
            continue
        candidates = _notebooks_in(entry, source, report)
        path, problem = _pick(candidates, chapter)
        if problem:
            report.problems.append(f"{entry.name}: {problem}")
            continue
        try:
            data = read_file(path, MAX_NOTEBOOK_BYTES)
        except (Refused, OSError) as error:
            report.problems.append(f"{path.relative_to(source)}: {_reason(error)}; not collected")
            continue
        when = datetime.datetime.fromtimestamp(path.lstat().st_mtime, datetime.timezone.utc)
        _store(root, chapter, entry.name, data, when, str(path.relative_to(source)), report)
    return report


def _reason(error):
    if isinstance(error, Refused):
        return str(error)
    return f"cannot be read ({error.strerror or error})"


def _file_part(member):
    """The original file name inside an LMS member name."""
    name = Path(member).name
    match = CANVAS_NAME.match(name)
    return match.group("file") if match else name


def collect_zip(chapter, archive, root=ROOT, pattern=None):
    """Collect from an LMS zip (see the module docstring for the names understood)."""
    report = CollectReport()
    regex = re.compile(pattern) if pattern else None
    if regex is not None and "student" not in regex.groupindex:
        raise SystemExit("error: --pattern needs a named group (?P<student>...)")
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise SystemExit(f"error: cannot read {archive}: {error}")
    by_student, late, lms_ids = {}, set(), {}
    with zf:
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if info.is_dir() or not info.filename.endswith(".ipynb") or any(s in parts for s in SKIPPED_PARTS):
                continue
            name = parts[-1]
            match = (regex or CANVAS_NAME).match(name if regex is None else info.filename)
            if match:
                student = match.group("student")
                if "late" in match.groupdict() and match.group("late"):
                    late.add(info.filename)
                if "lms_id" in match.groupdict() and match.group("lms_id"):
                    lms_ids[student] = match.group("lms_id")
            elif len(parts) > 1:
                student = parts[0]
            else:
                report.problems.append(f"{info.filename}: cannot tell whose submission this is; not collected")
                continue
            by_student.setdefault(student, []).append(info)
        for student, infos in sorted(by_student.items()):
            names = {_file_part(i.filename): i for i in infos}
            chosen, problem = _pick(list(names), chapter)
            if problem:
                report.problems.append(f"{student}: {problem}")
                continue
            info = names[chosen]
            try:
                data = read_member(zf, info, MAX_NOTEBOOK_BYTES)
            except Refused as error:
                report.problems.append(f"{info.filename}: {error}; not collected")
                continue
            when = datetime.datetime(*info.date_time, tzinfo=datetime.timezone.utc)
            _store(root, chapter, student, data, when, f"{Path(archive).name}:{info.filename}", report,
                   late=info.filename in late, lms_id=lms_ids.get(student))
    return report

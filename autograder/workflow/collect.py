"""Collect: put submissions where nbgrader expects them, from an LMS download as it comes.

Sources, recognised file by file:

* a **Canvas** *Download Submissions* zip: flat files
  ``<name>[_LATE]_<user id>_<attachment id>_<file>`` or, graded anonymously,
  ``[LATE_]anon_<id>_<attachment id>_<file>`` (:mod:`autograder.workflow.canvas` has the
  rules, from Canvas's source);
* a **Moodle** *Download all submissions* zip: a folder per student,
  ``<Full Name>_<participant id>_assignsubmission_file/<file>``, or flat files
  ``<Full Name>_<participant id>_assignsubmission_file_<file>`` (:mod:`autograder.workflow.moodle`);
* a folder or zip with one sub-folder per student (``<id>/<chapter>.ipynb``,
  ``<id>/<chapter>/<chapter>.ipynb``, or a single notebook of any name); an
  extracted LMS download works the same as its zip;
* another naming scheme, given as a regular expression with a ``student`` group.

A student is known by the LMS's stable id: the Canvas user id (``anon_<id>``
when anonymous), the Moodle participant id, or the folder's name; the name the
download carries is kept for display. Each submission becomes
``submitted/<id>/<chapter>/<chapter>.ipynb`` with a ``timestamp.txt`` and a
``submission.json`` (where it came from, the LMS, the name, the LMS's late
flag, the notebook's SHA-256).

Nothing is dropped in silence: the report says how many of the students in
the download were collected and names every file that was not, with the
reason and what to do; :attr:`CollectReport.complete` is false (and
``nnfs-grade collect`` exits with 1) if anything was not collected. A student
with one notebook has it collected whatever its name (Canvas renames a second
upload ``<name>-1.ipynb``); with several, the one named as the chapter's
notebook is collected and the others are reported; with several and none of
that name, none is collected and all are named. Files that are not notebooks
are listed as not needed.

Everything a student uploads is hostile until read (:mod:`autograder.engine.untrusted`):
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
from typing import Callable, Optional

from autograder.course import ROOT, notebook_name, student_id_problem
from autograder.engine.untrusted import Refused, megabytes, member_kind, read_file, read_member
from autograder.workflow import canvas, moodle

#: Largest notebook collected (a chapter's notebook with its figures is about 1 MiB).
MAX_NOTEBOOK_BYTES = 20 * 2**20
#: Most cells a collected notebook may have (a chapter's has about 100-200). Validating a notebook
#: of many thousands of tiny cells takes the coordinator seconds each: such a notebook is refused.
MAX_NOTEBOOK_CELLS = 2000
#: What collect knows about a submission beyond the notebook, beside it in ``submitted/``.
SUBMISSION_INFO = "submission.json"
#: Folders an operating system or Jupyter adds to a download; never anyone's submission.
SKIPPED_PARTS = ("__MACOSX", ".ipynb_checkpoints")
NAMING_HELP = (
    "its name is not Canvas's (<name>_<user id>_<attachment id>_<file>), not Moodle's "
    "(<Full Name>_<participant id>_assignsubmission_file…) and it is in no student's folder: put it "
    "in a folder named after the student and collect with --from-dir, or give --pattern"
)


@dataclass
class Upload:
    """One file of a download, and whose it is as far as its name says."""

    where: str  # its path in the download, for messages
    key: Optional[str]  # the student id it belongs to; None if its name does not say
    file: str  # the file's own name
    when: datetime.datetime
    read: Callable[[], bytes] = None  # the bytes (raises Refused or OSError)
    name: str = ""  # the student's name as the download writes it
    late: bool = False
    lms: Optional[str] = None
    anonymous: bool = False
    refused: Optional[str] = None  # why it is not read at all (a link, a device…)
    origin: str = ""  # where it came from, as submission.json records it (default: ``where``)

    @property
    def notebook(self):
        return self.file.lower().endswith(".ipynb")


@dataclass
class CollectReport:
    source: str = ""
    collected: list = field(default_factory=list)  # (student, note)
    problems: list = field(default_factory=list)  # what was not collected: why, and what to do
    notes: list = field(default_factory=list)  # files not needed (not notebooks), skipped system files
    students: int = 0  # how many students the download holds

    @property
    def complete(self):
        """True when every student and every notebook of the download was collected."""
        return not self.problems

    def summary(self):
        text = f"{len(self.collected)} of {self.students} students collected from {self.source}"
        if self.problems:
            text += f"; NOT collected: {len(self.problems)} (below, with what to do)"
        return text

    def lines(self):
        out = [self.summary()]
        out += [f"collected {sid}: {note}" for sid, note in self.collected]
        out += [f"note: {text}" for text in self.notes]
        out += [f"problem: {text}" for text in self.problems]
        return out


def notebook_problem(data):
    """Why ``data`` (bytes) is not a readable notebook, or ``None``."""
    import nbformat  # here: importing it costs seconds (jsonschema's format checkers), which roster and export avoid

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = nb.get("cells")
        if isinstance(cells, list) and len(cells) > MAX_NOTEBOOK_CELLS:
            return (
                f"a notebook of {len(cells)} cells (at most {MAX_NOTEBOOK_CELLS} are accepted): "
                "the student should delete the cells they added and upload it again"
            )
        nbformat.validate(nb)
    except Exception as error:  # JSON, encoding and schema errors alike
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"not a valid Jupyter notebook ({first_line[:160]})"
    return None


def read_info(folder):
    """The ``submission.json`` collect wrote for a submission folder (``{}`` if none or unreadable)."""
    try:
        info = json.loads((Path(folder) / SUBMISSION_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def printable(text):
    """``text`` safe to print on a terminal: control characters (escape sequences…) shown as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def label(key, name=""):
    """``Name (id)``, or the id alone when no name is known; printable."""
    return printable(f"{name} ({key})" if name and name != key else key)


def _store(root, chapter, upload, data, report):
    dest_dir = Path(root) / "submitted" / upload.key / chapter
    dest = dest_dir / notebook_name(chapter)
    info = {
        "origin": upload.origin or upload.where,
        "late": bool(upload.late),
        "submitted": upload.when.isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if upload.lms:
        info.update(lms=upload.lms, name=upload.name, file=upload.file, anonymous=upload.anonymous)
    old = read_info(dest_dir)
    who = label(upload.key, upload.name)
    if (
        dest.exists()
        and dest.read_bytes() == data
        and all(old.get(k) == info[k] for k in ("late", "name") if k in info)
    ):
        report.collected.append((upload.key, f"{who}: unchanged ({printable(upload.where)})"))
        return
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    (dest_dir / "timestamp.txt").write_text(upload.when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
    (dest_dir / SUBMISSION_INFO).write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    note = f"{who}: {'updated' if old else 'new'}, from {printable(upload.where)}" + (" (late)" if upload.late else "")
    bad = notebook_problem(data)
    if bad:
        note += f" — WARNING: {bad}; it will be reported at grading"
    report.collected.append((upload.key, note))


def _reason(error):
    if isinstance(error, Refused):
        return str(error)
    return f"cannot be read ({error.strerror or error})"


def _collect(chapter, uploads, root, report):
    """File the uploads of each student (see the module docstring for the rules)."""
    wanted = notebook_name(chapter)
    by_key, names = {}, {}
    for upload in uploads:
        if upload.key is None:
            if upload.refused:
                report.problems.append(
                    f"{printable(upload.where)}: {upload.refused}; not collected (only regular "
                    "files are read: replace it by the file itself)"
                )
            elif upload.notebook:
                report.problems.append(
                    f"{printable(upload.where)}: cannot tell whose submission this is: {NAMING_HELP}; not collected"
                )
            else:
                report.notes.append(f"{printable(upload.where)}: not a notebook and nobody's; not needed")
            continue
        files = by_key.setdefault(upload.key, [])
        if upload.file or upload.refused:
            files.append(upload)
        elif upload.name:
            names.setdefault(upload.key, upload.name)
    report.students = len(by_key)
    for key, mine in sorted(by_key.items()):
        who = label(key, next((u.name for u in mine if u.name), names.get(key, "")))
        for upload in mine:
            if upload.refused:
                report.problems.append(
                    f"{printable(upload.where)}: {upload.refused}; not collected (only files "
                    "the student uploaded are read: replace it by the file itself)"
                )
        usable = [u for u in mine if not u.refused]
        notebooks = [u for u in usable if u.notebook]
        for upload in usable:
            if not upload.notebook:
                report.notes.append(f"{who}: {printable(upload.where)} is not a notebook; not needed")
        if not notebooks:
            report.problems.append(
                f"{who}: no notebook (expected {wanted}); nothing collected for this student: "
                "ask them to upload the chapter's notebook"
            )
            continue
        chosen = notebooks[0] if len(notebooks) == 1 else None
        if chosen is None:
            exact = [u for u in notebooks if u.file == wanted]
            listed = ", ".join(printable(u.where) for u in notebooks)
            if len(exact) != 1:
                which = f"none is {wanted}" if not exact else f"{len(exact)} are {wanted}"
                report.problems.append(
                    f"{who}: several notebooks and {which}: {listed}; none collected: "
                    "ask the student which one to grade, keep only that one in the download "
                    "and collect again"
                )
                continue
            chosen = exact[0]
            for other in notebooks:
                if other is not chosen:
                    report.problems.append(
                        f"{printable(other.where)}: not collected: another notebook of {who}, "
                        f"whose {wanted} was collected; if this one is to be graded instead, "
                        "remove the other from the download and collect again"
                    )
        problem = student_id_problem(key)
        if problem:
            report.problems.append(f"{printable(chosen.where)}: {problem}; not collected")
            continue
        try:
            data = chosen.read()
        except (Refused, OSError) as error:
            report.problems.append(
                f"{printable(chosen.where)}: {_reason(error)}; not collected: ask {who} to "
                f"upload the chapter's notebook itself (under {megabytes(MAX_NOTEBOOK_BYTES)})"
            )
            continue
        _store(root, chapter, chosen, data, report)
    return report


# ---------------------------------------------------------------- what a name says


def _from_lms(member, where, when, read):
    return Upload(where, member.key, member.file, when, read, member.name, member.late, member.lms, member.anonymous)


def _classify(parts, where, when, read):
    """The :class:`Upload` for a file at ``parts`` of a download (zip member or extracted folder)."""
    member = moodle.parse_member(parts)
    if member is None and len(parts) == 1:
        member = canvas.parse_member(parts[0])
    if member is not None:
        return _from_lms(member, where, when, read)
    if len(parts) > 1:  # a folder per student, named by the student's id
        return Upload(where, parts[0], parts[-1], when, read)
    return Upload(where, None, parts[-1], when, read)


def _wrapper(names):
    """1 if every file of a zip is in one folder that holds an LMS download (a zip of the extracted zip), else 0."""
    split = [tuple(p for p in name.replace("\\", "/").split("/") if p) for name in names]
    split = [parts for parts in split if parts and not _skipped(parts)]
    tops = {parts[0] for parts in split}
    if len(tops) != 1 or any(len(parts) < 2 for parts in split) or moodle.parse_folder(next(iter(tops))):
        return 0
    inner = [parts[1:] for parts in split]
    lms = [p for p in inner if moodle.parse_member(p) or (len(p) == 1 and canvas.parse_member(p[0]))]
    return 1 if lms else 0


def _skipped(parts):
    return any(part in SKIPPED_PARTS for part in parts) or parts[-1].startswith("._") or parts[-1] == ".DS_Store"


# ---------------------------------------------------------------- folders


def _kind(mode):
    return "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"


def _files_below(folder):
    """``(path, refused)`` for every file below ``folder``, never leaving it through a link."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        links = [d for d in dirs if os.path.islink(os.path.join(top, d))]  # listed, never entered
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_PARTS and d not in links)
        for name in sorted(files + links):
            path = Path(top) / name
            mode = path.lstat().st_mode
            found.append((path, None if stat.S_ISREG(mode) else f"is {_kind(mode)}"))
    return found


def collect_folder(chapter, source, root=ROOT):
    """Collect from a folder: one sub-folder per student, or an LMS download extracted into it."""
    source = Path(source)
    if not source.is_dir():
        raise SystemExit(f"error: {source} is not a folder")
    report, uploads = CollectReport(str(source)), []
    for entry in sorted(source.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIPPED_PARTS:
            continue
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            report.problems.append(
                f"{printable(entry.name)}: is a symbolic link, not a student's folder; not collected"
            )
        elif stat.S_ISDIR(mode):
            owner = moodle.parse_folder(entry.name)
            key, name = owner if owner else (entry.name, "")
            lms = moodle.LMS if owner else None
            # The folder itself: its student counts even if it holds nothing.
            uploads.append(Upload(entry.name, key, "", _mtime(entry), name=name, lms=lms))
            for path, refused in _files_below(entry):
                where = str(path.relative_to(source))
                if not _skipped(Path(where).parts):
                    uploads.append(
                        Upload(
                            where,
                            key,
                            path.name,
                            _mtime(path),
                            _reader(path),
                            name,
                            lms=lms,
                            anonymous=name == "Participant",
                            refused=refused,
                        )
                    )
        else:
            upload = _classify((entry.name,), entry.name, _mtime(entry), _reader(entry))
            upload.refused = None if stat.S_ISREG(mode) else f"is {_kind(mode)}"
            uploads.append(upload)
    return _collect(chapter, uploads, root, report)


def _mtime(path):
    return datetime.datetime.fromtimestamp(path.lstat().st_mtime, datetime.timezone.utc)


def _reader(path):
    return lambda: read_file(path, MAX_NOTEBOOK_BYTES)


# ---------------------------------------------------------------- zips


def collect_zip(chapter, archive, root=ROOT, pattern=None):
    """Collect from an LMS zip (see the module docstring for the names understood)."""
    regex = re.compile(pattern) if pattern else None
    if regex is not None and "student" not in regex.groupindex:
        raise SystemExit("error: --pattern needs a named group (?P<student>...)")
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as error:
        raise SystemExit(f"error: cannot read {archive}: {error}") from None
    report, uploads = CollectReport(Path(archive).name), []
    with zf:
        wrapper = _wrapper([info.filename for info in zf.infolist() if not info.is_dir()]) if regex is None else 0
        for info in zf.infolist():
            parts = tuple(part for part in info.filename.replace("\\", "/").split("/") if part)
            if info.is_dir() or not parts or _skipped(parts):
                continue
            parts = parts[wrapper:]
            when = datetime.datetime(*info.date_time, tzinfo=datetime.timezone.utc)
            read = lambda i=info: read_member(zf, i, MAX_NOTEBOOK_BYTES)
            if regex is not None:
                match = regex.match(info.filename)
                upload = Upload(
                    info.filename,
                    match.group("student") if match else None,
                    parts[-1],
                    when,
                    read,
                    late=bool(match and "late" in regex.groupindex and match.group("late")),
                )
            else:
                upload = _classify(parts, info.filename, when, read)
            kind = member_kind(info)
            if kind:
                upload.refused = f"is {kind}, not a regular file"
            upload.origin = f"{Path(archive).name}:{info.filename}"
            uploads.append(upload)
        return _collect(chapter, uploads, root, report)

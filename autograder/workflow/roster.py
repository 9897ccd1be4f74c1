"""The class list, read from the LMS's own exports: names beside ids everywhere, and what the LMS needs back.

``nnfs-grade roster import FILE`` reads either

* a **Canvas gradebook export** (Grades > Export > Export Entire Gradebook;
  :func:`autograder.workflow.canvas.read_gradebook_export`): one roster for the whole
  course, keyed by Canvas user id, with each student's sortable name, SIS
  User ID, SIS Login ID and section, and the course's assignments (title, id,
  points possible), which ``export --format canvas`` uses; or
* a **Moodle grading worksheet** of one assignment (View all submissions >
  Download grading worksheet; :func:`autograder.workflow.moodle.read_worksheet`),
  imported with ``--chapter``: Moodle's participant ids are numbered per
  assignment, so each chapter has its own list, with full names, e-mail
  addresses and the assignment's maximum grade.

The roster is kept in ``roster.json`` in the course folder (student data: never
committed). Without one, everything works by id, with the names the download's
file names carried (collect keeps them in ``submission.json``).
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.course import ROOT
from autograder.workflow import canvas, moodle
from autograder.workflow.canvas import FormatError
from autograder.workflow.collect import label as _label
from autograder.workflow.collect import read_info

ROSTER = "roster.json"


@dataclass
class Person:
    id: str
    name: str = ""
    lms: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""


class Roster:
    """The imported class lists of a course folder (see the module docstring)."""

    def __init__(self, data=None, root=ROOT):
        self.data = data or {}
        self.root = Path(root)
        self._names = {}

    @classmethod
    def load(cls, root=ROOT):
        path = Path(root) / ROSTER
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as error:
            raise SystemExit(
                f"error: {path} cannot be read ({error}); import the roster again (nnfs-grade roster import FILE)"
            ) from None
        return cls(data if isinstance(data, dict) else {}, root)

    def save(self):
        path = self.root / ROSTER
        path.write_text(json.dumps(self.data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        return path

    # -------------------------------------------------------------- reading

    def _moodle(self, chapter):
        return self.data.get("moodle", {}).get(chapter, {}) if chapter else {}

    def person(self, student, chapter=None):
        """The :class:`Person` the roster has for ``student`` (for ``chapter``'s Moodle list), or ``None``."""
        entry = self._moodle(chapter).get("students", {}).get(student)
        lms = moodle.LMS
        if entry is None:
            entry, lms = self.data.get("canvas", {}).get("students", {}).get(student), canvas.LMS
        if entry is None and chapter is None:
            for sheet in self.data.get("moodle", {}).values():
                if student in sheet.get("students", {}):
                    entry, lms = sheet["students"][student], moodle.LMS
                    break
        return Person(student, lms=lms, **entry) if entry is not None else None

    def name(self, student, chapter=None):
        """The student's name: the roster's, else the one the download carried, else ``""``."""
        person = self.person(student, chapter)
        if person and person.name:
            return person.name
        key = (student, chapter)
        if key not in self._names:  # this chapter's download first, then any other
            folders = [self.root / "submitted" / student / chapter] if chapter else []
            folders += sorted((self.root / "submitted" / student).glob("*"))
            self._names[key] = next((read_info(f).get("name") for f in folders if read_info(f).get("name")), "")
        return self._names[key]

    def label(self, student, chapter=None):
        """``Name (id)`` (printable), or the id alone when no name is known."""
        return _label(student, self.name(student, chapter))

    def class_list(self, chapter):
        """The ids of the class for ``chapter`` (its Moodle list, else Canvas's), or ``None`` without a roster."""
        sheet = self._moodle(chapter)
        if sheet:
            return sorted(sheet.get("students", {}))
        students = self.data.get("canvas", {}).get("students")
        return sorted(students) if students else None

    def canvas_assignment(self, assignment_id):
        return self.data.get("canvas", {}).get("assignments", {}).get(str(assignment_id))

    def moodle_participants(self, chapter):
        """The participant ids of ``chapter``'s imported grading worksheet, or ``None`` if none was imported."""
        sheet = self._moodle(chapter)
        return set(sheet.get("students", {})) if sheet else None

    def moodle_max_grade(self, chapter):
        return self._moodle(chapter).get("max_grade")


def load(root=ROOT):
    return Roster.load(root)


# ---------------------------------------------------------------- importing


def import_file(path, root=ROOT, chapter=None):
    """Read an LMS export into the roster; return lines saying what was read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SystemExit(f"error: cannot read {path}: {error.strerror or error}") from None
    text = data.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    roster = Roster.load(root)
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        if moodle.IDENTIFIER in first and moodle.FULL_NAME in first:
            if not chapter:
                raise SystemExit(
                    f"error: {path.name} is a Moodle grading worksheet, which belongs to one "
                    "assignment (participant ids are numbered per assignment): give --chapter CHAPTER"
                )
            sheet = moodle.read_worksheet(data, path.name)
            roster.data.setdefault("moodle", {})[chapter] = {
                "source": path.name,
                "imported": now,
                "max_grade": sheet.max_grade,
                "students": sheet.students,
            }
            lines = [
                f"Moodle grading worksheet {path.name}: {len(sheet.students)} participants of {chapter}"
                + (f", maximum grade {sheet.max_grade:g}" if sheet.max_grade is not None else "")
            ]
        else:
            export = canvas.read_gradebook_export(data, path.name)
            roster.data["canvas"] = {
                "source": path.name,
                "imported": now,
                "students": export.students,
                "assignments": export.assignments,
            }
            lines = [
                f"Canvas gradebook export {path.name}: {len(export.students)} students, "
                f"{len(export.assignments)} assignments"
            ]
            lines += [
                f"  assignment {ident}: {a['title']}" + (f" ({a['points']:g} points)" if a["points"] else "")
                for ident, a in sorted(export.assignments.items(), key=lambda kv: kv[1]["title"])
            ]
    except FormatError as error:
        raise SystemExit(f"error: {error}") from None
    lines.append(f"roster saved in {roster.save()}")
    return lines


def show(root=ROOT, chapter=None):
    """Lines listing the roster (one chapter's Moodle list, or everything)."""
    roster = Roster.load(root)
    lines = []
    if "canvas" in roster.data and not chapter:
        c = roster.data["canvas"]
        lines.append(f"Canvas ({c['source']}, imported {c['imported']}): {len(c['students'])} students")
        for ident, s in sorted(c["students"].items(), key=lambda kv: kv[1]["name"]):
            lines.append(
                f"  {_label(ident, s['name'])}  SIS {s['sis_user_id'] or '-'} / {s['sis_login_id'] or '-'}"
                f"  {s['section']}"
            )
    for name, sheet in sorted(roster.data.get("moodle", {}).items()):
        if chapter and name != chapter:
            continue
        lines.append(
            f"Moodle {name} ({sheet['source']}, imported {sheet['imported']}): {len(sheet['students'])} participants"
        )
        for ident, s in sorted(sheet["students"].items(), key=lambda kv: kv[1]["name"]):
            lines.append(f"  {_label(ident, s['name'])}  {s['email']}")
    return lines or ["no roster: import the LMS's class list with nnfs-grade roster import FILE"]

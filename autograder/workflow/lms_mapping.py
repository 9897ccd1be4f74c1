"""Which LMS assignment each chapter's grades go to: ``lms.toml``, written once by the instructor.

Example (TOML)::

    # nnfs-grade export --format canvas: each chapter's Canvas assignment id, from its address
    # (…/courses/<course>/assignments/<id>) or the gradebook export's column "<title> (<id>)".
    [canvas]
    ch01_linear_classifiers = 48213
    ch02_hidden_layers = { id = 48214, title = "Chapter 2: Hidden layers", points = 20 }

    # nnfs-grade export --format moodle (optional): the assignment's maximum grade, when no
    # grading worksheet was imported with nnfs-grade roster import (which gives it).
    [moodle]
    ch01_linear_classifiers = { max_grade = 100 }

For Canvas, ``title`` and ``points`` are optional: the title only labels the
column (Canvas matches the assignment by its id), and the points possible
come from the imported gradebook export when it lists that assignment, else
the chapter's own maximum. Scores are scaled from the chapter's maximum to the
LMS assignment's points, so a chapter worth 16 exported to an assignment worth
100 gives 87.5 for 14. The file holds no student data; keep it with the course.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import ROOT, chapters

MAPPING = "lms.toml"


@dataclass
class Mapping:
    path: Path
    canvas: dict = field(default_factory=dict)  # chapter -> {"id", "title", "points"}
    moodle: dict = field(default_factory=dict)  # chapter -> {"max_grade"}

    def missing_canvas(self, names):
        return [name for name in names if name not in self.canvas]


def _error(path, text):
    return SystemExit(f"error: {path}: {text}")


def _positive(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def load(path=None, root=ROOT):
    """The mapping in ``path`` (default ``lms.toml`` in the course folder); empty if there is no such file."""
    path = Path(path) if path else Path(root) / MAPPING
    if not path.is_file():
        return Mapping(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _error(path, f"not valid TOML ({error})") from None
    known = chapters(root)
    unknown_tables = sorted(set(data) - {"canvas", "moodle"})
    if unknown_tables:
        raise _error(path, f"unknown table(s) {', '.join(unknown_tables)}; the tables are [canvas] and [moodle]")
    mapping = Mapping(path)
    for lms in ("canvas", "moodle"):
        for chapter, entry in data.get(lms, {}).items():
            if chapter not in known:
                raise _error(path, f"[{lms}] {chapter}: no such chapter; the chapters are: {', '.join(known)}")
            if lms == "canvas":
                entry = {"id": entry} if isinstance(entry, int) and not isinstance(entry, bool) else entry
                if not isinstance(entry, dict) or not isinstance(entry.get("id"), int) or entry["id"] <= 0:
                    raise _error(
                        path,
                        f"[canvas] {chapter}: give the Canvas assignment id, a whole number "
                        f"(`{chapter} = 48213` or `{chapter} = {{ id = 48213 }}`)",
                    )
                if "points" in entry and not _positive(entry["points"]):
                    raise _error(path, f"[canvas] {chapter}: points must be a positive number")
                if not isinstance(entry.get("title", ""), str):
                    raise _error(path, f"[canvas] {chapter}: title must be text")
                extra = sorted(set(entry) - {"id", "title", "points"})
                if extra:
                    raise _error(path, f"[canvas] {chapter}: unknown key(s) {', '.join(extra)} (id, title, points)")
                mapping.canvas[chapter] = {
                    "id": entry["id"],
                    "title": entry.get("title"),
                    "points": entry.get("points"),
                }
            else:
                if (
                    not isinstance(entry, dict)
                    or set(entry) - {"max_grade"}
                    or ("max_grade" in entry and not _positive(entry["max_grade"]))
                ):
                    raise _error(
                        path,
                        f"[moodle] {chapter}: write `{chapter} = {{ max_grade = 100 }}` "
                        "(the assignment's maximum grade, a positive number)",
                    )
                mapping.moodle[chapter] = dict(entry)
    return mapping

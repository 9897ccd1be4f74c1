"""Lines of a submission an instructor should look at before trusting its grade.

The hidden tests already score 0 for a function imported from elsewhere and
undo changes to NumPy; this scan, run in the instructor's process before the
notebook executes, points at attempts to reach the grader or the reference,
so they can be dealt with as academic misconduct rather than silently.
Only cells the student can edit are read (locked and test cells are restored
from the source anyway).
"""

import re

PATTERNS = [
    (re.compile(r"\b(solutions|autograder)\b"), "mentions the reference or grader package"),
    (re.compile(r"_probe_hidden|\bharness\b|coursekit\.probing"), "mentions the hidden-test machinery"),
    (re.compile(r"sys\.modules|importlib|__import__"), "manipulates imports"),
    (re.compile(r"^\s*(np|numpy)(\.\w+)+\s*=[^=]"), "replaces part of NumPy"),
    (re.compile(r"setattr\(\s*(np|numpy|builtins)\b|\bbuiltins\b|__builtins__"), "replaces builtins or NumPy"),
    (
        re.compile(r"\bgc\.get_objects|\bgc\.get_referrers|sys\._getframe|\binspect\.stack"),
        "inspects the grader's frames",
    ),
]


def _editable(cell):
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and not meta.get("locked") and not meta.get("grade")


def suspicious_lines(nb):
    """``["cell N: 'line' reason", ...]`` for the editable code cells of ``nb``."""
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        if not _editable(cell):
            continue
        for line in cell.source.splitlines():
            for pattern, reason in PATTERNS:
                if pattern.search(line):
                    found.append(f"cell {number}: {line.strip()[:80]!r} {reason}")
                    break
    return found

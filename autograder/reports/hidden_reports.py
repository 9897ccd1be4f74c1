"""Reading back what the grader wrote into an autograded notebook: one home for that format.

The grader replaces each hidden-test cell's outputs with a report for its
exercise (:func:`autograder.judging.harness.report`, :func:`autograder.engine.probes.score`,
:meth:`autograder.engine.execute.SandboxedExecute._score`)::

    ⚠ cell 9 replaced numpy.allclose; undone after that cell
    ⚠ the notebook replaced numpy.allclose; restored before grading accuracy
    ✗ accuracy: 1 of 3 hidden checks passed, 0.67 of 2 points
      ✗ <case label>: <what is wrong>
        Hint: <the hint for a known mistake>

or, for an exercise scored 0 without being run, one line such as
``⚠ add_bias_column: `add_bias_column` is imported from solutions, not written
in this notebook. Scored 0 for this exercise.`` A case that never reported
back says why: ``did not finish within the time limit (… s for all cases)``,
``the process running it was killed …``, ``… ended before returning …`` or
``did not run: …``. Cells outside the hidden tests that the grader stopped
show an error ``CellTimeoutError`` or ``KernelStopped``.

The grader also stores the report's lines as a list in the cell's result
metadata (``{"nnfs": {"exercise": name, "lines": [...]}}``); that copy is read
first, because a line of it may hold text the student's code chose (an
exception's message) with line breaks in it, which in the printed text could
pass for a line of the grader's. Notebooks graded before that copy existed are
read from the printed text. Case labels may contain ``": "``; the labels the
hidden tests define are used to split a failure line where they are known.

This module only reads. The tests (``tests/reports/test_report.py``) feed it what the
grader's own functions write, so a change of wording there fails them.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from autograder.course import grade_id

#: Key of the grader's structured copy in a hidden-test cell's result metadata.
METADATA_KEY = "nnfs"

HEADER = re.compile(
    r"^(?P<mark>[✓✗]) (?P<exercise>\w+): (?P<passed>\d+) of (?P<total>\d+) hidden checks passed, "
    r"(?P<score>[-+0-9.e]+) of (?P<points>[-+0-9.e]+) points$"
)
FAILURE_PREFIX = "  ✗ "
HINT_PREFIX = "    Hint: "
FLAG_PREFIX = "⚠ "
SCORED_ZERO = re.compile(r"^(?P<mark>[⚠✗]) (?P<exercise>\w+): (?P<text>.*)\. Scored 0 for this exercise\.$", re.DOTALL)
NOT_TESTED = re.compile(r"^✗ (?P<exercise>\w+): (?P<text>no hidden tests are defined for this cell)$")
NOTEBOOK_PATCH = re.compile(
    r"^⚠ the notebook replaced (?P<what>.*); restored before grading (?P<exercise>\w+)$", re.DOTALL
)
CELL_PATCH = re.compile(r"^⚠ cell (?P<cell>\d+) replaced (?P<what>.*); undone after that cell$", re.DOTALL)
#: The hint the grader gives when a function still raises the release's NotImplementedError.
STUB_HINT = re.compile(r"^`\w+` still holds the stub: write its body in the exercise cell$")

TIMED_OUT, KILLED, EXITED, NOT_RUN = "timed out", "killed", "exited", "not run"
CRASHED = "crashed"
#: How a case that never reported back begins (see ``autograder.engine.probes._ending``).
ENDINGS = {
    "did not finish within the time limit": TIMED_OUT,
    "the process running it was killed": KILLED,
    "the process running it ended before returning": EXITED,
    "did not run: ": NOT_RUN,
}
#: Error outputs the grader puts into cells it stopped (``autograder.engine.execute``).
CELL_TIMEOUT_ERRORS = ("CellTimeoutError",)
KERNEL_STOPPED = "KernelStopped"


@dataclass
class Failure:
    case: str
    problem: str
    hint: Optional[str] = None

    @property
    def ending(self):
        """``TIMED_OUT``, ``KILLED``, ``EXITED`` or ``NOT_RUN`` if the case never reported back, else ``None``."""
        for start, kind in ENDINGS.items():
            if self.problem.startswith(start):
                return kind
        return None

    @property
    def stub(self):
        return bool(self.hint and STUB_HINT.match(self.hint))


@dataclass
class ExerciseReport:
    """What the grader reported for one exercise of one notebook."""

    exercise: str
    passed: Optional[int] = None
    total: Optional[int] = None
    score: Optional[float] = None
    points: Optional[float] = None
    failures: list = field(default_factory=list)
    #: ``⚠`` lines: integrity notes for the instructor (imported functions, replaced NumPy, …).
    flags: list = field(default_factory=list)
    #: Why the exercise scored 0 without its cases being judged (imported, not defined, …).
    scored_zero: Optional[str] = None
    #: True when ``scored_zero`` is an integrity problem (a ``⚠`` line), not a missing function.
    integrity: bool = False

    def endings(self, kind):
        return [f for f in self.failures if f.ending == kind]

    @property
    def timed_out(self):
        return bool(self.endings(TIMED_OUT))

    @property
    def not_attempted(self):
        """Every case failed and the function still raised the release's stub error."""
        return bool(self.failures) and self.passed == 0 and all(f.stub for f in self.failures)


def _split_failure(rest, labels):
    """``(label, problem)`` of a failure line without its prefix, using known labels where given."""
    for label in sorted(labels or (), key=len, reverse=True):
        if rest.startswith(label + ": "):
            return label, rest[len(label) + 2 :]
    label, _, problem = rest.partition(": ")
    return label, problem


def parse_lines(lines, exercise=None, labels=None):
    """An :class:`ExerciseReport` from the report's lines (each a logical line, possibly with line breaks).

    ``exercise`` names the cell's exercise when known; ``labels`` are its cases'
    labels. Lines of no known form are ignored.
    """
    report = ExerciseReport(exercise or "")
    for line in lines:
        line = str(line)
        header = HEADER.match(line)
        zero = SCORED_ZERO.match(line)
        if header:
            report.exercise = header["exercise"]
            report.passed, report.total = int(header["passed"]), int(header["total"])
            report.score, report.points = float(header["score"]), float(header["points"])
        elif zero:
            report.exercise = zero["exercise"]
            report.score, report.scored_zero = 0.0, zero["text"]
            report.integrity = zero["mark"] == "⚠"
            if report.integrity:
                report.flags.append(line[len(FLAG_PREFIX) :])
        elif NOT_TESTED.match(line):
            report.exercise, report.score = NOT_TESTED.match(line)["exercise"], 0.0
            report.scored_zero = NOT_TESTED.match(line)["text"]
        elif line.startswith(FAILURE_PREFIX):
            case, problem = _split_failure(line[len(FAILURE_PREFIX) :], labels)
            report.failures.append(Failure(case, problem))
        elif line.startswith(HINT_PREFIX) and report.failures:
            report.failures[-1].hint = line[len(HINT_PREFIX) :]
        elif line.startswith(FLAG_PREFIX):
            report.flags.append(line[len(FLAG_PREFIX) :])
    return report


def _printed_lines(text):
    """The logical lines of a printed report: a line of no known start continues the one before."""
    lines = []
    starts = (FAILURE_PREFIX, HINT_PREFIX, FLAG_PREFIX, "✓ ", "✗ ")
    for line in text.rstrip("\n").split("\n"):
        if lines and not line.startswith(starts):
            lines[-1] += "\n" + line
        else:
            lines.append(line)
    return lines


def hidden_exercise(cell):
    """The exercise a hidden-test cell grades (its grade id without ``_hidden``), or ``None``."""
    gid = grade_id(cell) or ""
    return gid[: -len("_hidden")] if cell.cell_type == "code" and gid.endswith("_hidden") else None


def report_lines(cell):
    """The report's logical lines in a graded hidden-test cell: the structured copy, else the printed text."""
    for output in cell.get("outputs", []):
        copy = output.get("metadata", {}).get(METADATA_KEY) if output.get("output_type") == "execute_result" else None
        if isinstance(copy, dict) and isinstance(copy.get("lines"), list):
            return [str(line) for line in copy["lines"]]
    text = "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    return _printed_lines(text) if text.strip() else []


def notebook_reports(nb, labels=None):
    """``{exercise: ExerciseReport}`` for every hidden-test cell of a graded notebook, in order.

    ``labels`` maps an exercise to its cases' labels (to split failure lines).
    """
    reports = {}
    for cell in nb.cells:
        name = hidden_exercise(cell)
        if name is not None:
            reports[name] = parse_lines(report_lines(cell), name, (labels or {}).get(name))
    return reports


@dataclass
class StoppedCell:
    number: int  # 1-based, as the grader's notes count cells
    kind: str  # TIMED_OUT or CRASHED
    text: str


def stopped_cells(nb):
    """Cells outside the hidden tests that the grader stopped: time-outs and kernels that died."""
    stopped = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or hidden_exercise(cell):
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {o.get("ename") for o in errors}
        if names & set(CELL_TIMEOUT_ERRORS):
            stopped.append(StoppedCell(number, TIMED_OUT, "stopped at the time limit"))
            continue
        for output in errors:
            if output.get("ename") == KERNEL_STOPPED:
                text = str(output.get("evalue", ""))
                kind = TIMED_OUT if "no reply within" in text else CRASHED
                stopped.append(StoppedCell(number, kind, text))
                break
    return stopped

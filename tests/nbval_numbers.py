"""nbval compares the numbers in stored text outputs at a precision that means something.

nbval re-runs each chapter notebook and compares every output with the stored
one as text. The stored outputs print floats with every digit (glued values keep
the full ``repr``), and their last bits depend on the BLAS kernels and thread
count of the machine: a text comparison fails on any other CPU. This plugin
changes only how three kinds of output compare, all text: ``text/plain``,
printed streams (``stdout``, ``stderr``) and glued values
(``application/papermill.record/text/plain``):

* the text between the numbers must be the same, character for character
  (words, booleans, shapes' punctuation, spacing, the number of lines);
* integers (no ``.`` and no exponent: counts, shapes, epochs, labels) must be
  the same;
* floats must agree to ``|a - b| <= max(RTOL * max(|a|, |b|), ATOL)``:
  RTOL = 1e-8 (a float printed with 7 significant digits or fewer must print
  the same; one with every digit must agree to about 8 of them, while a
  change in the 6th digit is still 100 times too large), ATOL = 1e-12 (below
  it a value is rounding noise of float64 sums of numbers near 1, such as a
  "largest difference" of 4.4e-16 that is 8.9e-16 elsewhere).

Everything else nbval compares (which outputs a cell has, how many of each,
figures' ``<Figure size ... with N Axes>`` text, errors) is compared as before.

A few outputs are rounding noise or a chaotic run by design (a finite-difference
check's error, the loss of an oscillating training run). ``tests/nbval_tolerances.toml``
names each of them: the chapter, a text found in the one code cell that makes it,
the lines or glued names it concerns, the looser tolerance and why. An entry
that matches no cell, or several, stops the run.

Registered by the top-level ``conftest.py``; ``tests/test_nbval_numbers.py`` tests it.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbformat import NotebookNode
from nbval.plugin import IPyNbCell, IPyNbFile

RTOL = 1e-8
ATOL = 1e-12
#: The mime types compared number by number (printed streams, stdout and stderr, are too).
GLUE_MIME = "application/papermill.record/text/plain"
NUMERIC_MIME = ("text/plain", GLUE_MIME)
DECLARATIONS = Path(__file__).with_name("nbval_tolerances.toml")

#: A number written out: integer, decimal or scientific; not the digits of a word such as ``x1`` or ``ch04``.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w)")


@dataclass(frozen=True)
class Tolerance:
    rtol: float = RTOL
    atol: float = ATOL
    integers_exact: bool = True

    def describe(self):
        ints = "integers exact" if self.integers_exact else "integers too"
        return f"rtol={self.rtol:g}, atol={self.atol:g}, {ints}"


DEFAULT = Tolerance()


def _is_float(token):
    return any(ch in token for ch in ".eE")


def _numbers_match(a, b, tolerance):
    """None if the number texts ``a`` (stored) and ``b`` (fresh) agree, else why not."""
    if a == b:
        return None
    if tolerance.integers_exact and not (_is_float(a) and _is_float(b)):
        return f"{a} != {b} (integers must be the same)"
    x, y = float(a), float(b)
    allowed = max(tolerance.rtol * max(abs(x), abs(y)), tolerance.atol)
    if abs(x - y) <= allowed:
        return None
    return f"{a} != {b}: they differ by {abs(x - y):.2e}, more than the {allowed:.2e} allowed ({tolerance.describe()})"


def compare_line(ref, test, tolerance=DEFAULT):
    """None if line ``test`` matches ``ref`` (same text, numbers within ``tolerance``), else why not."""
    ref_text, test_text = NUMBER.split(ref), NUMBER.split(test)
    if ref_text != test_text:
        return f"the text differs: {ref!r} != {test!r}"
    for a, b in zip(NUMBER.findall(ref), NUMBER.findall(test)):
        problem = _numbers_match(a, b, tolerance)
        if problem:
            return problem
    return None


def compare_text(ref, test, tolerance_of_line=lambda line: DEFAULT):
    """None if text ``test`` matches the stored ``ref`` line by line, else why not.

    ``tolerance_of_line(line)`` gives the tolerance for the numbers of a stored line.
    """
    ref_lines, test_lines = ref.splitlines(keepends=True), test.splitlines(keepends=True)
    if len(ref_lines) != len(test_lines):
        return f"{len(test_lines)} lines instead of {len(ref_lines)}"
    for number, (a, b) in enumerate(zip(ref_lines, test_lines), 1):
        problem = compare_line(a, b, tolerance_of_line(a))
        if problem:
            return f"line {number}: {problem}"
    return None


# --- the notebooks' declared exceptions -------------------------------------------------------


@dataclass
class Loose:
    """One entry of ``nbval_tolerances.toml``: outputs of one cell compared more loosely."""

    chapter: str
    cell: str
    why: str
    tolerance: Tolerance
    lines: list = field(default_factory=list)
    glue: list = field(default_factory=list)

    def covers_line(self, line):
        return not self.lines and not self.glue or any(re.search(p, line) for p in self.lines)

    def covers_glue(self, name):
        return not self.lines and not self.glue or name in self.glue


KEYS = {"chapter", "cell", "why", "rtol", "atol", "integers", "lines", "glue"}


def load_declarations(path=DECLARATIONS):
    """Every entry of the declarations file, checked for its form."""
    entries = tomllib.loads(Path(path).read_text()).get("loose", [])
    loose = []
    for number, entry in enumerate(entries, 1):
        where = f"{Path(path).name}, entry {number}"
        unknown = set(entry) - KEYS
        missing = {"chapter", "cell", "why"} - set(entry)
        if unknown or missing or not ({"rtol", "atol"} & set(entry)):
            raise pytest.UsageError(
                f"{where}: needs chapter, cell, why and rtol or atol "
                f"(unknown: {sorted(unknown)}, missing: {sorted(missing)})"
            )
        tolerance = Tolerance(
            float(entry.get("rtol", RTOL)),
            float(entry.get("atol", ATOL)),
            integers_exact=not entry.get("integers", False),
        )
        loose.append(
            Loose(
                entry["chapter"],
                entry["cell"],
                entry["why"],
                tolerance,
                list(entry.get("lines", [])),
                list(entry.get("glue", [])),
            )
        )
    return loose


def declarations_for(nb, chapter, declarations):
    """``{code cell index: [Loose, ...]}`` for a notebook; an entry must match exactly one cell."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    found = {}
    for entry in (d for d in declarations if d.chapter == chapter):
        cells = [i for i, cell in enumerate(code) if entry.cell in cell.source]
        if len(cells) != 1:
            raise pytest.UsageError(
                f"{DECLARATIONS.name}: the entry for {chapter} with cell = {entry.cell!r} matches "
                f"{len(cells)} code cells, not one: update it to the notebook ({entry.why})"
            )
        found.setdefault(cells[0], []).append(entry)
    return found


class CellTolerances:
    """The tolerance of each number of one cell's stored outputs."""

    def __init__(self, entries=()):
        self.entries = list(entries)

    @staticmethod
    def _loosest(entries):
        if not entries:
            return DEFAULT
        return Tolerance(
            max(e.tolerance.rtol for e in entries),
            max(e.tolerance.atol for e in entries),
            all(e.tolerance.integers_exact for e in entries),
        )

    def of_line(self, line):
        return self._loosest([e for e in self.entries if e.covers_line(line)])

    def of_glue(self, name):
        return self._loosest([e for e in self.entries if e.covers_glue(name)])


class NumbersText(str):
    """A stored text output; ``==`` with the fresh text compares its numbers within tolerances.

    nbval compares ``reference != fresh``; the reference is this object. Why they differ
    goes to ``problems`` (a list the cell shows in its failure message).
    """

    def __new__(cls, text, tolerance_of_line, problems):
        obj = super().__new__(cls, text)
        obj.tolerance_of_line = tolerance_of_line
        obj.problems = problems
        return obj

    def __eq__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        problem = compare_text(str(self), str(other), self.tolerance_of_line)
        if problem:
            self.problems.append(problem)
        return problem is None

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


# --- nbval, with the comparison above ---------------------------------------------------------


class NumbersCell(IPyNbCell):
    """nbval's cell item; its text outputs compare by :func:`compare_text`."""

    def __init__(self, *args, tolerances=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tolerances = tolerances or CellTolerances()

    def _wrap(self, output, problems):
        output = NotebookNode(dict(output))
        if output.get("output_type") == "stream":
            output["text"] = NumbersText(output["text"], self.tolerances.of_line, problems)
        elif "data" in output:
            data = dict(output["data"])
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            for key in NUMERIC_MIME:
                if key == GLUE_MIME and key in data:
                    tolerance = self.tolerances.of_glue(name)
                    data[key] = NumbersText(data[key], lambda line, t=tolerance: t, problems)
                elif key in data:
                    data[key] = NumbersText(data[key], self.tolerances.of_line, problems)
            output["data"] = NotebookNode(data)
        return output

    def sanitize(self, s):
        sanitized = super().sanitize(s)
        if isinstance(s, NumbersText):  # re.sub returns a plain str: keep the comparison
            return NumbersText(sanitized, s.tolerance_of_line, s.problems)
        return sanitized

    def compare_outputs(self, test, ref, skip_compare=None):
        problems = []
        same = super().compare_outputs(test, [self._wrap(output, problems) for output in ref], skip_compare)
        if not same and problems:
            self.comparison_traceback.append(f"numbers compared by tests/nbval_numbers.py: {problems[-1]}")
        return same


class NumbersNotebook(IPyNbFile):
    """nbval's notebook collector, yielding :class:`NumbersCell` items."""

    def collect(self):
        cells = list(super().collect())  # reads self.nb
        declared = declarations_for(self.nb, self.path.stem, load_declarations())
        for cell in cells:
            yield NumbersCell.from_parent(
                self,
                name=cell.name,
                cell_num=cell.cell_num,
                cell=cell.cell,
                options=cell.options,
                tolerances=CellTolerances(declared.get(cell.cell_num, ())),
            )


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collected = yield
    return [NumbersNotebook.from_parent(parent, path=file_path) if type(c) is IPyNbFile else c for c in collected or []]

"""Find reference-solution material in files meant for students or readers.

Used on the student release, the feedback and the built book. A leak is any
of: nbgrader's solution or hidden-test markers, the hidden tests' call, an
import or mention of the ``solutions`` / ``autograder`` packages, or the body
of a reference function (a distinctive line of each reference function's
code that is not in the student's stub). A chapter may show a line of its own
or an earlier chapter's reference (a worked example before the exercise), but
no later chapter and no ``coursekit`` module may: every release ships
``coursekit``, and the book shows all chapters at once.
"""

import ast
import html
import inspect
import re
from pathlib import Path

import nbformat

HIDDEN_TEST_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "_probe_hidden")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION") + HIDDEN_TEST_MARKERS
PACKAGE_MENTION = re.compile(r"\b(import|from)\s+(solutions|autograder)\b|\bsolutions\.[a-z_]+\(")
TEXT_SUFFIXES = {".html", ".ipynb", ".js", ".json", ".md", ".py", ".txt", ".csv", ".inv", ".css", ".svg"}


_GENERIC = re.compile(
    r"^\w+(, \w+)* = np\.(asarray|array|copy)\(|^(if|for|return) \w+$"
    # packing or unpacking names only, e.g. "(W1, b1), (W2, b2) = params"
    r"|^(return )?[\w\s,()\[\]]+( = \w+)?$"
)


def _chapter_number(name):
    """``ch04_xor_backprop`` or ``solutions.ch4_xor_backprop`` -> 4."""
    return int(re.match(r"ch(\d+)_", name.rsplit(".", 1)[-1]).group(1))


def public_lines_by_chapter():
    """``{chapter number: code lines}`` a reader of that chapter sees: its cells outside solution regions."""
    from autograder.course import ROOT

    shown = {}
    for path in sorted(ROOT.glob("chapters/ch*/ch*.ipynb")):
        lines = shown.setdefault(_chapter_number(path.stem), set())
        for cell in nbformat.read(path, as_version=4).cells:
            source = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", cell.source, flags=re.S)
            lines.update(line.strip() for line in source.splitlines())
    return shown


def solution_lines(min_length=25, shown=None):
    """Distinctive code lines from the bodies of the reference functions.

    A line of chapter k's reference counts as shown (not distinctive) only
    when chapter k or an earlier chapter shows it outside its solution regions
    (``shown``: chapter number -> lines, read from the notebooks by default):
    a later chapter's page, or ``coursekit`` (which ships in every release),
    holding it gives chapter k's answer away, so there it is a leak. Input
    conversions (``X = np.asarray(X, dtype=float)``) and lines that only pack or
    unpack names are not distinctive either.
    """
    import solutions

    shown = public_lines_by_chapter() if shown is None else shown
    lines = set()
    for name in solutions.__all__:
        func_object = getattr(solutions, name)
        chapter = _chapter_number(func_object.__module__)
        public = set().union(*(found for number, found in shown.items() if number <= chapter))
        # A line the chapter itself states (in a sentence of its text, a test's hint) is shown too.
        public_text = "\n".join(public)
        source = inspect.getsource(func_object).strip()
        func = ast.parse(source).body[0]
        start = 1 if ast.get_docstring(func) else 0
        for node in func.body[start:]:
            for line in ast.get_source_segment(source, node).splitlines():
                line = line.strip()
                if (
                    len(line) >= min_length
                    and line not in public_text
                    and not _GENERIC.match(line)
                    and not line.startswith(("#", "raise ValueError", "raise TypeError"))
                ):
                    lines.add(line)
    return lines


def scan_text(text, lines=None, hidden_tests_only=False):
    """Leaks found in one text; each a short description.

    With ``hidden_tests_only`` (for feedback, which rightly shows the student's
    own code, whatever it is) only the hidden tests' traces count.
    """
    if hidden_tests_only:
        return [f"marker {m!r}" for m in HIDDEN_TEST_MARKERS if m in text]
    found = [f"marker {m!r}" for m in MARKERS if m in text]
    found += [f"mention {m.group(0)!r}" for m in PACKAGE_MENTION.finditer(text)]
    for line in lines or ():
        if line in text:
            found.append(f"solution code {line!r}")
    return found


def _plain(path):
    """The file's text; for HTML, without tags (highlighted code is split into spans)."""
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def scan_tree(root, lines=None, hidden_tests_only=False):
    """``{path: [leaks]}`` for the text files under ``root`` that leak."""
    lines = solution_lines() if lines is None and not hidden_tests_only else lines
    leaks = {}
    for path in sorted(Path(root).rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            found = scan_text(_plain(path), lines, hidden_tests_only)
            if found:
                leaks[str(path)] = found
    return leaks

"""Steps the course adds to nbgrader's ``generate_assignment`` (the student version).

Configured in ``nbgrader_config.py``, so they apply to the stock
``nbgrader generate_assignment`` as well as to ``nnfs-grade release``:

* :class:`ReadableInJupyter` (a preprocessor, first) turns the book's MyST
  roles, which Jupyter shows as raw text, into what they stand for: a glued
  number becomes the value the source notebook computed (its stored
  outputs), a glossary term its text, a figure reference "Fig. N.k".
* :class:`NameExerciseStubs` (a preprocessor, right after ``ClearSolutions``)
  makes each exercise's stub say which function to write. A student who runs
  the exercise cell and then its tests sees
  ``NotImplementedError: sigmoid is not written yet: replace this line with
  your code`` instead of a bare ``NotImplementedError:``.
* :func:`add_coursekit` (a ``post_convert_hook``) copies ``coursekit``, the
  helpers every notebook imports, next to the released notebook, writes the
  ``requirements.txt`` of what the chapter needs (``chapters/requirements.toml``
  pinned by ``requirements.lock``), then scans
  the release for reference material and deletes it if anything leaked.
  nbgrader swallows exceptions of hooks, so problems are printed to stderr.
"""

import re
import shutil
import sys
from pathlib import Path

from nbgrader import utils
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor

STUB = re.compile(r"^(?P<indent>[ \t]*)raise NotImplementedError\(\)[ \t]*$", re.M)
DEF = re.compile(r"^def\s+(?P<name>\w+)\s*\(", re.M)


def stub_message(name):
    return f"{name} is not written yet: replace this line with your code"


class NameExerciseStubs(NbGraderPreprocessor):
    """Put the exercise's function name into the ``raise NotImplementedError()`` of its stub.

    The raise is split over two lines (implicit string concatenation) so
    that no line of the student version is longer than 88 characters.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_solution(cell):
            source = cell.source

            def named(match):
                defs = list(DEF.finditer(source, 0, match.start()))  # the function this stub is in
                if not defs:
                    return match.group(0)
                name, indent = defs[-1].group("name"), match.group("indent")
                return (
                    f'{indent}raise NotImplementedError("{name} is not written yet: "\n'
                    f"{indent}{' ' * len('raise NotImplementedError(')}"
                    f'"replace this line with your code")'
                )

            cell.source = STUB.sub(named, source)
        return cell, resources


GLUE = re.compile(r"\{glue(?::text)?\}`(?P<name>[^`:]+)(?::(?P<spec>[^`]*))?`")
TERM = re.compile(r"\{term\}`(?P<text>[^`<]*?)\s*(?:<[^`>]*>)?`")
NUMREF = re.compile(r"\{numref\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`]+))`")


def glued_values(nb):
    """``{name: value as text}`` of what the notebook's stored outputs glued for the book."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = next((v for k, v in output.get("data", {}).items() if k.endswith("text/plain")), None)
                if text is not None:
                    values[name] = text
    return values


def _glued_text(text, spec):
    import ast

    if spec:
        try:
            return format(float(text), spec)
        except ValueError:
            pass
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            pass
    return text


class ReadableInJupyter(NbGraderPreprocessor):
    """Replace the MyST roles of markdown cells by plain text a student's Jupyter can show."""

    def preprocess(self, nb, resources):
        values = glued_values(nb)
        number = re.match(r"ch(\d+)_", str(resources.get("nbgrader", {}).get("assignment", "")))
        figures = [
            cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
            for cell in nb.cells
            if cell.cell_type == "code" and cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
        ]

        def glue(match):
            name = match.group("name").strip()
            return _glued_text(values[name], match.group("spec")) if name in values else match.group(0)

        def numref(match):
            target = (match.group("target") or match.group("bare")).strip()
            if not number or target not in figures:
                return match.group(0)
            label = f"{int(number.group(1))}.{figures.index(target) + 1}"
            text = match.group("text")
            return text.replace("%s", label) if text and "%s" in text else f"Fig. {label}"

        for cell in nb.cells:
            if cell.cell_type == "markdown":
                source = GLUE.sub(glue, cell.source)
                source = TERM.sub(lambda m: m.group("text"), source)
                cell.source = NUMREF.sub(numref, source)
        return nb, resources


def release_preprocessors():
    """nbgrader's ``GenerateAssignment`` preprocessors with the course's steps in their places.

    :class:`ReadableInJupyter` comes first, while the source's outputs (the
    glued values) are still there; :class:`NameExerciseStubs` right after
    ``ClearSolutions`` and before ``ComputeChecksums`` and ``SaveCells``, so
    that the gradebook records the stub students actually receive.
    """
    default = list(GenerateAssignment.class_traits()["preprocessors"].default())
    at = default.index(ClearSolutions) + 1
    return [ReadableInJupyter] + default[:at] + [NameExerciseStubs] + default[at:]


def add_coursekit(assignment=None, student=None, notebooks=(), **_):
    """``post_convert_hook`` of ``generate_assignment``: ship ``coursekit`` and ``requirements.txt``
    with the notebook, check for leaks.

    nbgrader calls it from the course folder (its current directory) after
    writing ``release/<assignment>/``; ``notebooks`` are the source notebooks,
    ``<source folder>/<assignment>/*.ipynb``, and ``coursekit`` is taken from
    the source folder.
    """
    from autograder.course import COURSEKIT_DIR, requirements_file
    from autograder.workflow import leaks

    try:
        if not assignment or not notebooks:
            return
        source = Path(notebooks[0]).resolve().parents[1] / "coursekit"
        coursekit = source if source.is_dir() else COURSEKIT_DIR
        dest = Path.cwd() / "release" / assignment
        if not dest.is_dir():
            print(f"nnfs: {dest} does not exist; coursekit was not added", file=sys.stderr)
            return
        shutil.copytree(
            coursekit, dest / "coursekit", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        (dest / "requirements.txt").write_text(requirements_file(assignment, source.parents[1]))
        found = leaks.scan_tree(dest)
        if found:
            shutil.rmtree(dest)
            details = "; ".join(f"{path}: {', '.join(items)}" for path, items in found.items())
            print(
                f"nnfs: ERROR: the student version of {assignment} leaks reference material; deleted {dest}. {details}",
                file=sys.stderr,
            )
    except Exception as error:  # nbgrader would only log it at INFO level
        print(
            f"nnfs: ERROR: could not add coursekit and requirements.txt to the release of {assignment}: "
            f"{type(error).__name__}: {error}",
            file=sys.stderr,
        )

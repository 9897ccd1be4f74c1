"""Steps the course adds to nbgrader's ``generate_assignment`` (the student version).

Configured in ``nbgrader_config.py``, so they apply to the stock
``nbgrader generate_assignment`` as well as to ``nnfs-grade release``:

* :class:`NameExerciseStubs` (a preprocessor, right after ``ClearSolutions``)
  makes each exercise's stub say which function to write. A student who runs
  the exercise cell and then its tests sees
  ``NotImplementedError: sigmoid is not written yet: replace this line with
  your code`` instead of a bare ``NotImplementedError:``.
* :func:`add_coursekit` (a ``post_convert_hook``) copies ``coursekit``, the
  helpers every notebook imports, next to the released notebook, then scans
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
            found = DEF.search(cell.source)
            if found:
                name = found.group("name")

                def named(match):
                    indent = match.group("indent")
                    return (f'{indent}raise NotImplementedError("{name} is not written yet: "\n'
                            f'{indent}{" " * len("raise NotImplementedError(")}'
                            f'"replace this line with your code")')

                cell.source = STUB.sub(named, cell.source)
        return cell, resources


def release_preprocessors():
    """nbgrader's ``GenerateAssignment`` preprocessors with :class:`NameExerciseStubs` after ``ClearSolutions``.

    It must run before ``ComputeChecksums`` and ``SaveCells``, so that the
    gradebook records the stub students actually receive.
    """
    default = list(GenerateAssignment.class_traits()["preprocessors"].default())
    at = default.index(ClearSolutions) + 1
    return default[:at] + [NameExerciseStubs] + default[at:]


def add_coursekit(assignment=None, student=None, notebooks=(), **_):
    """``post_convert_hook`` of ``generate_assignment``: ship ``coursekit`` with the notebook, check for leaks.

    nbgrader calls it from the course folder (its current directory) after
    writing ``release/<assignment>/``; ``notebooks`` are the source notebooks,
    ``<source folder>/<assignment>/*.ipynb``, and ``coursekit`` is taken from
    the source folder.
    """
    from . import leaks
    from .course import COURSEKIT_DIR

    try:
        if not assignment or not notebooks:
            return
        source = Path(notebooks[0]).resolve().parents[1] / "coursekit"
        coursekit = source if source.is_dir() else COURSEKIT_DIR
        dest = Path.cwd() / "release" / assignment
        if not dest.is_dir():
            print(f"nnfs: {dest} does not exist; coursekit was not added", file=sys.stderr)
            return
        shutil.copytree(coursekit, dest / "coursekit", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        found = leaks.scan_tree(dest)
        if found:
            shutil.rmtree(dest)
            details = "; ".join(f"{path}: {', '.join(items)}" for path, items in found.items())
            print(f"nnfs: ERROR: the student version of {assignment} leaks reference material; "
                  f"deleted {dest}. {details}", file=sys.stderr)
    except Exception as error:  # nbgrader would only log it at INFO level
        print(f"nnfs: ERROR: could not add coursekit to the release of {assignment}: "
              f"{type(error).__name__}: {error}", file=sys.stderr)

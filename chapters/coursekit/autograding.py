"""What the autograder runs of a notebook: the exercises and tests, not the worked examples.

Grading a notebook needs its exercise cells and their tests. In a long chapter
the worked examples between them (training runs, timings, figures) take most
of the running time, and grading every submission would pay for them again.
A chapter whose first cell calls :func:`skip_worked_examples` lets the grader
skip every code cell whose first line starts with ``# Worked example``.

nbgrader sets the environment variable ``NBGRADER_EXECUTION`` to
``"autograde"`` while it grades (its documentation suggests exactly this use);
everywhere else (students, the book, the test suite) nothing changes and every
cell runs. A worked example must therefore never define anything that an
exercise or a test cell uses.
"""

import os

__all__ = ["MARKER", "skip_worked_examples"]

#: The first line of a cell the grader may skip starts with this.
MARKER = "# Worked example"


def _skip_marked(lines):
    """IPython input transformer: a marked cell becomes ``pass``."""
    if lines and lines[0].lstrip().startswith(MARKER):
        return ["pass\n"]
    return lines


def skip_worked_examples():
    """While nbgrader autogrades, skip the cells marked ``# Worked example`` (else do nothing)."""
    if os.environ.get("NBGRADER_EXECUTION") != "autograde":
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - notebooks always run under IPython
        return
    shell = get_ipython()
    if shell is not None and _skip_marked not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(_skip_marked)

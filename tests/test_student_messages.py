"""What a student reads when an exercise is unfinished or a visible test fails.

- Every stub of the release (``nnfs-grade release``) names its function:
  ``NotImplementedError: sigmoid is not written yet: replace this line with
  your code``, in lines of at most 88 characters.
- In a kernel, a failed visible test shows ``CheckFailed: <message>`` and no
  frames of ``coursekit``; plain Python keeps the full traceback.
"""

import ast
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import ROOT, chapters, grade_id
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import release

CH1 = "ch01_linear_classifiers"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    release.release(chapters(), root, log=lambda *_: None)
    return root / "release"


def stubs(released, chapter):
    nb = nbformat.read(released / chapter / f"{chapter}.ipynb", as_version=4)
    return {grade_id(c): c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


@pytest.mark.parametrize("chapter", chapters())
def test_every_stub_names_the_function_to_write(released, chapter):
    found = stubs(released, chapter)
    # The exercises, and in a chapter that calls earlier chapters' functions, the cell for those.
    assert set(found) - {exercise.name for exercise in CHAPTERS[chapter]} <= {"earlier_functions"}
    assert {exercise.name for exercise in CHAPTERS[chapter]} <= set(found)
    for source in found.values():
        assert "raise NotImplementedError(" in source
        lines = source.splitlines()
        stub = lines[next(i for i, line in enumerate(lines) if "raise NotImplementedError(" in line) :]
        assert max(len(line) for line in stub) <= 88, stub
        namespace = {}
        tree = ast.parse(source)
        exec(compile(tree, "<exercise>", "exec"), namespace)
        for name in (node.name for node in tree.body if isinstance(node, ast.FunctionDef)):
            code = namespace[name].__code__
            arguments = [None] * code.co_argcount
            keywords = dict.fromkeys(code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount])
            with pytest.raises(NotImplementedError) as raised:
                namespace[name](*arguments, **keywords)
            assert str(raised.value) == f"{name} is not written yet: replace this line with your code"


def run_cells(folder, *sources):
    """Execute code cells in a kernel started in ``folder``; return the executed notebook."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        nb, allow_errors=True, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


def errors(cell):
    return [output for output in cell.outputs if output.output_type == "error"]


def test_in_a_kernel_unfinished_and_failed_visible_tests_read_plainly(released):
    folder = released / CH1
    nb = nbformat.read(folder / f"{CH1}.ipynb", as_version=4)
    cells = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    setup = cells["setup"]
    wrong = "def linear_scores(X, W, b):\n    return X @ W\n"
    done = run_cells(
        folder, setup, cells["linear_scores"], cells["linear_scores_tests"], wrong, cells["linear_scores_tests"]
    )

    unfinished = errors(done.cells[2])
    assert len(unfinished) == 1 and unfinished[0].ename == "NotImplementedError"
    assert unfinished[0].evalue == "linear_scores is not written yet: replace this line with your code"

    failed = errors(done.cells[4])
    assert len(failed) == 1 and failed[0].ename == "CheckFailed"
    assert failed[0].traceback == [f"CheckFailed: {failed[0].evalue}"]  # the message, no frames
    assert "Hint:" in failed[0].evalue and "coursekit" not in "".join(failed[0].traceback)


def test_plain_python_keeps_the_full_traceback(released):
    script = "from coursekit.testing import check_close\ncheck_close(1.0, 2.0, 'f(3)', hint='add one')\n"
    run = subprocess.run([sys.executable, "-c", script], cwd=released / CH1, capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback (most recent call last)" in run.stderr and "testing.py" in run.stderr
    assert run.stderr.rstrip().endswith("CheckFailed: f(3) is 1, expected 2.\nHint: add one")

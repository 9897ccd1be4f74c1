"""The chapter notebooks agree with the reference, the hidden tests and the book's needs.

(nbval, run on the notebooks themselves by `make test`, checks that they execute
and reproduce their stored outputs.)
"""

import sys

import nbformat
import pytest

from autograder.course import ROOT, chapters, grade_id
from autograder.judging.chapters import CHAPTERS

sys.path.insert(0, str(ROOT / "tools"))
import sync_exercises  # noqa: E402

NOTEBOOKS = {chapter: ROOT / "chapters" / chapter / f"{chapter}.ipynb" for chapter in CHAPTERS}


def test_every_chapter_with_hidden_tests_has_a_notebook():
    assert sorted(CHAPTERS) == chapters()


def test_generated_cells_are_in_step_with_solutions_and_hidden_tests(capsys):
    assert sync_exercises.main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_each_exercise_has_its_cells_in_order(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    ids = [grade_id(c) for c in nb.cells]
    assert ids.index("setup") < min(ids.index(e.name) for e in CHAPTERS[chapter])
    for exercise in CHAPTERS[chapter]:
        solution, tests, hidden = (
            ids.index(exercise.name),
            ids.index(f"{exercise.name}_tests"),
            ids.index(f"{exercise.name}_hidden"),
        )
        assert solution < tests < hidden
        assert nb.cells[hidden].metadata.nbgrader.points == exercise.points
        assert "passed(" in nb.cells[tests].source, f"{exercise.name}: visible tests should end with passed()"
        assert len(exercise.cases) >= 3, f"{exercise.name}: at least three hidden cases"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_figures_have_captions_and_alt_text(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    figures = [
        c for c in nb.cells if c.cell_type == "code" and any("image/png" in o.get("data", {}) for o in c.outputs)
    ]
    assert figures, f"{chapter} has no figures"
    for cell in figures:
        meta = cell.metadata.get("mystnb", {})
        assert meta.get("figure", {}).get("caption"), f"figure without caption: {cell.source[:60]!r}"
        assert meta.get("image", {}).get("alt"), f"figure without alt text: {cell.source[:60]!r}"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_no_cell_but_the_generated_ones_touches_the_reference(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    for cell in nb.cells:
        if grade_id(cell) == "setup" or (grade_id(cell) or "").endswith("_hidden"):
            continue
        assert "solutions" not in cell.source and "autograder" not in cell.source, cell.source[:80]

"""A student's view: the released notebook runs with the shipped coursekit and the visible tests pass for correct code.

The answered release runs in a fresh environment holding only the chapter's
``requirements.txt`` (``tests/student_environments.py``), as a student's would.
"""

import shutil
import sys

import nbformat
import pytest

from autograder.course import ROOT, chapters, grade_id, requirements_file, student_requirements
from autograder.workflow import release

sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import execute  # noqa: E402


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    release.release(chapters(), root, log=lambda *_: None)
    return root / "release"


@pytest.mark.parametrize("chapter", chapters())
def test_released_notebook_with_correct_answers_passes_its_visible_tests(released, chapter, student_environments):
    folder = released / chapter
    assert (folder / "requirements.txt").read_text() == requirements_file(chapter)
    environment = student_environments.get(student_requirements(chapter))
    student = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in student.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    student.cells.append(
        nbformat.v4.new_code_cell("import coursekit, sys\nprint(coursekit.__file__)\nprint(sys.prefix)")
    )
    nbformat.write(student, folder / "answered.ipynb")

    # As in a student's Jupyter, with only the chapter's requirements installed; raises on an error.
    kernel = student_environments.kernel(student_requirements(chapter))
    done = execute(folder / "answered.ipynb", glue=False, kernel=kernel)

    def printed(cell):
        return "".join(output.get("text", "") for output in cell.outputs)

    tests = {grade_id(c): printed(c) for c in done.cells if (grade_id(c) or "").endswith("_tests")}
    # Nothing Jupyter could not render ("No renderer could be found"): glued numbers stay in the book.
    assert not [
        key
        for c in done.cells
        for o in c.get("outputs", [])
        for key in o.get("data", {})
        if key.startswith("application/papermill")
    ]
    for name in (n for n in answers if f"{n}_tests" in tests):
        assert f"✓ {name}: all visible tests passed" in tests[f"{name}_tests"]
    shipped, prefix = printed(done.cells[-1]).splitlines()
    assert shipped.startswith(str(folder / "coursekit"))  # the shipped copy, not the installed one
    assert prefix == str(environment)  # the fresh environment's Python


@pytest.mark.parametrize("chapter", chapters())
def test_blank_release_fails_visible_tests_with_not_implemented(released, chapter):
    nb = nbformat.read(released / chapter / f"{chapter}.ipynb", as_version=4)
    first = next(c for c in nb.cells if (grade_id(c) or "").endswith("_tests"))
    nb.cells = nb.cells[: nb.cells.index(first) + 1]
    nbformat.write(nb, released / chapter / "blank.ipynb")
    with pytest.raises(Exception, match="NotImplementedError"):
        execute(released / chapter / "blank.ipynb", glue=False)


@pytest.mark.parametrize("chapter", chapters())
def test_student_notebook_shows_numbers_not_myst_roles(released, chapter):
    """Jupyter shows `{glue:text}` and `{term}` as raw text: the release holds what they stand for."""
    import re

    nb = nbformat.read(released / chapter / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.findall(r"\{(?:glue|term|numref)[a-z:]*\}`", text) == []
    from autograder.workflow.release_steps import glued_values

    glued = glued_values(source)
    used = {
        m.group(1)
        for c in source.cells
        if c.cell_type == "markdown"
        for m in re.finditer(r"\{glue:text\}`([^`:]+)", c.source)
    }
    assert used <= set(glued), f"glued names without a stored value: {sorted(used - set(glued))}"

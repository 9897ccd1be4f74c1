"""The notebook checks hold under other BLAS kernels and thread counts, and still catch real changes.

``tests/nbval_numbers.py`` makes nbval compare the numbers of text outputs at a
precision that means something. Here:

* the comparison on its own: text, integers and booleans exact, floats to about
  8 digits, noise below 1e-12 ignored, declared exceptions only where declared;
* nbval itself (``pytest --nbval`` in a child process, as ``make test`` runs it)
  on chapters 4 and 5 under OpenBLAS's generic kernel (Prescott) with one
  thread, and on chapters 4, 5 and 8 under its Haswell kernel with two threads,
  the outputs stored on this machine's default (SkylakeX here) with two. Chapter 8,
  the slowest, runs once: its one loose cell differs most under Haswell (126 dead
  units instead of 128; 127 under Prescott). These three chapters are where the
  stored outputs differ most between kernels (finite-difference checks, an
  oscillating run, training on MNIST) and hold every declared exception; the
  other five differ by rounding only (checked by hand on all eight chapters,
  see the closing note of issue 13). The default kernel with one thread gave
  no difference beyond a relative 1e-12 here.
* nbval on a copy of chapter 5 with a glued value changed in its 6th digit, a
  printed value in its last digit, and a worked example given a wrong formula:
  exactly those cells fail.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import nbval_numbers
import pytest
from nbval_numbers import DEFAULT, CellTolerances, Loose, Tolerance, compare_text, declarations_for, load_declarations

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


# --- the comparison ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stored, fresh",
    [
        ("0.005515771633943759", "0.005515771633943761"),  # the last bits of a BLAS sum
        ("loss 0.9729586677518303 at step 7", "loss 0.9729586677518305 at step 7"),
        ("largest difference 4.4e-16", "largest difference 8.9e-16"),  # rounding noise, below 1e-12
        ("9.159339953157541e-16", "0.0"),
        ("[ 1.0593 -1.4939  1.0593 -0.6888]", "[ 1.0593 -1.4939  1.0593 -0.6888]"),
        ("-0.", "0."),
    ],
)
def test_rounding_differences_pass(stored, fresh):
    assert compare_text(stored, fresh) is None


@pytest.mark.parametrize(
    "stored, fresh, why",
    [
        ("0.2022726234438336", "0.2022736234438336", "differ by 1.00e-06"),  # 6th significant digit
        ("1.0000001", "1.0000002", "differ by"),  # 8th digit, printed with 8
        ("validation error 0.302", "validation error 0.303", "differ by"),  # the last printed digit
        ("2 of 4 correct", "3 of 4 correct", "integers must be the same"),
        ("shape (4, 3)", "shape (3, 4)", "integers must be the same"),
        ("rows equal: True", "rows equal: False", "the text differs"),
        ("1e-05", "1e-06", "differ by"),
        ("4.9e-11", "4.9e-10", "differ by"),  # above the noise floor
        ("a\nb 1.5\n", "a\nb 1.5\nc\n", "3 lines instead of 2"),
        ("M = 64: 0.229", "M = 64:  0.229", "the text differs"),
        ("[0.5 1. ]", "[0.5 1 ]", "integers must be the same"),  # a float became an integer
        ("<Figure size 900x360 with 8 Axes>", "<Figure size 900x360 with 7 Axes>", "integers must be the same"),
    ],
)
def test_real_changes_fail(stored, fresh, why):
    assert why in (compare_text(stored, fresh) or "")


def test_words_with_digits_are_text():
    assert "the text differs" in compare_text("dW1 2.2e-10", "dW2 2.2e-10")
    assert "the text differs" in compare_text("<Figure size 900x360 with 8 Axes>", "<Figure size 900x361 with 8 Axes>")


def test_declared_lines_and_glued_names_are_the_only_loose_ones():
    entry = Loose(
        "ch", "cell", "why", Tolerance(rtol=0.5, integers_exact=False), lines=[r"^lr = 2\.0:"], glue=["dead-end"]
    )
    tolerances = CellTolerances([entry])
    assert tolerances.of_line("lr = 2.0: dead 5 100 128\n").rtol == 0.5
    assert tolerances.of_line("lr = 1.0: dead 5 12 12\n") == DEFAULT
    assert tolerances.of_glue("dead-end").rtol == 0.5
    assert tolerances.of_glue("dead-start") == DEFAULT
    text = "lr = 1.0: dead 5 12\nlr = 2.0: dead 5 128\n"
    assert compare_text(text, "lr = 1.0: dead 5 12\nlr = 2.0: dead 5 126\n", tolerances.of_line) is None
    assert "integers must be the same" in compare_text(
        text, "lr = 1.0: dead 5 13\nlr = 2.0: dead 5 128\n", tolerances.of_line
    )
    whole_cell = CellTolerances([Loose("ch", "cell", "why", Tolerance(atol=1e-8))])
    assert whole_cell.of_line("anything 2.2e-10").atol == 1e-8
    assert whole_cell.of_glue("any-name").atol == 1e-8


def test_every_declaration_matches_one_cell_and_says_why():
    declarations = load_declarations()
    assert declarations
    for chapter in sorted({d.chapter for d in declarations}):
        nb = nbformat.read(CHAPTERS / chapter / f"{chapter}.ipynb", as_version=4)
        found = declarations_for(nb, chapter, declarations)
        assert sum(len(entries) for entries in found.values()) == sum(d.chapter == chapter for d in declarations)
    assert all(len(d.why) > 40 for d in declarations)


def test_a_declaration_that_matches_no_cell_stops_the_run():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    stale = [Loose("ch01", "y = 2", "a cell that was rewritten", DEFAULT)]
    with pytest.raises(pytest.UsageError, match="matches 0 code cells"):
        declarations_for(nb, "ch01", stale)


# --- nbval, in a child process as make test runs it -------------------------------------------


def nbval(paths, env=None, timeout=600):
    """``pytest --nbval`` on notebooks (the project's options, this plugin); the result and failed cells."""
    env = dict(os.environ, NNFS_GLUE="1", PYTHONPATH=str(ROOT / "tests"), **(env or {}))
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"):
        if env.get(name) == "":
            env.pop(name)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "nbval_numbers",
            "-rf",
            "-q",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            *map(str, paths),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    failed = sorted({int(n) for n in re.findall(r"^FAILED \S*::Cell (\d+)", run.stdout, re.M)})
    return run, failed


GRADIENT_CHECKS = ["ch04_xor_backprop", "ch05_modules"]


@pytest.mark.parametrize(
    "coretype, threads, notebooks",
    [
        ("Prescott", "1", GRADIENT_CHECKS),  # the most different from the default kernel
        ("Haswell", "2", GRADIENT_CHECKS + ["ch08_training"]),  # 2 of 128 units dead or not at lr = 2
    ],
    ids=["Prescott-1-thread", "Haswell-2-threads"],
)
def test_notebooks_pass_under_other_blas_kernels_and_threads(coretype, threads, notebooks):
    run, failed = nbval(
        [CHAPTERS / c / f"{c}.ipynb" for c in notebooks],
        {"OPENBLAS_CORETYPE": coretype, "OPENBLAS_NUM_THREADS": threads},
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"\b\d{2,} passed", run.stdout)


def _code_cell(nb, text):
    """(index among code cells, cell) of the one code cell whose source or output holds ``text``."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    found = [(i, c) for i, c in enumerate(code) if text in c.source or text in str(c.outputs)]
    assert len(found) == 1, f"{len(found)} cells hold {text!r}"
    return found[0]


def _truncated_copy(nb, last, folder, name="ch05_modules.ipynb"):
    """The notebook up to code cell ``last``, written to ``folder`` (under its chapter's name)."""
    code_seen, cells = -1, []
    for cell in nb.cells:
        code_seen += cell.cell_type == "code"
        if code_seen > last:
            break
        cells.append(cell)
    nb = nbformat.from_dict(dict(nb, cells=cells))
    nbformat.write(nb, folder / name)
    return folder / name


@pytest.fixture(scope="module")
def chapter5():
    return nbformat.read(CHAPTERS / "ch05_modules" / "ch05_modules.ipynb", as_version=4)


def test_a_changed_value_fails_its_cell(chapter5, tmp_path):
    nb = nbformat.from_dict(chapter5)
    glue_cell, cell = _code_cell(nb, "0.2022726234438336")
    for output in cell.outputs:
        data = output.get("data", {})
        if data.get(nbval_numbers.GLUE_MIME) == "0.2022726234438336":
            data[nbval_numbers.GLUE_MIME] = "0.2022736234438336"  # the 6th significant digit
    print_cell, cell = _code_cell(nb, "training error 0.244, validation error 0.302")
    for output in cell.outputs:
        if output.output_type == "stream":
            output.text = output.text.replace("validation error 0.302", "validation error 0.303")
    run, failed = nbval([_truncated_copy(nb, glue_cell, tmp_path)])
    assert failed == sorted([glue_cell, print_cell]), run.stdout[-6000:]
    # stored != fresh; the fresh value's last digits are the machine's (BLAS kernels, threads)
    assert re.search(r"0\.2022736234438336 != 0\.20227262344383\d*: they differ by 1\.00e-06", run.stdout)
    assert "0.303 != 0.302" in run.stdout


def test_a_wrong_formula_fails_its_cell(chapter5, tmp_path):
    nb = nbformat.from_dict(chapter5)
    index, cell = _code_cell(nb, "def output_layer_rate(params, X):")
    right = "np.linalg.eigvalsh(2.0 * H1.T @ H1 / len(X))"
    assert right in cell.source
    cell.source = cell.source.replace(right, "np.linalg.eigvalsh(2.0 * H1.T @ H1 / (len(X) - 1))")
    run, failed = nbval([_truncated_copy(nb, index, tmp_path)])
    assert failed == [index], run.stdout[-6000:]
    assert "learning rate" in run.stdout

"""Build the HTML book into ``_build/html`` from the student versions of the chapters.

Readers must see each exercise as students do (signature, docstring, ``# YOUR
CODE HERE``) but with the outputs that correct code produces. So for every
chapter this script

1. executes the instructor's source notebook in a fresh kernel (an error in any
   cell fails the build); the result is cached under ``_build/executed`` and
   reused while the notebook, ``solutions``, ``coursekit`` and the hidden tests
   are unchanged;
2. takes the student version from ``release/`` (made by ``nnfs-grade release``)
   and gives each of its cells the outputs of the matching executed cell,
   except cells that held hidden tests, which keep none;
3. writes the result to ``book/<chapter>.ipynb``, the page Jupyter Book renders
   (and the notebook readers can download), and ``book/coursekit.zip``.

Then it runs ``jupyter-book build`` with warnings as errors and scans
``_build/html`` for anything of the reference solution.
"""

import argparse
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from autograder import leaks  # noqa: E402
from autograder.course import COURSEKIT_DIR, chapters, grade_id  # noqa: E402
from execute_notebooks import execute  # noqa: E402

EXECUTION_INPUTS = ("solutions", "chapters/coursekit", "autograder/hidden_tests")


def _fingerprint(source):
    digest = hashlib.sha256(source.read_bytes())
    for name in EXECUTION_INPUTS:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()


def executed_notebook(chapter):
    """The source notebook of ``chapter`` with fresh outputs (cached)."""
    source = ROOT / "chapters" / chapter / f"{chapter}.ipynb"
    cache = ROOT / "_build" / "executed" / f"{chapter}.ipynb"
    stamp = cache.with_suffix(".sha256")
    fingerprint = _fingerprint(source)
    if cache.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return nbformat.read(cache, as_version=4)
    print(f"executing {source.relative_to(ROOT)}")
    nb = execute(source)
    cache.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, cache)
    stamp.write_text(fingerprint)
    return nb



def book_notebook(released, executed):
    """The student version with the outputs of the executed source version."""
    if len(released.cells) != len(executed.cells):
        raise SystemExit("release and source notebooks differ in length: run `nnfs-grade release` again")
    for student_cell, source_cell in zip(released.cells, executed.cells):
        if (student_cell.cell_type, grade_id(student_cell)) != (source_cell.cell_type, grade_id(source_cell)):
            raise SystemExit(f"release is out of date at cell {grade_id(source_cell)!r}: run `nnfs-grade release`")
        if student_cell.cell_type != "code":
            continue
        if "BEGIN HIDDEN TESTS" in source_cell.source:
            student_cell.outputs = []
            student_cell.execution_count = None
        else:
            student_cell.outputs = source_cell.outputs
            student_cell.execution_count = source_cell.execution_count
    return released


def write_coursekit_zip(out_dir):
    """``book/coursekit.zip``: the student helpers, offered for download on the intro page."""
    target = out_dir / "coursekit.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(COURSEKIT_DIR.rglob("*.py")):
            info = zipfile.ZipInfo(str(path.relative_to(COURSEKIT_DIR.parent)), date_time=(2026, 1, 1, 0, 0, 0))
            zf.writestr(info, path.read_bytes())


def copy_mathjax(out_dir):
    """MathJax 3 into ``book/_static/mathjax``, so the book needs no CDN to show math."""
    import mathjax  # the static files of the django-static-mathjax wheel

    target = out_dir / "_static" / "mathjax"
    if not (target / "tex-chtml.js").exists():
        source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(
            "sre", "*-full*.js", "*svg*.js", "mml-*.js", "tex-mml-*.js", "node-main.js", "latest.js"))


def write_book_notebooks():
    out_dir = ROOT / "book"
    out_dir.mkdir(exist_ok=True)
    write_coursekit_zip(out_dir)
    copy_mathjax(out_dir)
    for chapter in chapters():
        release = ROOT / "release" / chapter / f"{chapter}.ipynb"
        if not release.exists():
            raise SystemExit(f"{release.relative_to(ROOT)} is missing: run `nnfs-grade release` first")
        nb = book_notebook(nbformat.read(release, as_version=4), executed_notebook(chapter))
        target = out_dir / f"{chapter}.ipynb"
        text = nbformat.writes(nb)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the HTML book into _build/html.")
    parser.parse_args(argv)
    write_book_notebooks()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going", "-q"], check=True)
    found = leaks.scan_tree(ROOT / "_build" / "html")
    if found:
        for path, items in found.items():
            print(f"LEAK {path}: {', '.join(items)}")
        raise SystemExit("the built book contains reference material")
    print(f"book built: {ROOT / '_build' / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()

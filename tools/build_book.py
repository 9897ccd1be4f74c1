"""Build the HTML book into ``_build/html`` from the student versions of the chapters.

Readers must see each exercise as students do (signature, docstring, ``# YOUR
CODE HERE``) but with the outputs that correct code produces. So for every
chapter this script

1. executes the instructor's source notebook in a fresh kernel (an error in any
   cell fails the build); the result, which holds every solution, is cached
   under ``.cache/executed`` (outside ``_build``, so that publishing any part
   of ``_build`` can never publish it) and reused while the notebook,
   ``solutions``, ``coursekit`` and the hidden tests are unchanged;
2. takes the student version from ``release/`` (made by ``nnfs-grade release``)
   and gives each of its cells the outputs of the matching executed cell,
   except cells that held hidden tests, which keep none, and fills the
   ``{glue:text}`` roles of figures' alt text with the glued values;
3. writes the result to ``book/<chapter>.ipynb``, the page Jupyter Book renders,
   with the hand-written section numbers left to Sphinx (which numbers sections
   and figures per chapter), a box offering ``book/<chapter>.zip`` (the student
   notebook with its ``coursekit`` and ``requirements.txt``, runnable as it is)
   with the pip line that installs what it needs, and an index entry for
   every glossary term the chapter marks with ``{term}``.

Before building it runs the checks of ``tools/book_checks.py`` on every chapter
(glued numbers, numbering, figures, line width, no "readings"). Then it runs
``jupyter-book build`` with warnings as errors and scans ``_build/html`` and
the downloads for anything of the reference solution; with ``--pdf`` it also
builds the whole book as a PDF (``_build/html/nnfs-book.pdf``, linked from the
introduction) and scans its text the same way.
"""

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import book_checks  # noqa: E402
from execute_notebooks import execute  # noqa: E402
from myst_nb.core.variables import format_plain_text  # noqa: E402

from autograder.course import chapters, grade_id, student_requirements  # noqa: E402
from autograder.workflow import leaks  # noqa: E402
from autograder.workflow.release_steps import glued_values  # noqa: E402

#: Executed source notebooks hold every solution: kept apart from the published ``_build``.
EXECUTED = ROOT / ".cache" / "executed"
HTML = ROOT / "_build" / "html"
#: The whole book as a PDF, inside the published HTML tree (the introduction links it).
PDF_NAME = "nnfs-book.pdf"

EXECUTION_INPUTS = ("solutions", "chapters/coursekit", "autograder/judging/chapters")


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
    cache = EXECUTED / f"{chapter}.ipynb"
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


def chapter_number(chapter):
    """``ch03_activations`` -> 3."""
    return int(re.match(r"ch(\d+)_", chapter).group(1))


_TERM = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")


def _glossary_spelling():
    """Each glossary term by its lower-case form: the index entry must use the glossary's spelling."""
    block = (ROOT / "docs" / "glossary.md").read_text().split("```{glossary}", 1)[1].split("```", 1)[0]
    return {
        line.strip().lower(): line.strip()
        for line in block.splitlines()
        if line.strip() and not line.startswith((" ", ":"))
    }


def _index_terms(source):
    """The source with an index entry for each glossary term it marks (the index points here)."""
    spelling = _glossary_spelling()
    terms = sorted(
        {
            spelling.get(name, name)
            for name in ((m.group(1) or m.group(2)).strip().lower() for m in _TERM.finditer(source))
        }
    )
    if not terms:
        return source
    return "```{index} " + ", ".join(terms) + "\n```\n\n" + source


def download_cell(chapter):
    """The box at the top of a chapter page: one download that runs as it is, and how to run it.

    The pip line installs what the chapter's ``requirements.txt`` (in the download) lists.
    """
    packages = " ".join(student_requirements(chapter))
    return nbformat.v4.new_markdown_cell(
        ":::{admonition} Work through this chapter yourself\n"
        ":class: tip\n\n"
        f"{{download}}`Download {chapter}.zip <{chapter}.zip>`: the notebook as students receive it "
        "(exercises to fill in, visible tests) with the `coursekit` helpers it imports. Unzip it and "
        f"open `{chapter}/{chapter}.ipynb` in Jupyter (`jupyter lab` or `jupyter notebook` in that "
        "folder), then run the cells from top to bottom. You need Python 3.11 with the packages its "
        f"`requirements.txt` lists (`pip install -r requirements.txt` in that folder): "
        f"`pip install {packages}`.\n"
        ":::"
    )


_GLUE_ROLE = re.compile(r"\{glue:text\}`([^`]+)`")


def fill_glue(text, values, where="alt text"):
    """``text`` with every ``{glue:text}`name:format``` role replaced by the glued value.

    MyST-NB reads alt text as plain text, so the build fills its roles in,
    formatted as MyST-NB formats them in the prose.
    """

    def value(match):
        key, _, spec = match.group(1).partition(":")
        if key not in values:
            raise SystemExit(f"{where}: no value glued under {key!r}")
        return format_plain_text(values[key], spec)

    return _GLUE_ROLE.sub(value, text)


def book_notebook(released, executed, chapter):
    """The student version with the outputs of the executed source version, ready to render."""
    if len(released.cells) != len(executed.cells):
        raise SystemExit("release and source notebooks differ in length: run `nnfs-grade release` again")
    number = chapter_number(chapter)
    values = glued_values(executed)
    for student_cell, source_cell in zip(released.cells, executed.cells):
        if (student_cell.cell_type, grade_id(student_cell)) != (source_cell.cell_type, grade_id(source_cell)):
            raise SystemExit(f"release is out of date at cell {grade_id(source_cell)!r}: run `nnfs-grade release`")
        if student_cell.cell_type == "markdown":
            # The book's own text (the release replaced its roles for Jupyter): glue, terms, references.
            student_cell.source = _index_terms(book_checks.strip_numbers(source_cell.source, number))
            continue
        if student_cell.cell_type != "code":
            continue
        image = student_cell.metadata.get("mystnb", {}).get("image", {})
        if "alt" in image:  # alt text with its numbers filled in from the glued values
            image["alt"] = fill_glue(
                image["alt"],
                values,
                f"{chapter}, alt text of {student_cell.metadata['mystnb'].get('figure', {}).get('name')}",
            )
        if "BEGIN HIDDEN TESTS" in source_cell.source:
            student_cell.outputs = []
            student_cell.execution_count = None
        else:
            student_cell.outputs = source_cell.outputs
            student_cell.execution_count = source_cell.execution_count
        image = student_cell.metadata.get("mystnb", {}).get("image", {})
        if "alt" in image:  # alt text with its numbers filled in from the glued values
            image["alt"] = fill_glue(
                image["alt"],
                values,
                f"{chapter}, alt text of {student_cell.metadata['mystnb'].get('figure', {}).get('name')}",
            )
    released.cells.insert(1, download_cell(chapter))
    return released


def chapter_problems(chapter, source_nb, page_nb):
    """What ``tools/book_checks.py`` finds wrong with a chapter (its source and its page)."""
    problems = book_checks.prose_problems(source_nb, chapter)
    problems += book_checks.numbering_problems(source_nb, chapter_number(chapter))
    problems += book_checks.figure_problems(source_nb, chapter)
    problems += book_checks.line_problems(page_nb)
    return [f"{chapter}: {problem}" for problem in problems]


def write_chapter_zip(chapter, out_dir):
    """``book/<chapter>.zip``: the student release of one chapter (notebook, ``coursekit``, ``requirements.txt``)."""
    release = ROOT / "release" / chapter
    target = out_dir / f"{chapter}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(release.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".ipynb", ".py", ".txt"):
                name = str(Path(chapter) / path.relative_to(release))
                zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), path.read_bytes())
    return target


def scan_zip(path, lines=None):
    """``{member: [leaks]}`` for the files of a zip archive."""
    lines = leaks.solution_lines() if lines is None else lines
    found = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            items = leaks.scan_text(zf.read(name).decode("utf-8", errors="replace"), lines)
            if items:
                found[f"{path}:{name}"] = items
    return found


def copy_mathjax(out_dir):
    """MathJax 3 into ``book/_static/mathjax``, so the book needs no CDN to show math."""
    import mathjax  # the static files of the django-static-mathjax wheel

    target = out_dir / "_static" / "mathjax"
    if not (target / "tex-chtml.js").exists():
        source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
        shutil.copytree(
            source,
            target,
            ignore=shutil.ignore_patterns(
                "sre", "*-full*.js", "*svg*.js", "mml-*.js", "tex-mml-*.js", "node-main.js", "latest.js"
            ),
        )


def write_book_notebooks():
    out_dir = ROOT / "book"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "coursekit.zip").unlink(missing_ok=True)  # replaced by one zip per chapter
    copy_mathjax(out_dir)
    problems = []
    for chapter in chapters():
        release = ROOT / "release" / chapter / f"{chapter}.ipynb"
        if not release.exists():
            raise SystemExit(f"{release.relative_to(ROOT)} is missing: run `nnfs-grade release` first")
        source = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
        nb = book_notebook(nbformat.read(release, as_version=4), executed_notebook(chapter), chapter)
        if chapter == chapters()[-1]:  # in the PDF, the pages after the chapters are appendices
            nb.cells.append(nbformat.v4.new_markdown_cell("```{raw} latex\n\\appendix\n```"))
        problems += chapter_problems(chapter, source, nb)
        write_chapter_zip(chapter, out_dir)
        target = out_dir / f"{chapter}.ipynb"
        text = nbformat.writes(nb)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    if problems:
        print("\n".join(problems))
        raise SystemExit(f"{len(problems)} problems in the chapters (see tools/book_checks.py)")


def pdf_text(path):
    """The text of a PDF (``pdftotext`` of poppler-utils)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def build_pdf(jupyter_book):
    """The whole book as one PDF via Jupyter Book's LaTeX builder; returns its path in ``_build/html``."""
    start = time.perf_counter()
    subprocess.run([str(jupyter_book), "build", str(ROOT), "--builder", "pdflatex", "-q"], check=True)
    built = ROOT / "_build" / "latex" / "nnfs-book.pdf"
    target = HTML / PDF_NAME
    shutil.copyfile(built, target)
    print(f"pdf built in {time.perf_counter() - start:.0f} s: {target}")
    return target


def find_leaks(pdf=None):
    """Reference material found in the HTML book, the chapter downloads and the PDF."""
    lines = leaks.solution_lines()
    found = leaks.scan_tree(HTML, lines)
    for archive in sorted(HTML.rglob("*.zip")):
        found.update(scan_zip(archive, lines))
    if pdf is not None:
        items = leaks.scan_text(pdf_text(pdf), lines)
        if items:
            found[str(pdf)] = items
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the HTML book into _build/html.")
    parser.add_argument("--pdf", action="store_true", help=f"also build the PDF, _build/html/{PDF_NAME}")
    args = parser.parse_args(argv)
    write_book_notebooks()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going", "-q"], check=True)
    pdf = build_pdf(jupyter_book) if args.pdf else None
    found = find_leaks(pdf)
    if found:
        for path, items in found.items():
            print(f"LEAK {path}: {', '.join(items)}")
        raise SystemExit("the built book contains reference material")
    print(f"book built: {HTML / 'index.html'}")


if __name__ == "__main__":
    main()

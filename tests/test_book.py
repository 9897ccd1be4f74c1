"""The book builds strictly and shows students' view, never the reference.

Builds into the checkout's own `_build/html` (as `make build` does), so a
second run reuses the executed notebooks.
"""

import json
import re
import subprocess
import sys

import pytest

from autograder import leaks
from autograder.course import ROOT, chapters

HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def book():
    subprocess.run([sys.executable, "-m", "autograder", "release"], cwd=ROOT, check=True)
    build = subprocess.run([sys.executable, "tools/build_book.py"], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return HTML


def test_nothing_of_the_reference_reaches_the_html(book):
    assert leaks.scan_tree(book) == {}
    search = (book / "searchindex.js").read_text()
    assert "BEGIN SOLUTION" not in search and "_probe_hidden" not in search


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_page_shows_stubs_and_expected_outputs(book, chapter):
    page = (book / "book" / f"{chapter}.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "YOUR CODE HERE" in text and "NotImplementedError" in text
    assert "all visible tests passed" in text
    assert "Hidden tests, run by the grader" in text
    assert "hidden checks passed" not in text  # hidden test outputs are not shown


@pytest.mark.parametrize("chapter", chapters())
def test_figures_have_captions_and_alt_text(book, chapter):
    page = (book / "book" / f"{chapter}.html").read_text()
    figures = re.findall(r"<figure.*?</figure>", page, flags=re.S)
    assert figures
    for figure in figures:
        assert re.search(r'<img[^>]+alt="[^"]{10,}"', figure), figure[:300]
        assert "<figcaption" in figure


def test_math_is_rendered_by_a_bundled_mathjax(book):
    page = (book / "docs" / "intro.html").read_text()
    assert 'src="../_static/mathjax/tex-chtml.js' in page  # no CDN: the book works offline
    assert (book / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "math notranslate" in page


@pytest.mark.parametrize("chapter", chapters())
def test_downloadable_notebook_is_the_student_version(book, chapter):
    nb = json.loads((book / "_sources" / "book" / f"{chapter}.ipynb").read_text())
    solution_cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert solution_cells
    for cell in solution_cells:
        assert "raise NotImplementedError()" in "".join(cell["source"])
    assert not (book / "_sources" / "chapters").exists()

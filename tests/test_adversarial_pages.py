"""Pages made from student material run nothing: feedback, the class report, the similarity report.

A student puts script into every place a page shows: markdown (an ``onerror``
image, ``<script>``, a ``javascript:`` link, a frame, an SVG ``onload``, a
refresh, a stylesheet that loads from the network), HTML and JavaScript
outputs, an exception message the grader quotes, and code the similarity
report shows side by side. Each payload, if it ran, would set a mark on the
page. Every page is opened in headless Chromium: no mark is set, no request
leaves the page, and each page starts its head with the policy that forbids
scripts.
"""

import shutil

import nbformat
import pytest
from bs4 import BeautifulSoup
from grading_helpers import time_limits, with_sources

from autograder import cli
from autograder.course import ROOT, grade_id
from autograder.reports import class_report, inert_html, similarity

CH1 = "ch01_linear_classifiers"

MARKDOWN = """## My notes
<img src="x" onerror="window.PWNED = 'markdown onerror'">
<script>window.PWNED = 'markdown script'</script>
<a id="js-link" href="javascript:window.PWNED = 'link'">click</a>
<iframe src="javascript:parent.PWNED = 'frame'"></iframe>
<svg onload="window.PWNED = 'svg'"><circle r="3"/></svg>
<meta http-equiv="refresh" content="0;url=https://example.com/">
<style>body { background: url(https://example.com/track.png); }</style>
<form action="https://example.com/"><button formaction="javascript:window.PWNED = 'form'">go</button></form>
"""

OUTPUT = """from IPython.display import HTML, Javascript, SVG, display
display(HTML('<script>window.PWNED = "html output"</script>'
             '<iframe src="javascript:parent.PWNED = 1"></iframe>'
             '<img src="x" onerror="window.PWNED = &quot;output onerror&quot;">'))
display(Javascript('window.PWNED = "javascript output"'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.PWNED = 1">'
            '<script>window.PWNED = 2</script></svg>'))
"""

MESSAGE = '<script>window.PWNED = "message"</script><img src=x onerror="window.PWNED = 1">'
RAISES = f"""def accuracy(y_pred, y_true):
    # </pre></code><script>window.PWNED = "code"</script>
    raise ValueError({MESSAGE!r})
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    with time_limits(cell=6, probe=3):
        assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
        source = nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)
        released = nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
        honest = with_sources(
            released, **{grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
        )
        mallory = with_sources(honest, accuracy=RAISES)
        mallory.cells[2:2] = [nbformat.v4.new_markdown_cell(MARKDOWN), nbformat.v4.new_code_cell(OUTPUT)]
        downloads = root / "downloads"
        for student, nb in {"honest": honest, "mallory": mallory}.items():
            (downloads / student).mkdir(parents=True)
            nbformat.write(nb, downloads / student / f"{CH1}.ipynb")
        assert cli.main(["--course-dir", str(root), "collect", CH1, "--from-dir", str(downloads)]) == 0
        assert cli.main(["--course-dir", str(root), "grade", CH1]) == 0
        assert cli.main(["--course-dir", str(root), "feedback", CH1]) == 0
        report = class_report.write_report(CH1, root)
        result = similarity.similarity(CH1, root)
        matches = similarity.write_report(result, similarity.default_report_path(CH1, root))
    return {
        "feedback": root / "feedback" / "mallory" / CH1 / f"{CH1}.html",
        "class report": report,
        "similarity": matches,
    }


@pytest.mark.parametrize("page", ["feedback", "class report", "similarity"])
def test_no_script_runs_and_nothing_is_fetched(pages, page):
    import browser

    path = pages[page]
    text = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert str(soup.head.find(True)) == BeautifulSoup(inert_html.META, "html.parser").meta.decode(), page
    assert inert_html.is_inert(text)
    # The payloads are there as text (escaped), never as markup.
    assert not [
        (e.name, a)
        for e in soup.find_all(True)
        for a, v in e.attrs.items()
        if a.lower().startswith("on") or "javascript:" in str(v).lower()
    ]
    with browser.visit(path) as seen:
        links = seen.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
        for index, href in enumerate(links):
            if href.startswith("javascript"):
                seen.page.locator("a").nth(index).click()
        mark = seen.page.evaluate("() => window.PWNED === undefined ? null : String(window.PWNED)")
        frames = len(seen.page.frames)
    assert mark is None, (page, mark)
    assert frames == 1
    # Nothing leaves the page: whatever a payload asks for is blocked by the policy, not fetched.
    assert seen.requests[0] == path.as_uri()
    assert all(failure.endswith("(csp)") for failure in seen.failed), seen.failed
    assert len(seen.failed) == len(seen.requests) - 1, (seen.requests, seen.failed)


def test_the_feedback_still_shows_what_the_student_wrote_as_text(pages):
    """Sanitising keeps the student's words: the notes' heading and the exception's message, as text."""
    soup = BeautifulSoup(pages["feedback"].read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text() for h in soup.find_all("h2") if h.get_text().startswith("My notes")]
    assert "raised ValueError" in soup.get_text() and "window.PWNED" in soup.get_text()


GOOD_HEAD = f"<!DOCTYPE html><html><head>{inert_html.META}<title>t</title>"


@pytest.mark.parametrize(
    "page, inert",
    [
        (GOOD_HEAD + '<link rel="icon" href="data:image/png;base64,AA"></head><body><p>ok</p></body></html>', True),
        (GOOD_HEAD + "</head><body><p onclick='x()'>hi</p></body></html>", False),
        (GOOD_HEAD + "</head><body><svg><circle OnLoad='x()'/></svg></body></html>", False),
        (GOOD_HEAD + "</head><body><scRIPT>x()</script></body></html>", False),
        (GOOD_HEAD + "</head><body><form></form></body></html>", False),
        (GOOD_HEAD + '<link rel="stylesheet" href="https://example.com/a.css"></head><body></body></html>', False),
        (GOOD_HEAD + '<link rel="stylesheet"></head><body></body></html>', False),
        ("<html><head><title>t</title>" + inert_html.META + "</head><body></body></html>", False),  # not first
        ("<html><head></head><body>" + inert_html.META + "</body></html>", False),  # not in the head
        ("<html><body><p>no head</p></body></html>", False),
        (GOOD_HEAD.replace("'none'; base-uri", "'self'; base-uri") + "</head><body></body></html>", False),
    ],
    ids=[
        "inert",
        "handler",
        "mixed-case handler",
        "script",
        "form",
        "fetched stylesheet",
        "link without href",
        "policy not first",
        "policy outside the head",
        "no head",
        "weaker policy",
    ],
)
def test_the_last_check_of_a_page_finds_whatever_could_act(page, inert):
    """What feedback runs on every page it writes before keeping it (a page that fails is deleted)."""
    assert inert_html.is_inert(page) is inert

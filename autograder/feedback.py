"""Feedback a student can read anywhere: nbgrader's feedback page, finished for this course.

nbgrader's ``generate_feedback`` writes ``feedback/<student>/<chapter>/<chapter>.html``;
:func:`polish_hook` (its ``post_convert_hook``, set in ``nbgrader_config.py``,
so ``nnfs-grade feedback`` and the stock command agree) then

* turns the math into MathML (``latex2mathml``), which browsers draw without
  a script: the page reads the same offline and in an LMS's preview, where
  nbgrader's MathJax from a CDN leaves raw ``$…$``; the MathJax scripts go;
* names the exercises in the score index (nbgrader writes "Test cell" for
  each) and leaves out the setup cell, which is worth nothing;
* puts a summary at the top: per exercise, the score, the first failed
  check and the hint for it, read from the autograded notebook
  (:mod:`autograder.hidden_reports`);
* replaces paths of the grading machine (the course folder, the Python
  environment, temporary folders) by ``…``;
* makes the page inert (:mod:`autograder.inert_html`): the student's markdown
  and HTML outputs are sanitised; scripts, event handlers, frames and the
  like go, and a Content-Security-Policy that forbids every script comes
  first in the page.
"""

import html
import re
import sys
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, NavigableString

from . import hidden_reports, inert_html

#: Display math first, then inline math; a ``$`` escaped as ``\$`` is text.
MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$]+?)(?<!\\)\$", re.S)
NOT_TEXT = ("script", "style", "code", "pre", "math", "textarea")


def _mathml(tex, display):
    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display=display)
    except Exception:  # noqa: BLE001 - a formula it cannot read stays as written
        return None


def convert_math(soup):
    """Replace ``$…$`` and ``$$…$$`` in the page's text by MathML; return how many were converted."""
    count = 0
    for text in list(soup.find_all(string=MATH)):
        if not isinstance(text, NavigableString) or any(p.name in NOT_TEXT for p in text.parents):
            continue
        pieces, last = [], 0
        for match in MATH.finditer(text):
            block = match.group("block") is not None
            markup = _mathml(match.group("block") if block else match.group("inline"), "block" if block else "inline")
            if markup is None:
                continue
            pieces.append(html.escape(text[last:match.start()]))
            pieces.append(markup)
            last = match.end()
            count += 1
        if pieces:
            pieces.append(html.escape(text[last:]))
            text.replace_with(BeautifulSoup("".join(pieces), "html.parser"))
    return count


def drop_mathjax(soup):
    """Remove nbgrader's MathJax (a script from a CDN, its configuration and their comments)."""
    from bs4 import Comment

    for script in soup.find_all("script"):
        if "mathjax" in (script.get("src") or "").lower() or "mathjax" in (script.get("type") or "").lower():
            script.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment) and "mathjax" in text.lower()):
        comment.extract()


def name_exercises(soup):
    """The score index: one entry per exercise, named; no setup cell, no empty comment entries."""
    toc = soup.find(id="toc")
    if toc is None:
        return
    for link in toc.find_all("a"):
        target = (link.get("href") or "").lstrip("#")
        item = link.find_parent("li")
        if item is None:
            continue
        if target == "setup" or target.startswith("comment-"):
            item.decompose()
        elif target.endswith("_hidden"):
            link.string = target[: -len("_hidden")]


def summary_table(soup, reports):
    """A table of each exercise's score, first failed check and hint, for the top of the page."""
    rows = []
    for name, report in reports.items():
        score = "–" if report.score is None else f"{report.score:g}"
        points = "" if report.points is None else f" / {report.points:g}"
        if report.scored_zero:
            first, hint = report.scored_zero, ""
        elif report.failures:
            failure = report.failures[0]
            first, hint = f"{failure.case}: {failure.problem}", failure.hint or ""
        else:
            first, hint = "all checks passed", ""
        rows.append((name, score + points, first, hint))
    table = soup.new_tag("table", attrs={"class": "table table-condensed nnfs-summary"})
    head = soup.new_tag("tr")
    for title in ("exercise", "score", "first failed check", "hint"):
        cell = soup.new_tag("th")
        cell.string = title
        head.append(cell)
    table.append(head)
    for values in rows:
        row = soup.new_tag("tr")
        for value in values:
            cell = soup.new_tag("td")
            cell.string = value[:400]
            row.append(cell)
        table.append(row)
    return table


def hide_machine_paths(text, roots):
    """``text`` with the grading machine's folders (longer than ``/x``) replaced by ``…``."""
    for root in sorted({str(r).rstrip("/") for r in roots if r}, key=len, reverse=True):
        if len(root) > 2:
            text = text.replace(root, "…")
    return re.sub(r"/tmp/nnfs-[\w.-]+", "…", text)


def polish(html_path, graded_notebook, roots=()):
    """Finish one feedback page in place (see the module's docstring)."""
    path = Path(html_path)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    inert_html.sanitize_notebook_html(soup)
    drop_mathjax(soup)
    convert_math(soup)
    name_exercises(soup)
    reports = hidden_reports.notebook_reports(nbformat.read(graded_notebook, as_version=4))
    if reports:
        box = soup.new_tag("div", attrs={"class": "panel-body nnfs-summary-box"})
        title = soup.new_tag("p")
        title.string = "Your exercises at a glance (details below, after each exercise):"
        box.append(title)
        box.append(summary_table(soup, reports))
        toc = soup.find(id="toc")
        (toc.insert_after(box) if toc is not None else soup.body.insert(0, box))
    from .course import ROOT

    inert_html.make_inert(soup)
    machine = list(roots) + [ROOT, sys.prefix, sys.base_prefix, Path.home()]
    path.write_text(hide_machine_paths(str(soup), machine), encoding="utf-8")


def polish_hook(assignment=None, student=None, notebooks=(), **_):
    """``GenerateFeedback.post_convert_hook``: polish the feedback of ``student`` for ``assignment``."""
    for notebook in notebooks:
        graded = Path(notebook)
        root = graded.parents[3]  # <root>/autograded/<student>/<assignment>/<notebook>.ipynb
        page = root / "feedback" / str(student) / str(assignment) / f"{graded.stem}.html"
        if page.is_file():
            polish(page, graded, roots=[root, root.resolve()])

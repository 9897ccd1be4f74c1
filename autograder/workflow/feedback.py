"""Feedback a student can read anywhere: nbgrader's feedback page, finished for this course.

nbgrader's ``generate_feedback`` writes ``feedback/<student>/<chapter>/<chapter>.html``;
:func:`polish_hook` (its ``post_convert_hook``, set in ``nbgrader_config.py``,
so ``nnfs-grade feedback`` and the stock command agree) then

* turns the math into MathML (``latex2mathml``), which browsers draw without
  a script: the page reads the same offline and in an LMS's preview, where
  nbgrader's MathJax from a CDN leaves raw ``$…$``; the MathJax scripts go;
* names the exercises in the score index (nbgrader writes "Test cell" for
  each) and leaves out the setup cell, which is worth nothing;
* puts a summary at the top, headed with the student's name and id: per
  exercise, the score as the page shows it (the gradebook's, so a score a
  person set counts, marked with their comment and what the grader gave),
  the first failed check and the hint for it, read from the autograded
  notebook (:mod:`autograder.reports.hidden_reports`);
* replaces paths of the grading machine (the course folder, the Python
  environment, temporary folders) by ``…``;
* makes the page inert (:mod:`autograder.reports.inert_html`): the student's markdown
  and HTML outputs are sanitised; scripts, event handlers, frames and the
  like go, and a Content-Security-Policy that forbids every script comes
  first in the page.
"""

import functools
import html
import re
import sys
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, NavigableString

from autograder.reports import hidden_reports, inert_html

#: Display math first, then inline math; a ``$`` escaped as ``\$`` is text.
MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$]+?)(?<!\\)\$", re.S)
NOT_TEXT = ("script", "style", "code", "pre", "math", "textarea")
#: nbgrader's score index: "(Score: 1.5 / 2.0)".
SCORE = re.compile(r"\(Score:\s*(-?[0-9.]+)\s*/\s*([0-9.]+)\)")


@functools.lru_cache(maxsize=4096)  # every student's page has the chapter's formulas: convert each once
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
            pieces.append(html.escape(text[last : match.start()]))
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


def page_scores(soup):
    """``{grade id: (score, points)}`` as the page shows them: nbgrader wrote them from the gradebook.

    They include every score a person set (``nnfs-grade override``, nbgrader's
    formgrader), which the autograded notebook's reports do not know about.
    """
    scores = {}
    toc = soup.find(id="toc")
    for link in toc.find_all("a") if toc is not None else []:
        item = link.find_parent("li")
        found = SCORE.search(item.get_text(" ")) if item is not None else None
        if found:
            scores[(link.get("href") or "").lstrip("#")] = (float(found.group(1)), float(found.group(2)))
    return scores


def page_comments(soup):
    """``{exercise: comment}``: what a person wrote under an answer (nbgrader's "Comments:" footer).

    The score index links each comment (``#comment-<exercise>``): only those anchors are looked up.
    """
    comments = {}
    toc = soup.find(id="toc")
    for link in toc.find_all("a", href=re.compile(r"^#comment-")) if toc is not None else []:
        name = link["href"][len("#comment-") :]
        anchor = soup.find("a", attrs={"name": f"comment-{name}"})
        panel = anchor.find_parent("div", class_="nbgrader_cell") if anchor is not None else None
        footer = panel.find("div", class_="panel-footer") if panel is not None else None
        if footer is not None:
            comments[name] = footer.get_text(" ", strip=True).removeprefix("Comments:").strip()
    return comments


def summary_table(soup, reports, scores=None, comments=None):
    """A table of each exercise's score, first failed check and hint, for the top of the page.

    The score is the page's own (``scores``, from the gradebook); where a person
    changed it or commented, the row says so, with their comment and what the
    grader gave.
    """
    scores, comments = scores or {}, comments or {}
    rows = []
    for name, report in reports.items():
        score, points = scores.get(f"{name}_hidden", (report.score, report.points))
        shown = "–" if score is None else f"{score:g}"
        shown += "" if points is None else f" / {points:g}"
        if report.scored_zero:
            first, hint = report.scored_zero, ""
        elif report.failures:
            failure = report.failures[0]
            first, hint = f"{failure.case}: {failure.problem}", failure.hint or ""
        else:
            first, hint = "all checks passed", ""
        changed = score is not None and report.score is not None and abs(score - report.score) > 1e-9
        if changed or comments.get(name):
            grader = "–" if report.score is None else f"{report.score:g}"
            first = (
                (f"set by your instructor (the grader gave {grader}): " if changed else "your instructor's comment: ")
                + (comments.get(name) or "see below")
                + "; grader: "
                + first
            )
        rows.append((name, shown, first, hint))
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


def polish(html_path, graded_notebook, roots=(), student=None):
    """Finish one feedback page in place (see the module's docstring); ``student``: whose, as the page names them."""
    path = Path(html_path)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    inert_html.sanitize_notebook_html(soup)
    drop_mathjax(soup)
    convert_math(soup)
    scores, comments = page_scores(soup), page_comments(soup)
    name_exercises(soup)
    reports = hidden_reports.notebook_reports(nbformat.read(graded_notebook, as_version=4))
    if reports:
        box = soup.new_tag("div", attrs={"class": "panel-body nnfs-summary-box"})
        if student:
            whose = soup.new_tag("p", attrs={"class": "nnfs-student"})
            whose.string = f"Feedback for {student}"
            box.append(whose)
        title = soup.new_tag("p")
        title.string = "Your exercises at a glance (details below, after each exercise):"
        box.append(title)
        box.append(summary_table(soup, reports, scores, comments))
        toc = soup.find(id="toc")
        (toc.insert_after(box) if toc is not None else soup.body.insert(0, box))
    from autograder.course import ROOT

    inert_html.make_inert(soup)
    machine = list(roots) + [ROOT, sys.prefix, sys.base_prefix, Path.home()]
    path.write_text(hide_machine_paths(str(soup), machine), encoding="utf-8")


def polish_hook(assignment=None, student=None, notebooks=(), **_):
    """``GenerateFeedback.post_convert_hook``: polish the feedback pages of ``notebooks``.

    Whose and which chapter come from each notebook's path: nbgrader passes
    ``student="*"`` when it writes a whole class at once.
    """
    from autograder.workflow.roster import Roster

    for notebook in notebooks:
        graded = Path(notebook)
        root = graded.parents[3]  # <root>/autograded/<student>/<assignment>/<notebook>.ipynb
        student, assignment = graded.parents[1].name, graded.parent.name
        page = root / "feedback" / student / assignment / f"{graded.stem}.html"
        if page.is_file():
            polish(page, graded, roots=[root, root.resolve()], student=Roster.load(root).label(student, assignment))

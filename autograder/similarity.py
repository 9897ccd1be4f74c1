"""Similarity: which students' code for a chapter is alike, as a static HTML report.

What is compared is what students wrote: every exercise cell (nbgrader
``solution``) and every other code cell that is not the release's own
(added cells, and release cells a student edited). Locked cells and release
cells left as they were are not compared; they are the same for everyone.

The comparison is copydetect's (https://github.com/blingenf/copydetect), the
winnowing method of MOSS: the code is tokenised by Pygments, every name
becomes ``V`` (function names ``F``), string contents ``S``, comments and
whitespace are dropped; then every run of ``noise`` characters of that
normalised text is hashed. So renamed variables, changed comments or layout
and functions or lines moved around do not hide shared code. Everything the
release gives students (the exercise stubs with their signatures and
docstrings, the locked and demonstration cells) is copydetect's
*boilerplate*: runs found in it never count. An exercise's signature and
docstring are also blanked out of the student's text, so that no run reaches
across them from one answer into the next.

A pair's score for student A is the share of A's normalised code (outside
the boilerplate) that also occurs in B's; the report ranks pairs by the
larger of the two shares. It is evidence to look at, never a verdict.
"""

import datetime
import html
import io
import itertools
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import nbformat
import numpy as np

from . import inert_html
from .collect import notebook_problem
from .course import ROOT, notebook_name

#: copydetect's noise threshold: the shortest run of normalised code (in characters, after
#: names became V and layout was dropped) that counts as shared. ``x = np.sum(a ** 2)`` is
#: ``V=V.V(V**2)``, 11 characters; 25 is about two short lines.
NOISE = 25
#: Pairs scoring at least this are marked in the report as worth a look.
LOOK_AT = 0.5
#: How many pairs the report shows side by side by default.
TOP = 10


@dataclass
class Cell:
    label: str
    source: str
    grade_id: str = None  # the exercise, for exercise cells
    released_head: int = 0  # how many first lines are the release's (an exercise's def and docstring)
    first_line: int = 0  # 0-based line of the student's document where the cell starts

    @property
    def lines(self):
        return self.source.rstrip("\n").split("\n")

    @property
    def text(self):
        """What is fingerprinted: the source with its released head blanked out.

        Blanks keep every character where it was (so matches map back to the
        source) and are ignored by copydetect. Without this, a run through an
        exercise's signature and docstring, which every student has, would
        join the end of one answer to the start of the next, and unrelated
        answers could match on a few characters each side of it.
        """
        return "\n".join(" " * len(line) if number < self.released_head else line
                         for number, line in enumerate(self.lines))


@dataclass
class Student:
    student: str
    cells: list
    text: str = ""
    fingerprint: object = None


@dataclass
class Pair:
    a: str
    b: str
    score_a: float  # share of a's code also in b's
    score_b: float
    overlap: int  # normalised characters of a's code that match
    slices_a: np.ndarray = field(repr=False, default=None)
    slices_b: np.ndarray = field(repr=False, default=None)

    @property
    def score(self):
        return max(self.score_a, self.score_b)


@dataclass
class SimilarityResult:
    chapter: str
    students: dict  # id -> Student, those compared
    pairs: list  # every pair, most similar first
    not_compared: list  # (student, reason)
    nothing_written: list  # compared, but no code of their own as long as the noise threshold
    noise: int = NOISE
    release_lines: dict = field(default_factory=dict, repr=False)
    labels: dict = field(default_factory=dict)  # id -> "Name (id)" as the roster names the student

    def who(self, student):
        return self.labels.get(student, student)

    def lines(self, top=TOP):
        """The summary printed by ``nnfs-grade similarity``."""
        look = sum(p.score >= LOOK_AT for p in self.pairs)
        out = [f"Similarity of {self.chapter}: {len(self.students)} notebooks compared, "
               f"{len(self.pairs)} pairs, {look} scoring {LOOK_AT:.2f} or more"]
        for rank, pair in enumerate(self.pairs[:top], 1):
            mark = "  <- worth a look" if pair.score >= LOOK_AT else ""
            out.append(f"{rank:3d}. {self.who(pair.a)} / {self.who(pair.b)}: {pair.score_a:.2f} / "
                       f"{pair.score_b:.2f}{mark}")
        out += [f"not compared: {self.who(student)}: {reason}" for student, reason in self.not_compared]
        out += [f"nothing to compare: {self.who(student)}: no code of their own beyond the release "
                f"(none, or under {self.noise} normalised characters)" for student in self.nothing_written]
        return out


def _normal(source):
    """Source with trailing blanks and blank edges removed, for telling release cells apart."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


#: The line of an exercise stub where the student's part starts (nbgrader writes it).
STUB_MARK = "# YOUR CODE HERE"


def _released_heads(release_nb):
    """Per exercise: the stub's lines before the student's part (the def and the docstring)."""
    heads = {}
    for cell in release_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            lines = [line.rstrip() for line in cell.source.split("\n")]
            end = next((i for i, line in enumerate(lines) if line.strip() == STUB_MARK), 0)
            heads[meta.get("grade_id")] = lines[:end]
    return heads


def _head_length(source, head):
    """How many first lines of ``source`` are, apart from trailing blanks, ``head``'s."""
    count = 0
    for line, given in zip(source.split("\n"), head):
        if line.rstrip() != given:
            break
        count += 1
    return count


def written_cells(nb, release_nb):
    """The code cells of ``nb`` a student wrote, as :class:`Cell` objects in notebook order.

    Exercise cells always; locked cells never; any other code cell unless it
    is, apart from blank space, one of the release's code cells. A cell that
    starts like an exercise stub (an exercise cell whose nbgrader metadata an
    editor dropped, a copy of a stub) has that start blanked too.
    """
    heads = _released_heads(release_nb)
    given = {_normal(c.source) for c in release_nb.cells if c.cell_type == "code"}
    release_ids = {c.get("id") for c in release_nb.cells} - {None}
    cells = []
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            name = meta.get("grade_id")
            head = _head_length(cell.source, heads.get(name, []))
            cells.append(Cell(f"exercise {name}", cell.source, name, head))
        elif meta.get("locked") or _normal(cell.source) in given:
            continue
        else:
            kind = "a release cell, edited" if cell.get("id") in release_ids else "added"
            head, name = max(((_head_length(cell.source, lines), name) for name, lines in heads.items()),
                             default=(0, None))
            cells.append(Cell(f"cell {number} ({kind})", cell.source, name if head else None, head))
    return cells


def _document(cells):
    """The cells as one Python text (blank lines between); sets each cell's first line."""
    parts, line = [], 0
    for cell in cells:
        cell.first_line = line
        parts.append(cell.text)
        line += len(cell.lines) + 2
    return "\n\n\n".join(parts) + "\n"


def _fingerprint(name, text, noise, boilerplate=None):
    """copydetect's fingerprint of ``text``: every run of ``noise`` normalised characters
    (window 1: exact, and classes are small), runs in ``boilerplate`` left out."""
    # Imported here: copydetect loads Matplotlib, which the other commands need not wait for.
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    def fingerprint(hashes):
        return CodeFingerprint(f"{name}.py", noise, 1, boilerplate=hashes, language="python",
                               fp=io.StringIO(text))

    fp = fingerprint(boilerplate)
    if boilerplate is not None and len(boilerplate):
        # copydetect 0.5.0 removes boilerplate with np.intersect1d(assume_unique=True) on
        # hashes that are not unique, which also drops the first place of every run a file
        # holds twice. Its choice of hashes is right; their places come from the same
        # fingerprint taken without boilerplate.
        everywhere = fingerprint(None).hash_idx
        fp.hash_idx = {h: everywhere[h] for h in fp.hashes}
        fp.token_coverage = get_token_coverage(fp.hash_idx, noise, len(fp.filtered_code))
    return fp


def boilerplate_hashes(release_nb, noise=NOISE):
    """Every hash of the release's code: its exercise stubs as a student's document (so a
    notebook left blank matches nothing), and each of its code cells on its own."""
    texts = [_document(written_cells(release_nb, release_nb))]
    texts += [c.source for c in release_nb.cells if c.cell_type == "code"]
    hashes = set()
    for number, text in enumerate(texts):
        hashes |= _fingerprint(f"release-{number}", text, noise).hashes
    return np.unique(np.array(sorted(hashes), dtype=np.int64))


def read_release(chapter, root=ROOT):
    path = Path(root) / "release" / chapter / notebook_name(chapter)
    if not path.is_file():
        raise SystemExit(f"error: no release of {chapter} at {path}; run `nnfs-grade release {chapter}` first")
    return nbformat.read(path, as_version=4)


def read_submissions(chapter, release_nb, root=ROOT):
    """``(students, not_compared)``: a :class:`Student` per readable notebook, and
    ``(student, reason)`` for every student folder without a usable one."""
    base = Path(root) / "submitted"
    folders = sorted(d for d in base.iterdir() if d.is_dir() and not d.name.startswith(".")) if base.is_dir() else []
    students, not_compared = {}, []
    for folder in folders:
        path = folder / chapter / notebook_name(chapter)
        if not path.is_file():
            reason = (f"no {notebook_name(chapter)} in its {chapter} folder" if (folder / chapter).is_dir()
                      else f"no submission for {chapter}")
            not_compared.append((folder.name, reason))
            continue
        data = path.read_bytes()
        problem = notebook_problem(data)
        if problem:
            not_compared.append((folder.name, problem))
            continue
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        students[folder.name] = Student(folder.name, written_cells(nb, release_nb))
    return students, not_compared


def compare(students, release_nb, noise=NOISE):
    """Fingerprint every student (release code as boilerplate); every pair, most similar first."""
    from copydetect import compare_files

    boilerplate = boilerplate_hashes(release_nb, noise)
    for s in students.values():
        s.text = _document(s.cells)
        s.fingerprint = _fingerprint(s.student, s.text, noise, boilerplate)
    pairs = []
    for a, b in itertools.combinations(sorted(students), 2):
        overlap, (score_a, score_b), (slices_a, slices_b) = compare_files(
            students[a].fingerprint, students[b].fingerprint)
        pairs.append(Pair(a, b, float(score_a), float(score_b), int(overlap), slices_a, slices_b))
    pairs.sort(key=lambda p: (-p.score, -min(p.score_a, p.score_b), p.a, p.b))
    return pairs


def similarity(chapter, root=ROOT, noise=NOISE):
    """Compare every submission of ``chapter``: a :class:`SimilarityResult`."""
    release_nb = read_release(chapter, root)
    students, not_compared = read_submissions(chapter, release_nb, root)
    pairs = compare(students, release_nb, noise)
    nothing = sorted(s.student for s in students.values() if not s.fingerprint.hashes)
    release_lines = {}  # grade_id (None: any release cell) -> its stripped code lines
    for c in release_nb.cells:
        if c.cell_type == "code":
            lines = {line.strip() for line in c.source.splitlines() if line.strip()}
            release_lines.setdefault(None, set()).update(lines)
            if c.metadata.get("nbgrader", {}).get("solution"):
                release_lines[c.metadata["nbgrader"].get("grade_id")] = lines
    from .roster import Roster

    roster = Roster.load(root)
    labels = {s: roster.label(s, chapter) for s in list(students) + [s for s, _ in not_compared]}
    return SimilarityResult(chapter, students, pairs, not_compared, nothing, noise, release_lines, labels)


# ----------------------------------------------------------------------------------------
# The report


def _marked_lines(text, slices):
    """Per line of ``text``: ``(html, matched)`` with the matched characters in ``<mark>``."""
    marked = np.zeros(len(text), dtype=bool)
    if slices is not None and len(slices) and np.size(slices):
        for start, end in np.asarray(slices, dtype=np.int64).T:
            marked[max(start, 0):max(end, 0)] = True
    out, pos = [], 0
    for line in text.split("\n"):
        flags = marked[pos:pos + len(line)].copy()
        flags[:len(line) - len(line.lstrip())] = False  # indentation is never marked
        pieces = []
        for on, group in itertools.groupby(range(len(line)), key=lambda i: bool(flags[i])):
            idx = list(group)
            chunk = html.escape(line[idx[0]:idx[-1] + 1])
            pieces.append(f"<mark>{chunk}</mark>" if on else chunk)
        matched = any(flags[i] and not line[i].isspace() for i in range(len(line)))
        out.append(("".join(pieces), matched))
        pos += len(line) + 1
    return out


def _fold(count):
    return f'<span class="fold">     … {count} line{"s" * (count > 1)} as released …</span>'


def _side(student, slices, release_lines):
    """One column of a pair: each cell with a match, its matched characters marked.

    Lines the release gave (an exercise's docstring) are folded, apart from a
    cell's first line (the ``def``), which is shown unmarked: a match that
    starts in the student's code can reach into them, but they are no one's work.
    """
    lines = _marked_lines(student.text, slices)
    shown, quiet = [], []
    for cell in student.cells:
        given = release_lines.get(cell.grade_id, release_lines.get(None, set()))
        raw = cell.lines
        own = lines[cell.first_line:cell.first_line + len(raw)]
        released = [line.strip() in given for line in raw]
        if not any(matched and not rel for (_, matched), rel in zip(own, released)):
            quiet.append(cell.label)
            continue
        rows, folded = [], 0
        for offset, ((text, matched), source, rel) in enumerate(zip(own, raw, released)):
            number = cell.first_line + offset + 1
            if offset > 0 and (rel or (folded and not source.strip())):
                folded += 1  # a released line, or a blank line inside released ones
                continue
            if folded:
                rows.append(_fold(folded))
                folded = 0
            if rel:
                text, matched = html.escape(source), False
            cls = "line hit" if matched else "line"
            rows.append(f'<span class="{cls}"><span class="no">{number:4d}</span> {text}</span>')
        if folded:
            rows.append(_fold(folded))
        shown.append(f'<div class="cell"><div class="label">{html.escape(cell.label)}</div>'
                     f'<pre>{"".join(rows)}</pre></div>')
    if quiet:
        shown.append(f'<p class="quiet">No match in: {html.escape(", ".join(quiet))}.</p>')
    return "\n".join(shown)


CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em;
       color: #1b1b1b; background: #fff; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; } h3 { margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0; }
th, td { border: 1px solid #c8c8c8; padding: .25em .6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.look td { background: #fff1d6; }
.explain { background: #f3f6fa; border-left: 4px solid #3a6ea5; padding: .4em 1em; max-width: 70em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.pair > div { min-width: 0; }
.cell { margin: .4em 0 .8em; }
.label { font-weight: 600; font-size: .9em; color: #3a3a3a; }
pre { margin: .2em 0; padding: .4em; background: #fafafa; border: 1px solid #ddd; overflow-x: auto;
      font: 13px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
.line { display: block; white-space: pre; }
.line.hit { background: #fff6c2; }
mark { background: #ffd24d; color: inherit; }
.no { color: #888; user-select: none; }
.fold { display: block; color: #777; font-style: italic; }
.quiet { color: #555; font-size: .9em; }
"""


def report_html(result, top=TOP, when=None):
    """The whole report as one self-contained HTML page (no scripts, no outside files)."""
    when = when or datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    esc = html.escape

    def whose(student):
        return esc(result.who(student))

    top = max(top, 0)
    listed = result.pairs[:top] + [p for p in result.pairs[top:] if p.score >= LOOK_AT]
    detailed = listed[:top]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head>', inert_html.META, '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>Similarity report: {esc(result.chapter)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Similarity report: {esc(result.chapter)}</h1>",
        f"<p>{len(result.students)} notebooks compared, {len(result.pairs)} pairs; made {esc(when)} "
        f"with copydetect {esc(version('copydetect'))} (noise threshold {result.noise}).</p>",
        '<div class="explain" id="how-to-read">',
        "<p><strong>What is compared.</strong> Each student's exercise cells and the code cells "
        "they added or edited. The code the release gives everyone (the exercise stubs with "
        "their signatures and docstrings, the locked test cells, the demonstration cells) never "
        "counts as shared.</p>",
        "<p><strong>What a score means.</strong> The code is normalised first: every name becomes "
        "the same placeholder, comments, blank space and the contents of strings are dropped. A "
        f"run of at least {result.noise} characters of that normalised code found in both "
        "notebooks is a match, wherever it is, so renamed variables and functions or lines in "
        "another order still match. The score of student A in a pair is the share of A's "
        "normalised code that is matched in B's notebook: 0 means nothing shared, 1 means all "
        "of A's code is also in B's. The two shares differ when one student wrote more. "
        f"Pairs are ranked by the larger share; {LOOK_AT:.2f} or more is marked as worth a look.</p>",
        "<p><strong>Similarity is evidence to look at, not a verdict.</strong> Short exercises "
        "have few natural solutions, so independent students can share a line or two; help "
        "given openly, a study group or the course's own examples look alike too. Read the "
        "matching lines below, then talk with the students before drawing any conclusion. A low "
        "score is no clearance either: only this class's notebooks are compared, rewritten logic "
        "is not found, and one copied exercise in a notebook otherwise the student's own gives a "
        "low share (its cell still shows in that pair's matching lines).</p>",
        "</div>",
        "<h2>Most similar pairs</h2>",
    ]
    if listed:
        parts.append("<table><tr><th>#</th><th>student A</th><th>student B</th><th>share of A in B</th>"
                     "<th>share of B in A</th><th>matched characters of A (normalised)</th></tr>")
        for rank, p in enumerate(listed, 1):
            cls = ' class="look"' if p.score >= LOOK_AT else ""
            name = f'<a href="#pair-{rank}">{whose(p.a)}</a>' if rank <= top else whose(p.a)
            parts.append(f'<tr{cls}><td class="num">{rank}</td><td>{name}</td>'
                         f'<td>{whose(p.b)}</td><td class="num">{p.score_a:.2f}</td>'
                         f'<td class="num">{p.score_b:.2f}</td><td class="num">{p.overlap}</td></tr>')
        parts.append("</table>")
        if len(listed) > top:
            parts.append(f"<p>Pairs {top + 1} to {len(listed)} score {LOOK_AT:.2f} or more too; "
                         f"run with <code>--top {len(listed)}</code> to see them side by side.</p>")
    else:
        parts.append("<p>Fewer than two notebooks to compare.</p>")
    best = {}
    for p in result.pairs:
        for me, other, score in ((p.a, p.b, p.score_a), (p.b, p.a, p.score_b)):
            if me not in best or score > best[me][1]:
                best[me] = (other, score)
    if best:
        parts.append("<h2>Each student's closest match</h2><table><tr><th>student</th><th>closest</th>"
                     "<th>share of the student's code found there</th></tr>")
        for me, (other, score) in sorted(best.items(), key=lambda kv: (-kv[1][1], kv[0])):
            other = whose(other) if score > 0 else "(no one: nothing shared)"
            parts.append(f'<tr><td>{whose(me)}</td><td>{other}</td><td class="num">{score:.2f}</td></tr>')
        parts.append("</table>")
    parts.append('<h2 id="not-compared">Not compared</h2>')
    if result.not_compared or result.nothing_written:
        parts.append("<ul>")
        parts += [f"<li><strong>{whose(s)}</strong>: {esc(reason)}</li>" for s, reason in result.not_compared]
        parts += [f"<li><strong>{whose(s)}</strong>: compared, but there is nothing to compare: the "
                  "notebook holds no code of the student's own beyond the release (none, or under "
                  f"{result.noise} normalised characters), so it matches no one</li>"
                  for s in result.nothing_written]
        parts.append("</ul>")
    else:
        parts.append("<p>Every student folder held a readable notebook with code of its own.</p>")
    parts.append("<h2>Matching lines, side by side</h2>")
    for rank, p in enumerate(detailed, 1):
        a, b = result.students[p.a], result.students[p.b]
        parts.append(f'<section id="pair-{rank}" class="pair-section"><h3>{rank}. {whose(p.a)} and {whose(p.b)}: '
                     f'{p.score_a:.2f} / {p.score_b:.2f}</h3>')
        if not p.overlap:
            parts.append("<p>No matching code.</p></section>")
            continue
        parts.append('<div class="pair">')
        for who, student, slices in ((p.a, a, p.slices_a), (p.b, b, p.slices_b)):
            parts.append(f'<div class="side" data-student="{esc(who)}"><h4>{whose(who)}</h4>'
                         f"{_side(student, slices, result.release_lines)}</div>")
        parts.append("</div></section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(result, path, top=TOP):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(result, top), encoding="utf-8")
    return path


def default_report_path(chapter, root=ROOT):
    return Path(root) / "reports" / f"{chapter}-similarity.html"

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
import io
import itertools
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import nbformat
import numpy as np

from autograder.course import ROOT, notebook_name
from autograder.reports import pages
from autograder.workflow.collect import notebook_problem

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
        return "\n".join(
            " " * len(line) if number < self.released_head else line for number, line in enumerate(self.lines)
        )


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
        out = [
            f"Similarity of {self.chapter}: {len(self.students)} notebooks compared, "
            f"{len(self.pairs)} pairs, {look} scoring {LOOK_AT:.2f} or more"
        ]
        for rank, pair in enumerate(self.pairs[:top], 1):
            mark = "  <- worth a look" if pair.score >= LOOK_AT else ""
            out.append(
                f"{rank:3d}. {self.who(pair.a)} / {self.who(pair.b)}: {pair.score_a:.2f} / {pair.score_b:.2f}{mark}"
            )
        out += [f"not compared: {self.who(student)}: {reason}" for student, reason in self.not_compared]
        out += [
            f"nothing to compare: {self.who(student)}: no code of their own beyond the release "
            f"(none, or under {self.noise} normalised characters)"
            for student in self.nothing_written
        ]
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
            head, name = max(
                ((_head_length(cell.source, lines), name) for name, lines in heads.items()), default=(0, None)
            )
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
        return CodeFingerprint(f"{name}.py", noise, 1, boilerplate=hashes, language="python", fp=io.StringIO(text))

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
            reason = (
                f"no {notebook_name(chapter)} in its {chapter} folder"
                if (folder / chapter).is_dir()
                else f"no submission for {chapter}"
            )
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
            students[a].fingerprint, students[b].fingerprint
        )
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
    from autograder.workflow.roster import Roster

    roster = Roster.load(root)
    labels = {s: roster.label(s, chapter) for s in list(students) + [s for s, _ in not_compared]}
    return SimilarityResult(chapter, students, pairs, not_compared, nothing, noise, release_lines, labels)


# ----------------------------------------------------------------------------------------
# The report


def _marked_lines(text, slices):
    """Per line of ``text``: ``(pieces, matched)``, pieces ``(text, marked)`` with the matched characters marked."""
    marked = np.zeros(len(text), dtype=bool)
    if slices is not None and len(slices) and np.size(slices):
        for start, end in np.asarray(slices, dtype=np.int64).T:
            marked[max(start, 0) : max(end, 0)] = True
    out, pos = [], 0
    for line in text.split("\n"):
        flags = marked[pos : pos + len(line)].copy()
        flags[: len(line) - len(line.lstrip())] = False  # indentation is never marked
        pieces = []
        for on, group in itertools.groupby(range(len(line)), key=lambda i: bool(flags[i])):
            idx = list(group)
            pieces.append((line[idx[0] : idx[-1] + 1], on))
        matched = any(flags[i] and not line[i].isspace() for i in range(len(line)))
        out.append((pieces, matched))
        pos += len(line) + 1
    return out


def _side(student, slices, release_lines):
    """One column of a pair: ``(cells, quiet)``: each cell with a match as ``{"label", "rows"}``,
    and the labels of the cells without one.

    A row is ``{"fold": count}`` (lines as released, folded) or ``{"number", "pieces", "hit"}``.
    Lines the release gave (an exercise's docstring) are folded, apart from a
    cell's first line (the ``def``), which is shown unmarked: a match that
    starts in the student's code can reach into them, but they are no one's work.
    """
    lines = _marked_lines(student.text, slices)
    shown, quiet = [], []
    for cell in student.cells:
        given = release_lines.get(cell.grade_id, release_lines.get(None, set()))
        raw = cell.lines
        own = lines[cell.first_line : cell.first_line + len(raw)]
        released = [line.strip() in given for line in raw]
        if not any(matched and not rel for (_, matched), rel in zip(own, released)):
            quiet.append(cell.label)
            continue
        rows, folded = [], 0
        for offset, ((pieces, matched), source, rel) in enumerate(zip(own, raw, released)):
            if offset > 0 and (rel or (folded and not source.strip())):
                folded += 1  # a released line, or a blank line inside released ones
                continue
            if folded:
                rows.append({"fold": folded})
                folded = 0
            if rel:
                pieces, matched = [(source, False)], False
            rows.append({"number": cell.first_line + offset + 1, "pieces": pieces, "hit": matched})
        if folded:
            rows.append({"fold": folded})
        shown.append({"label": cell.label, "rows": rows})
    return shown, quiet


def report_html(result, top=TOP, when=None):
    """The whole report as one self-contained HTML page (``templates/similarity_report.html``)."""
    top = max(top, 0)
    listed = result.pairs[:top] + [p for p in result.pairs[top:] if p.score >= LOOK_AT]
    best = {}
    for p in result.pairs:
        for me, other, score in ((p.a, p.b, p.score_a), (p.b, p.a, p.score_b)):
            if me not in best or score > best[me][1]:
                best[me] = (other, score)
    closest = sorted(best.items(), key=lambda kv: (-kv[1][1], kv[0]))
    detailed = []
    for p in listed[:top]:
        sides = (
            [
                (who, *_side(result.students[who], slices, result.release_lines))
                for who, slices in ((p.a, p.slices_a), (p.b, p.slices_b))
            ]
            if p.overlap
            else []
        )
        detailed.append((p, sides))
    return pages.render(
        "similarity_report.html",
        result=result,
        who=result.who,
        listed=listed,
        top=top,
        closest=closest,
        detailed=detailed,
        LOOK_AT=LOOK_AT,
        when=when or datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        copydetect_version=version("copydetect"),
    )


def write_report(result, path, top=TOP):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(result, top), encoding="utf-8")
    return path


def default_report_path(chapter, root=ROOT):
    return Path(root) / "reports" / f"{chapter}-similarity.html"

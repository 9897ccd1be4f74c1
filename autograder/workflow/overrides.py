"""Manual review: a person sets an exercise's points, with a comment; listed, undone, kept by regrading.

    nnfs-grade override set CHAPTER STUDENT EXERCISE POINTS --comment "why"
    nnfs-grade override list [CHAPTER]
    nnfs-grade override undo CHAPTER STUDENT [EXERCISE]

An override is nbgrader's own manual grade: the exercise's hidden-test cell
gets a ``manual_score`` and the exercise's answer cell a ``manual_comment``,
exactly what nbgrader's formgrader writes when a person changes a score
there. So the two agree, and everything that reads scores reads the person's:
totals, exports, the feedback page (its table says "set by your instructor"
with the comment and what the grader gave), the class report (marked ✎). The
grader writes only automatic scores, so regrading keeps an override (its
note in ``grade`` says what the grader gives now); ``grade --drop-overrides``
removes those of the submissions it grades.
"""

from dataclasses import dataclass

from autograder.course import ROOT, nbgrader_gradebook
from autograder.workflow import gradebook
from autograder.workflow.roster import Roster


@dataclass
class Override:
    chapter: str
    student: str
    exercise: str
    auto: float
    score: float
    points: float
    comment: str = ""


class OverrideError(ValueError):
    """An override that cannot be made (the message says why and what to do)."""


def exercises(chapter):
    from autograder.judging.chapters import CHAPTERS

    return {e.name: float(e.points) for e in CHAPTERS.get(chapter, [])}


def find_student(root, chapter, text, known):
    """The student id ``text`` means: an id in ``known``, or a name matching exactly one of them."""
    if text in known:
        return text
    roster = Roster.load(root)
    needle = text.casefold()
    matches = [s for s in known if needle in roster.label(s, chapter).casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise OverrideError(
            f"{text!r} matches several students of {chapter}: "
            + ", ".join(roster.label(s, chapter) for s in matches)
            + "; give the id"
        )
    raise OverrideError(
        f"no graded submission of {chapter} by {text!r}; `nnfs-grade override list` and the class "
        "report show the students and their ids"
    )


def _submission(root, db_url, chapter, student):
    book = gradebook.read(root, db_url, [chapter])
    known = {s for (s, c) in book.submissions if c == chapter}
    student = find_student(root, chapter, student, known)
    return student, book.submissions[(student, chapter)]


def _write(root, db_url, chapter, student, changes):
    """``changes``: ``{exercise: (manual score or None, comment or None)}``, written with nbgrader's API."""
    with nbgrader_gradebook(root, db_url) as gb:
        for exercise, (score, comment) in changes.items():
            grade = gb.find_grade(f"{exercise}_hidden", chapter, chapter, student)
            grade.manual_score = score
            grade.needs_manual_grade = False
            gb.find_comment(exercise, chapter, chapter, student).manual_comment = comment
        gb.db.commit()


def set_override(chapter, student, exercise, points, comment, root=ROOT, db_url=None):
    """Give ``exercise`` of ``student``'s ``chapter`` ``points``, with ``comment``; return the :class:`Override`."""
    worth = exercises(chapter)
    if exercise not in worth:
        raise OverrideError(f"{chapter} has no exercise {exercise!r}; its exercises are: {', '.join(worth)}")
    if not 0 <= points <= worth[exercise]:
        raise OverrideError(
            f"{exercise} is worth {worth[exercise]:g} points: give a score from 0 to "
            f"{worth[exercise]:g}, not {points:g}"
        )
    if not (comment or "").strip():
        raise OverrideError(
            "say why with --comment: the student sees it on the feedback page, and it is the record of who changed what"
        )
    student, submission = _submission(root, db_url, chapter, student)
    _write(root, db_url, chapter, student, {exercise: (float(points), comment.strip())})
    grade = submission.exercise(exercise)
    return Override(chapter, student, exercise, grade.auto, float(points), worth[exercise], comment.strip())


def undo(chapter, student, exercise=None, root=ROOT, db_url=None):
    """Remove ``student``'s override of ``exercise`` (all of theirs in ``chapter`` if ``None``); return them."""
    student, submission = _submission(root, db_url, chapter, student)
    undone = [o for o in _overrides_of(submission) if exercise is None or o.exercise == exercise]
    if exercise is not None and not undone:
        raise OverrideError(f"{student} has no override of {exercise} in {chapter}")
    if undone:
        _write(root, db_url, chapter, student, {o.exercise: (None, None) for o in undone})
    return undone


def _overrides_of(submission):
    found = []
    for name in submission.changed:
        grade = submission.exercise(name)
        found.append(
            Override(
                submission.chapter,
                submission.student,
                name,
                grade.auto,
                grade.score,
                grade.points,
                submission.comments.get(name, ""),
            )
        )
    return found


def of_chapter(book, chapter):
    """``{student: {exercise: Override}}`` from a :class:`autograder.workflow.gradebook.Gradebook`."""
    return {
        student: {o.exercise: o for o in _overrides_of(sub)} for student, sub in book.of(chapter).items() if sub.changed
    }


def list_overrides(root=ROOT, db_url=None, chapter=None):
    book = gradebook.read(root, db_url, [chapter] if chapter else None)
    return [o for key in sorted(book.submissions) for o in _overrides_of(book.submissions[key])]


def describe(override, roster=None):
    """One line: who, which exercise, the person's score and the grader's, the comment."""
    who = roster.label(override.student, override.chapter) if roster else override.student
    auto = "not graded" if override.auto is None else f"{override.auto:g}"
    return (
        f"{override.chapter}  {who}  {override.exercise}: {override.score:g}/{override.points:g} "
        f"(grader: {auto}) — {override.comment}"
    )

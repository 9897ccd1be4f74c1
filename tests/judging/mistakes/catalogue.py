"""Shared checks of the per-chapter catalogues of mistakes (``test_<chapter>.py`` in this folder).

A chapter's catalogue has these lists:

- ``MISTAKES``: ``(exercise, source, hint)``, a wrong formula written as a
  student would write it. It must fail EVERY hidden case of the exercise
  (score exactly 0) and its report must show the hint: no hidden case may be
  so degenerate that the wrong formula passes it by accident.
- ``EDGE_SLIPS``: ``(exercise, source, hint, labels)``, a right formula that
  breaks a rule the exercise text states for an edge case only (ties, the
  kink at 0, overflow, integer truncation, no steps), or a convention
  checked in a case of its own (inputs never modified, randomness from the
  generator given). It must fail exactly the cases ``labels`` (nothing else)
  and show the hint.
- ``CORRECT``: ``(exercise, source)``, right answers written in another
  style than the reference (loops, ``einsum``, integer-preserving, in-place
  work on copies, other correct weights); each gets full marks.

Every check grades the source with several salts (:data:`SALTS`): the hidden
cases drawn on other random inputs, as the grader draws them per submission.
A case's claim must hold for any draw, so a wrong formula that passes a case
by chance for some draw, or a right one that fails, is caught here.

:func:`uncatalogued` lists the diagnoses of a chapter that no catalogued
source triggers: every hint the grader can give is shown by a test.
"""

from grading_helpers import EXERCISES, diagnosis_hints, grade_source, max_points, points_failing

#: The salts every catalogue check grades with: no salt (the inputs of an unsalted grading) and two others.
SALTS = ("", "catalogue-salt-1", "catalogue-salt-2")


def unchanged_case(name):
    """The label of the case of ``name`` that checks that no input was changed in place
    (see ``autograder.judging.harness.Exercise``)."""
    return next(case.label for case in EXERCISES[name].cases if case.unchanged)


def fn(signature, *body):
    """The source of a function as a student writes it in the exercise cell."""
    return f"def {signature}:\n" + "".join(f"    {line}\n" for line in body)


def _graded(name, source, others=None):
    return zip(SALTS, grade_source(name, source, others=others, salts=SALTS))


def _hints(report):
    return [line.strip() for line in report.splitlines() if line.strip().startswith("Hint:")]


def assert_scores_zero_with_hint(name, source, hint, only_this_hint=False, others=None):
    """Score 0 with every salt, a hint holding ``hint`` in the report (and, with
    ``only_this_hint``, every hint holding it)."""
    for salt, (score, report) in _graded(name, source, others):
        assert score == 0.0, (salt, report)
        assert any(hint in line for line in _hints(report)), (salt, report)
        if only_this_hint:
            assert all(hint in line for line in _hints(report)), (salt, report)


def assert_fails_only(name, source, hint, labels, others=None):
    """Exactly the cases ``labels`` fail, with every salt, and the report shows the hint."""
    for salt, (score, report) in _graded(name, source, others):
        assert score == points_failing(name, labels), (salt, report)
        for label in labels:
            assert f"✗ {label}:" in report, (salt, report)  # failed cases are reported by their label
        assert any(hint in line for line in _hints(report)), (salt, report)


def assert_full_marks(name, source, others=None):
    """Full marks with every salt."""
    for salt, (score, report) in _graded(name, source, others):
        assert score == max_points(name), (salt, report)


def uncatalogued(chapter, catalogue):
    """Diagnosis hints of ``chapter`` that no entry of ``catalogue`` expects (an entry's hint is a prefix)."""
    expected = {(entry[0], entry[2]) for entry in catalogue}
    return [
        (name, hint)
        for name, hint in diagnosis_hints(chapter)
        if not any(name == n and hint.startswith(h) for n, h in expected)
    ]

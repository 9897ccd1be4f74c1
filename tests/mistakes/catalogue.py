"""Shared checks of the per-chapter catalogues of mistakes (``test_<chapter>.py`` in this folder).

A chapter's catalogue has three lists:

- ``MISTAKES``: ``(exercise, source, hint)``, a wrong formula written as a
  student would write it. It must fail EVERY hidden case of the exercise
  (score exactly 0) and its report must show the hint: no hidden case may be
  so degenerate that the wrong formula passes it by accident.
- ``EDGE_SLIPS``: ``(exercise, source, hint, labels)``, a right formula that
  breaks a rule the exercise text states for an edge case only (ties, the
  kink at 0, overflow, integer input, no steps). It must fail exactly the
  cases ``labels`` (nothing else) and show the hint.

``CORRECT`` lists ``(exercise, source)``: right answers written in another
style than the reference (loops, ``einsum``, other correct weights); each
gets full marks.

:func:`uncatalogued` lists the diagnoses of a chapter that no catalogued
source triggers: every hint the grader can give is shown by a test.
"""

from grading_helpers import diagnosis_hints, grade_source, max_points, points_failing


def fn(signature, *body):
    """The source of a function as a student writes it in the exercise cell."""
    return f"def {signature}:\n" + "".join(f"    {line}\n" for line in body)


def assert_scores_zero_with_hint(name, source, hint):
    score, report = grade_source(name, source)
    assert score == 0.0, report
    assert f"Hint: {hint}" in report, report


def assert_fails_only(name, source, hint, labels):
    score, report = grade_source(name, source)
    assert score == points_failing(name, labels), report
    for label in labels:
        assert label in report, report  # failed cases are reported by their label
    assert f"Hint: {hint}" in report, report


def assert_full_marks(name, source):
    score, report = grade_source(name, source)
    assert score == max_points(name), report


def uncatalogued(chapter, catalogue):
    """Diagnosis hints of ``chapter`` that no entry of ``catalogue`` expects (an entry's hint is a prefix)."""
    expected = {(entry[0], entry[2]) for entry in catalogue}
    return [(name, hint) for name, hint in diagnosis_hints(chapter)
            if not any(name == n and hint.startswith(h) for n, h in expected)]

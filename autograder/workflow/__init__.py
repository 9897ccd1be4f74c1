"""The instructor's semester, step by step.

Release (:mod:`.release`, :mod:`.release_steps`, with :mod:`.leaks` so no
solution leaves), collect from the LMS (:mod:`.collect`, :mod:`.canvas`,
:mod:`.moodle`), the roster (:mod:`.roster`), grading runs (:mod:`.grading`
coordinates, :mod:`.jobs` grades one submission anywhere, :mod:`.gradebook`
reads the grades back), manual review (:mod:`.overrides`,
:mod:`.submission_checks`), feedback (:mod:`.feedback`, :mod:`.feedback_pages`)
and the exports an LMS imports (:mod:`.export`, :mod:`.lms_mapping`,
:mod:`.csvfiles`).
"""

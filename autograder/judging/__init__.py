"""What a right answer is: the hidden tests' form (:mod:`.harness`) and each chapter's cases.

:mod:`.chapters` holds one module per chapter (``chNN_topic``) with its
exercises: seeded cases, tolerances and the diagnoses that name a mistake.
:mod:`.pairs` builds cases that call a function twice. Nothing here runs
student code: :mod:`autograder.engine` hands these cases to the sandbox and
brings the results back.
"""

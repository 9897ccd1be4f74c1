"""Grading for the course: nbgrader configuration, hidden tests and the instructor's CLI.

The packages, in the order a submission meets them:

- ``workflow``: the instructor's semester (release, collect from Canvas or Moodle, grade,
  review, feedback, export); ``cli`` is ``nnfs-grade`` and ``course`` finds the course folder.
- ``engine``: the trust boundary; the sandbox, nbgrader's execute step run in it, the probes
  that hand hidden cases in and read results back as hostile bytes.
- ``judging``: what a right answer is; the hidden tests' form (``harness``) and each chapter's
  cases, tolerances and diagnoses (``chapters``). Only the grader's process imports it.
- ``reports``: the class report, the similarity report, inert pages from student material.
- ``nbgrader_plugins``: what ``nbgrader_config.py`` names (preprocessors, the feedback
  exporter, the LMS zip collector, the repair of stripped cells).
"""

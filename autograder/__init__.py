"""Grading for the course: nbgrader configuration, hidden tests and the instructor's CLI.

- ``harness``: runs the hidden tests inside the grading kernel.
- ``hidden_tests``: the hidden test cases of each chapter.
- ``preprocessors``: nbgrader preprocessors enabled in ``nbgrader_config.py``.
- ``release``, ``collect``, ``grading``: the steps of ``nnfs-grade`` (``cli``).
- ``canvas``, ``moodle``: those LMSs' files (submission zips, gradebook exports,
  import files), by the rules of their own source; ``lms`` is stock
  ``nbgrader zip_collect``'s collector for them.
- ``roster``: names and LMS ids from the LMS's exports; ``lms_mapping``: which
  LMS assignment takes each chapter (``lms.toml``); ``export``: grades for
  people and for the LMSs; ``csvfiles``: CSV text a spreadsheet will not run.
- ``gradebook``: the gradebook read in bulk; ``overrides``: a person's scores.
- ``feedback``, ``feedback_pages``: the feedback pages, finished and written
  when what they show changed.
- ``leaks``, ``submission_checks``: scans for leaked solutions and for tampering.
- ``class_report``: the class dashboard (``nnfs-grade report``); ``hidden_reports``
  reads the grader's hidden-test reports back from autograded notebooks.
"""

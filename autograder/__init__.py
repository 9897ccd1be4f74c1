"""Grading for the course: nbgrader configuration, hidden tests and the instructor's CLI.

- ``harness``: runs the hidden tests inside the grading kernel.
- ``hidden_tests``: the hidden test cases of each chapter.
- ``preprocessors``: nbgrader preprocessors enabled in ``nbgrader_config.py``.
- ``release``, ``collect``, ``grading``: the steps of ``nnfs-grade`` (``cli``).
- ``leaks``, ``submission_checks``: scans for leaked solutions and for tampering.
- ``class_report``: the class dashboard (``nnfs-grade report``); ``hidden_reports``
  reads the grader's hidden-test reports back from autograded notebooks.
"""

"""Test-suite set-up: ``tests/`` is importable (``grading_helpers``, ``submissions``) from every sub-folder.

pytest puts the folder of this file on ``sys.path`` because the file exists.
"""

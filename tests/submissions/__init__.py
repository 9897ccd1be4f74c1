"""Partly correct submissions, one module per chapter (named like the chapter).

Each module defines ``WRONG``, exercise name -> the source a student wrote
(a typical mistake), and ``LOST``, exercise name -> the points that source
loses under the hidden tests (exact, two decimals as the grader rounds).
The pipeline test grades the chapter's notebook with these cells swapped in
and expects ``max - sum(LOST.values())``.
"""

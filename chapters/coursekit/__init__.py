"""Student-facing helpers for the course *Neural networks from scratch in NumPy*.

- ``coursekit.data``: small generated data sets and the bundled digits.
- ``coursekit.plots``: plotting helpers shared by the chapters.
- ``coursekit.testing``: the checks the visible tests use.

This package ships with every chapter you download; it holds no solutions.
"""

"""Hidden test cases, one module per chapter (named like the chapter's folder).

Each module lists ``EXERCISES``: one :class:`autograder.judging.harness.Exercise` per
graded function, with seeded cases of several shapes (all dimensions distinct,
so a transposed answer cannot pass by accident) and edge cases. The points
of an exercise are defined here only; ``tools/sync_exercises.py`` writes them
into the notebook's hidden test cell.

Chapter modules are found by name (``chNN_*``): adding a chapter needs no
change here.
"""

import importlib
import pkgutil

CHAPTERS = {
    info.name: importlib.import_module(f"{__name__}.{info.name}").EXERCISES
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    if info.name.startswith("ch")
}

EXERCISES = {exercise.name: exercise for exercises in CHAPTERS.values() for exercise in exercises}

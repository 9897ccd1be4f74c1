"""Hidden test cases, one module per chapter (named like the chapter's folder).

Each module lists ``EXERCISES``: one :class:`autograder.harness.Exercise` per
graded function, with seeded cases of several shapes (all dimensions distinct,
so a transposed answer cannot pass by accident) and edge cases. The points
of an exercise are defined here only; ``tools/sync_exercises.py`` writes them
into the notebook's hidden test cell.
"""

from . import ch01_linear_classifiers, ch02_hidden_layers, ch03_activations

CHAPTERS = {
    "ch01_linear_classifiers": ch01_linear_classifiers.EXERCISES,
    "ch02_hidden_layers": ch02_hidden_layers.EXERCISES,
    "ch03_activations": ch03_activations.EXERCISES,
}

EXERCISES = {exercise.name: exercise for exercises in CHAPTERS.values() for exercise in exercises}

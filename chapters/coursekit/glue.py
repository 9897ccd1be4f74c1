"""``glue(name, value)``: hand a computed number to the book's text.

The book (built with MyST-NB) shows the value wherever the prose says
``{glue:text}`name``` (or ``{glue:text}`name:.3f``` for a format), so every
number a reader sees comes from a cell that ran. It writes the same output
as ``myst_nb.glue(name, value, display=False)``, without needing MyST-NB
installed, but only where the book's text is made (``NNFS_GLUE=1``: the
book's build and the checks of the stored outputs). Anywhere else (a
student's Jupyter, which has no renderer for that output and would say so,
or the grader) it does nothing.
"""

import os

from IPython.core.formatters import format_display_data
from IPython.display import display

__all__ = ["glue"]

#: MyST-NB's prefix for glued values that are not displayed in the cell.
HIDDEN_PREFIX = "application/papermill.record/"


def glue(name, value):
    """Record ``value`` (a number, text or figure) under ``name`` for the book; show nothing."""
    if os.environ.get("NNFS_GLUE") != "1":
        return
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # np.float64(0.5) -> 0.5: the book formats the plain-text repr
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": HIDDEN_PREFIX}
    display({HIDDEN_PREFIX + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)

"""pytest set-up for the whole checkout.

nbval re-runs the chapter notebooks and compares their stored outputs, which
hold the numbers glued for the book: kernels started by the tests record them
too (``NNFS_GLUE=1``, see chapters/coursekit/glue.py). Tests that run a
notebook as a student would switch it off for their kernel.

nbval compares text outputs number by number, at a precision that holds on
any machine (``tests/nbval_numbers.py``).
"""

import os
import sys

os.environ["NNFS_GLUE"] = "1"

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tests"))
pytest_plugins = ["nbval_numbers"]

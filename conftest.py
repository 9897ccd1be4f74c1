"""pytest set-up for the whole checkout.

nbval re-runs the chapter notebooks and compares their stored outputs, which
hold the numbers glued for the book: kernels started by the tests record them
too (``NNFS_GLUE=1``, see chapters/coursekit/glue.py). Tests that run a
notebook as a student would switch it off for their kernel.
"""

import os

os.environ["NNFS_GLUE"] = "1"

"""Test-suite set-up: ``tests/`` is importable (``grading_helpers``, ``submissions``) from every sub-folder.

pytest puts the folder of this file on ``sys.path`` because the file exists.
"""

import atexit
import os
import shutil
import tempfile

import pytest

# The released gradebook each chapter's grading jobs carry is made once for the whole run,
# not once per temporary course folder (its name is the digest of the material it holds).
if "NNFS_GRADING_CACHE" not in os.environ:
    os.environ["NNFS_GRADING_CACHE"] = tempfile.mkdtemp(prefix="nnfs-grading-cache-")
    atexit.register(shutil.rmtree, os.environ["NNFS_GRADING_CACHE"], True)


@pytest.fixture(scope="session")
def student_environments(tmp_path_factory):
    """Fresh virtual environments of chapters' requirements, one per list (tests/student_environments.py)."""
    from student_environments import Environments

    return Environments(tmp_path_factory.mktemp("student-environments"))

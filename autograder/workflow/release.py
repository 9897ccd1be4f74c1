"""Release: the student version of each chapter, checked for leaks.

nbgrader's ``generate_assignment`` strips solutions and hidden tests and
records the chapter in the gradebook; then ``coursekit`` (the helpers the
notebooks import) and ``requirements.txt`` (what a student installs) are put
beside the notebook, and the whole release folder
is scanned for anything of the reference solution. A chapter that leaks is
deleted from ``release/`` rather than left for someone to hand out.
"""

import shutil
from pathlib import Path

from autograder.course import COURSEKIT_DIR, ROOT, nbgrader_api
from autograder.workflow import leaks


class ReleaseError(RuntimeError):
    """The student version of a chapter could not be made safely."""


def release(chapters, root=ROOT, log=print, db_url=None):
    """Write ``release/<chapter>/`` for each chapter; return the folders written."""
    root = Path(root)
    api = nbgrader_api(root, db_url)
    solution_lines = leaks.solution_lines()
    written = []
    for chapter in chapters:
        result = api.generate_assignment(chapter, force=True, create=True)
        if not result["success"]:
            raise ReleaseError(
                f"{chapter}: nbgrader could not make the student version:\n"
                f"{result.get('log', '')}\n{result.get('error', '')}"
            )
        dest = root / "release" / chapter
        if not any(dest.glob("*.ipynb")):  # the release step of nbgrader_config.py deleted a leaking release
            raise ReleaseError(f"{chapter}: no student notebook in {dest} (see the messages above)")
        shutil.copytree(
            COURSEKIT_DIR, dest / "coursekit", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        if not (dest / "requirements.txt").exists():  # written by the release step (see its messages)
            raise ReleaseError(f"{chapter}: no requirements.txt in {dest} (see the messages above)")
        found = leaks.scan_tree(dest, solution_lines)
        if found:
            shutil.rmtree(dest)
            details = "\n".join(f"  {path}: {', '.join(items)}" for path, items in found.items())
            raise ReleaseError(f"{chapter}: the student version leaks reference material; deleted it.\n{details}")
        log(f"released {chapter} -> {dest.relative_to(root)}")
        written.append(dest)
    return written

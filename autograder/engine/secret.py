"""The course's grading secret: what makes each submission's hidden inputs unpredictable.

The hidden cases draw their random inputs from a salt made of this secret
and the submission's code (:func:`salt`), so

* the same notebook always gets the same inputs, hence the same score;
* any change to its code gives other inputs: values read off one feedback
  page do not fit the next submission;
* nobody without the secret can compute the inputs in advance.

The secret is 32 random bytes in ``<course>/.grading-secret`` (mode 0600,
never committed: see ``.gitignore``), made the first time a submission is
graded. Keep it with the gradebook: a course folder with another secret
grades the same notebooks on other inputs (right answers stay right; a wrong
one may lose other cases). Workers of a pool or a Dask cluster get it with
each job.
"""

import hashlib
import hmac
import os
import tempfile
from pathlib import Path

FILE_NAME = ".grading-secret"


def course_secret(path):
    """The secret stored at ``path``, made (atomically, mode 0600) if there is none yet.

    A new secret is written whole to a private temporary file and then hard-linked
    to ``path``, which fails if another grader got there first: a second grader
    started at the same moment reads either no file or the complete one, never a
    file created but not yet written.
    """
    path = Path(path)
    if not path.exists():
        fd, temporary = tempfile.mkstemp(prefix=".grading-secret-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(os.urandom(32).hex() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another grader made it first: use theirs
        finally:
            os.unlink(temporary)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise SystemExit(
            f"error: {path} holds no usable grading secret; delete it to make a new one "
            "(notebooks graded before will get other hidden inputs when graded again)"
        )
    return secret.encode()


def salt(secret, nb):
    """The salt of notebook ``nb``'s hidden inputs: an HMAC of its code cells under ``secret``."""
    if not secret:
        return ""
    code = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            code.update(cell.source.encode("utf-8", "surrogatepass") + b"\0")
    return hmac.new(secret, code.digest(), "sha256").hexdigest()

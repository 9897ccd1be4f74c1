"""Execute chapter notebooks in place so their stored outputs are current.

The stored outputs are what nbval checks and what the book shows. Each
notebook runs in its own folder with a fresh kernel of this environment; an
error in any cell (other than one tagged ``raises-exception``) fails the run
and leaves the notebook file unchanged.

    python tools/execute_notebooks.py [chapters/ch01_.../ch01_....ipynb ...]
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path, timeout=60, glue=True, allow_errors=False, kernel=None):
    """Run the notebook at ``path``; return the executed notebook (file untouched).

    With ``glue`` the kernel records the chapter's glued numbers for the book
    (``NNFS_GLUE=1``, see coursekit/glue.py); without it, it runs as a
    student's Jupyter does. ``kernel``: a jupyter_client kernel manager to run
    it in (by default this environment's ``python3``).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        km=kernel,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # ipykernel 7's TCP notice
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    env = dict(os.environ, NNFS_GLUE="1" if glue else "0")
    client.execute(env=env)
    return nb


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    paths = [Path(p) for p in argv] or sorted(ROOT.glob("chapters/ch*/ch*.ipynb"))
    for path in paths:
        start = time.perf_counter()
        nb = execute(path)
        nbformat.write(nb, path)
        print(f"executed {path} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

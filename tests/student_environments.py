"""Fresh virtual environments holding only what a chapter's ``requirements.txt`` lists.

``Environments.get(requirements)`` makes (once per session and list) a virtual
environment without the system's or the course's packages, with ``pip install
-r`` of the pinned list, as a student would (from the index pip is configured
with). A list that extends one already made starts from a hard-linked copy of
that environment, to which pip adds what is new: the same packages a fresh
install gives, without unpacking Jupyter, NumPy and Matplotlib again. pip skips
byte-compiling (``--no-compile``): Python compiles on import anyway, and it
halves the time (about 50 s for the first list on this machine's two cores,
15 s for each list extending it).

``Environments.kernel(requirements)`` is a Jupyter kernel manager whose kernel
is that environment's Python, for ``tools/execute_notebooks.execute``.
"""

import json
import subprocess
import sys

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager


class Environments:
    def __init__(self, folder):
        self.folder = folder
        self.made = {}  # frozenset of pinned requirements -> environment folder

    def get(self, requirements):
        wanted = frozenset(requirements)
        if wanted not in self.made:
            target = self.folder / f"env{len(self.made)}"
            base = max((made for made in self.made if made < wanted), key=len, default=None)
            if base is None:
                subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
            else:  # hard links: pip replaces files, it never writes into them
                subprocess.run(["cp", "-al", str(self.made[base]), str(target)], check=True)
            listing = self.folder / f"{target.name}-requirements.txt"
            listing.write_text("".join(f"{r}\n" for r in sorted(wanted)))
            run = subprocess.run(
                [
                    str(target / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--no-compile",
                    "--disable-pip-version-check",
                    "-r",
                    str(listing),
                ],
                capture_output=True,
                text=True,
            )
            assert run.returncode == 0, f"pip install -r {listing} failed:\n{run.stderr[-3000:]}"
            self.made[wanted] = target
        return self.made[wanted]

    def kernel(self, requirements):
        """A kernel manager for the environment of ``requirements`` (made if need be)."""
        environment = self.get(requirements)
        spec = self.folder / f"{environment.name}-kernels" / "student"  # outside: copies must not share it
        if not spec.exists():
            spec.mkdir(parents=True)
            (spec / "kernel.json").write_text(
                json.dumps(
                    {
                        "argv": [
                            str(environment / "bin" / "python"),
                            "-m",
                            "ipykernel_launcher",
                            "-f",
                            "{connection_file}",
                        ],
                        "display_name": "student",
                        "language": "python",
                    }
                )
            )
        return AsyncKernelManager(
            kernel_name="student", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)])
        )

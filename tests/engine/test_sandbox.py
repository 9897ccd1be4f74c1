"""The sandbox really hides the reference, and grading refuses to run without it unless asked.

These tests execute small notebooks with the grader's own execute step
(``autograder.engine.execute.SandboxedExecute``) and read back what code inside the
kernel could see.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import ROOT
from autograder.engine import sandbox
from autograder.engine.execute import SandboxedExecute
from autograder.workflow import grading

PROBE = r"""
import importlib.util, json, os, socket, sys
seen = {"uid": os.getuid(), "cwd": os.getcwd(), "opened": [], "written": [], "modules": [], "network": []}
paths = {paths!r}
for path in paths:
    try:
        with open(path, "rb") as handle:
            handle.read(10)
        seen["opened"].append(path)
    except OSError:
        pass
    try:
        with open(path, "ab") as handle:
            handle.write(b"")
        seen["written"].append(path)
    except OSError:
        pass
for name in ("solutions", "autograder", "autograder.judging.chapters", "solutions.ch1_linear"):
    try:
        if importlib.util.find_spec(name) is not None:
            seen["modules"].append(name)
    except Exception:
        pass
for address in (("1.1.1.1", 53), ("127.0.0.1", 22)):
    try:
        socket.create_connection(address, timeout=1).close()
        seen["network"].append(address)
    except OSError:
        pass
seen["solutions_on_path"] = [p for p in sys.path if os.path.isdir(os.path.join(p, "solutions"))]
print(json.dumps(seen))
"""


def run_in_sandbox(source, tmp_path, **settings):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    executor = SandboxedExecute(timeout=60, **settings)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "none"}})
    return "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")


def test_the_kernel_cannot_see_the_reference_or_the_gradebook(tmp_path):
    gradebook = ROOT / "gradebook.db"
    created = not gradebook.exists()
    gradebook.touch()
    try:
        targets = sorted(str(p) for p in (ROOT / "solutions").glob("*.py"))
        targets += [
            str(gradebook),
            str(ROOT / "nbgrader_config.py"),
            str(ROOT / "autograder" / "harness.py"),
            str(ROOT / "autograder" / "hidden_tests" / "ch01_linear_classifiers.py"),
            str(ROOT / "chapters" / "ch01_linear_classifiers" / "ch01_linear_classifiers.ipynb"),
            str(ROOT / ".venv" / "pyvenv.cfg"),
            str(sandbox.VENV / "pyvenv.cfg"),
        ]
        seen = json.loads(run_in_sandbox(PROBE.replace("{paths!r}", repr(targets)), tmp_path))
    finally:
        if created:
            gradebook.unlink()
    # The venv is visible (read-only, not at its host path) so Python runs; nothing of the course is.
    assert seen["opened"] == [str(sandbox.VENV / "pyvenv.cfg")]
    assert seen["written"] == []
    assert seen["modules"] == [] and seen["solutions_on_path"] == []
    assert seen["network"] == []
    assert seen["cwd"] == "/nnfs/work"
    if os.geteuid() == 0:
        assert sandbox.FIRST_UID <= seen["uid"] < sandbox.FIRST_UID + sandbox.SLOTS


def test_grading_refuses_without_a_working_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: "/bin/false")
    with pytest.raises(sandbox.SandboxUnavailable) as error:
        sandbox.check()
    message = str(error.value)
    assert "the sandbox does not start here" in message
    assert "--unsandboxed" in message and "NNFS_UNSANDBOXED=1" in message
    with pytest.raises(SystemExit) as refused:
        grading.require_sandbox()
    assert "--unsandboxed" in str(refused.value)
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap .bwrap. is not installed"):
        sandbox.check()


def test_unsandboxed_grading_must_be_asked_for_and_then_works(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    monkeypatch.setenv(sandbox.UNSANDBOXED_ENV, "1")
    grading.require_sandbox()  # no error: the instructor accepted the risk
    out = run_in_sandbox("import os\nprint(os.environ.get('NNFS_SANDBOX', 'none'))", tmp_path)
    assert out.strip() == "none"


# ---------------------------------------------------------------- sandboxes are independent and bounded


def run_program(code, limits=None):
    """Run Python ``code`` in a fresh sandbox; its stdout parsed as JSON."""
    with sandbox.Session(sandbox.find_bwrap(), limits) as session:
        done = subprocess.run(session.argv([sys.executable, "-c", code]), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


HOST_PATHS = r"""
import json, os
texts = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    for name in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as handle:
                texts.append(handle.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass
import sys
texts += [sys.executable, sys.prefix, os.getcwd(), " ".join(sys.path)]
print(json.dumps(texts))
"""


def test_no_path_of_the_grading_machine_on_any_command_line_or_environment():
    texts = run_program(HOST_PATHS)
    assert len(texts) >= 6  # the sandbox's processes were seen
    # The course's checkout (its venv included) and the sandbox's scratch folder stay unnamed; the
    # Python installation the venv is made from is visible where it is installed (read-only).
    for secret in (str(ROOT), str(Path(tempfile.gettempdir()) / "nnfs-sandbox")):
        assert not [text for text in texts if secret in text], secret


KEYRING = r"""
import ctypes, json, sys
libc = ctypes.CDLL(None, use_errno=True)
USER_KEYRING = -4
if {add}:
    key = libc.syscall(248, b"user", b"nnfs-channel", b"the answers", 11, USER_KEYRING)  # add_key
    print(json.dumps({{"added": key > 0}}))
else:
    found = libc.syscall(250, 10, USER_KEYRING, b"user", b"nnfs-channel", 0)  # keyctl(KEYCTL_SEARCH)
    print(json.dumps({{"found": found > 0}}))
"""


def test_a_key_left_in_the_kernel_keyring_does_not_reach_the_next_sandbox():
    assert run_program(KEYRING.format(add=True)) == {"added": True}
    assert run_program(KEYRING.format(add=False)) == {"found": False}


NESTED = r"""
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
results = {}
for name, flag in (("user", 0x10000000), ("mount", 0x00020000), ("net", 0x40000000)):
    ok = libc.unshare(flag) == 0
    results[name] = ok or os.strerror(ctypes.get_errno())
print(json.dumps(results))
"""


def test_no_namespace_can_be_made_inside():
    results = run_program(NESTED)
    assert not any(value is True for value in results.values()), results


FILL = r"""
import errno, json
filled = {{}}
for folder in ("/nnfs/work", "/nnfs/home", "/tmp"):
    written = 0
    try:
        with open(folder + "/fill", "wb") as handle:
            for _ in range(64):
                handle.write(b"x" * 2**20)
                handle.flush()
                written += 1
        filled[folder] = written
    except OSError as error:
        filled[folder] = errno.errorcode.get(error.errno, str(error.errno))
print(json.dumps(filled))
"""


def test_the_private_folders_are_tmpfs_of_a_fixed_size():
    limits = sandbox.Limits(work_bytes=8 * 2**20, tmp_bytes=8 * 2**20)
    assert run_program(FILL.format(), limits) == {"/nnfs/work": "ENOSPC", "/nnfs/home": "ENOSPC", "/tmp": "ENOSPC"}


SPRAY = r"""
import errno, json, os
count = 0
try:
    for index in range(1000):
        with open(f"/nnfs/probe/out/spray{index}", "wb") as handle:
            handle.write(b"x" * 2**20)
        count += 1
except OSError as error:
    print(json.dumps({"files": count, "error": errno.errorcode.get(error.errno)}))
else:
    print(json.dumps({"files": count, "error": None}))
"""


def test_what_a_sandbox_writes_on_the_graders_side_is_bounded(monkeypatch):
    """As root (CI, most graders) the results folder is on a tmpfs of a fixed size; otherwise only the
    file-size limit holds (see the instructor guide's threat model)."""
    monkeypatch.setattr(sandbox, "HOST_AREA_BYTES", 16 * 2**20)
    result = run_program(SPRAY)
    if os.geteuid() == 0:
        assert result["error"] == "ENOSPC" and result["files"] < 16, result
    else:
        assert result == {"files": 1000, "error": None}, result

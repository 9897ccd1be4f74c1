"""The sandbox really hides the reference, and grading refuses to run without it unless asked.

These tests execute small notebooks with the grader's own execute step
(``autograder.execute.SandboxedExecute``) and read back what code inside the
kernel could see.
"""

import json
import os

import nbformat
import pytest

from autograder import grading, sandbox
from autograder.course import ROOT
from autograder.execute import SandboxedExecute

PROBE = r'''
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
for name in ("solutions", "autograder", "autograder.hidden_tests", "solutions.ch1_linear"):
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
'''


def run_in_sandbox(source, tmp_path, **settings):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    executor = SandboxedExecute(timeout=60, **settings)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "none"}})
    return "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")


def test_the_kernel_cannot_see_the_reference_or_the_gradebook(tmp_path):
    gradebook = ROOT / "gradebook.db"
    created = not gradebook.exists()
    gradebook.touch()
    try:
        targets = sorted(str(p) for p in (ROOT / "solutions").glob("*.py"))
        targets += [str(gradebook), str(ROOT / "nbgrader_config.py"), str(ROOT / "autograder" / "harness.py"),
                    str(ROOT / "autograder" / "hidden_tests" / "ch01_linear_classifiers.py"),
                    str(ROOT / "chapters" / "ch01_linear_classifiers" / "ch01_linear_classifiers.ipynb"),
                    str(ROOT / ".venv" / "pyvenv.cfg")]
        seen = json.loads(run_in_sandbox(PROBE.replace("{paths!r}", repr(targets)), tmp_path))
    finally:
        if created:
            gradebook.unlink()
    # The venv is visible (read-only) so Python runs; nothing of the course is.
    assert seen["opened"] == [str(ROOT / ".venv" / "pyvenv.cfg")]
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

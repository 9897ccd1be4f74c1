"""Submissions that try to get marks without the work, or to break the grader, get nothing.

Every attack is a generic snippet that replaces an exercise cell, so every
exercise of every chapter (present and future) meets every attack:

* attacks that act when the function is called meet every exercise of every
  chapter in the sandbox, through the grader's own probe and scoring, with
  half of the exercises attacked and half holding the reference code (the
  Jupyter kernel around it is left out, to keep the suite fast);
* attacks on the kernel itself (killing it, hanging it, flooding it,
  replacing NumPy or the builtins, printing a score), and the function
  attacks as the visible tests meet them inside the kernel, are graded
  through the whole pipeline, next to an honest student.

Attacked exercises must score 0, the others full marks (unless they call an
attacked function: then they fail with it, as they would for a student),
other students must keep their grades, and nothing in the course may change.
"""

import ast
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import ROOT, chapters, grade_id
from autograder.engine import probes, sandbox
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import grading

sys.path.insert(0, str(ROOT / "tools"))
from grading_helpers import earlier_chapter_source, time_limits  # noqa: E402
from sync_exercises import exercise_source  # noqa: E402

# Each attack: code put at the top of the exercise cell's function (``{body}``)
# and code run at the cell's top level after the ``def`` (``{after}``).
# ``{name}`` is the exercise, ``{root}`` the course folder being graded.
ATTACKS = {
    "steal": dict(
        body="""
    import gc, glob, importlib, os, sys
    frame = sys._getframe()
    while frame is not None:  # the caller's frames: an expected value, a reference function
        for scope in (frame.f_locals, frame.f_globals):
            for key, value in list(scope.items()):
                if key in ("expected", "reference", "want", "answer") and value is not None:
                    return value
        frame = frame.f_back
    for obj in gc.get_objects():  # a function of that name that is not this notebook's
        try:
            module = getattr(obj, "__module__", None) or ""
            if callable(obj) and getattr(obj, "__name__", "") == "{name}" and module != "__main__":
                return obj(*args, **kwargs)
        except Exception:
            pass
    for module in ("sol" + "utions", "auto" + "grader.hidden_tests"):  # names built at run time
        try:
            return getattr(importlib.import_module(module), "{name}")(*args, **kwargs)
        except Exception:
            pass
    patterns = ["{root}/solutions/*.py", "{real}/solutions/*.py", "/work/*/solutions/*.py",
                "/root/**/solutions/*.py", "/home/**/solutions/*.py", "/tmp/**/solutions/*.py"]
    patterns += [p + "/**/solutions/*.py" for p in sys.path if p]
    for pattern in patterns:  # the reference's source on disk, run under another name
        for path in glob.glob(pattern, recursive=True):
            try:
                source = open(path).read()
                if "def {name}(" in source:
                    scope = {{}}
                    exec(compile(source, "copied", "exec"), scope)
                    return scope["{name}"](*args, **kwargs)
            except Exception:
                pass
    for path in glob.glob(os.environ.get("NNFS_PROBE_DIR", "/nowhere") + "/**/*", recursive=True):
        if "expect" in path or "reference" in path:  # expected values left beside the inputs
            return open(path).read()
    raise RuntimeError("found nothing to steal")
"""
    ),
    "print_score": dict(
        body="""
    print(1.0)
    print("✓ {name}: 9 of 9 hidden checks passed, 4 of 4 points")
    return None
""",
        after="""
print(1.0)
1.0
""",
    ),
    "raise_score": dict(
        body="""
    raise Exception(1.0)
"""
    ),
    "sys_exit": dict(
        body="""
    import sys
    sys.exit(1.0)
"""
    ),
    "os_exit": dict(
        body="""
    import os
    os._exit(0)
"""
    ),
    "kill_kernel": dict(
        body="""
    return None
""",
        after="""
import os
os._exit(1)
""",
    ),
    "endless_loop": dict(
        body="""
    while True:
        pass
"""
    ),
    "hang_kernel": dict(
        body="""
    return None
""",
        after="""
import time
while True:
    try:
        time.sleep(0.05)
    except BaseException:
        pass
""",
    ),
    "output_flood": dict(
        body="""
    while True:
        print("x" * 100_000)
""",
        after="""
for _ in range(300):
    print("y" * 100_000)
""",
    ),
    "fork_bomb": dict(
        body="""
    import os
    while True:
        try:
            os.fork()
        except OSError:
            pass
"""
    ),
    "memory": dict(
        body="""
    import numpy
    hog = [bytearray(2**30) for _ in range(50)]
    return numpy.ones(50 * 2**30 // 8)
"""
    ),
    "files_and_network": dict(
        body="""
    import glob, os, socket
    targets = ["{root}/gradebook.db", "{root}/nbgrader_config.py", "{root}/solutions/__init__.py",
               "{real}/solutions/__init__.py", "{real}/autograder/judging/harness.py", "{real}/nbgrader_config.py"]
    for folder in ("submitted", "autograded", "feedback", "release", "chapters"):
        targets += glob.glob("{root}/" + folder + "/**/*", recursive=True)
    for path in targets:
        try:
            with open(path, "a") as handle:
                handle.write("TAMPERED")
        except OSError:
            pass
    for folder in ("{root}", "{root}/submitted/honest", "{real}", "{real}/solutions", "/tmp", "/nnfs/probe/in"):
        try:
            with open(os.path.join(folder, "EVIL.txt"), "w") as handle:
                handle.write("TAMPERED")
        except OSError:
            pass
    for address in (("1.1.1.1", 53), ("127.0.0.1", 22), ("127.0.0.1", 8888)):
        try:
            socket.create_connection(address, timeout=0.5).send(b"TAMPERED")
        except OSError:
            pass
    return None
"""
    ),
    "patch_modules": dict(
        body="""
    return None
""",
        after="""
import builtins, numpy
import coursekit, coursekit.testing, coursekit.probing
for attribute in ("allclose", "isclose", "array_equal", "asarray", "mean", "sum"):
    setattr(numpy, attribute, lambda *args, **kwargs: True)
for attribute in ("float", "isinstance", "abs", "round", "len"):
    setattr(builtins, attribute, lambda *args, **kwargs: 1.0)
for module in (coursekit.testing, coursekit.probing):
    for attribute, value in list(vars(module).items()):
        if callable(value) and not attribute.startswith("__"):
            setattr(module, attribute, lambda *args, **kwargs: 1.0)
""",
    ),
}

# Attacks on the grader through the probe's result files: the function replaces what the probe
# would write, for every case of its exercise, then ends the probe's process so nothing is
# written over them. ``{make}`` puts the hostile thing at ``path``.
RESULT_ATTACK = """
    import os
    probe_dir = os.environ.get("NNFS_PROBE_DIR", "/nowhere")
    out = probe_dir + "/out/{name}"
    for entry in sorted(os.listdir(probe_dir + "/in/{name}")):
        stem = entry.split(".")[0]
        if not stem.isdigit():
            continue
        for extension in ("json", "npz"):
            path = out + "/" + stem + "." + extension
            if os.path.lexists(path):
                os.remove(path)
{make}
    os._exit(0)
"""
RESULT_MAKERS = {
    "result_fifo": """
            os.mkfifo(path)""",
    "result_dev_zero": """
            os.symlink("/dev/zero", path)""",
    # A JSON file of the grading machine, read through a link: its keys must never reach a report.
    "result_host_file": """
            os.symlink("{root}/host_secret." + extension, path)""",
    "result_deep_json": """
            if extension == "json":
                open(path, "w").write("[" * 200_000 + "]" * 200_000)
            else:
                import numpy
                numpy.savez(path, a0=numpy.zeros(3))""",
    "result_bomb": """
            if extension == "json":
                open(path, "w").write('{{"dict": {{"status": "returned", "result": {{"array": "a0"}}, '
                                      '"args_after": []}}}}')
            else:  # an array of 256 MiB of zeros, 256 kB packed
                import zipfile, zlib
                header = b"\\x93NUMPY\\x01\\x00v\\x00{{'descr': '<f8', 'fortran_order': False, 'shape': (33554432,), }}"
                header = header + b" " * (127 - len(header)) + b"\\n"
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
                    with bomb.open("a0.npy", "w", force_zip64=True) as member:
                        member.write(header)
                        for _ in range(256):
                            member.write(bytes(2**20))""",
}
for _attack, _make in RESULT_MAKERS.items():
    ATTACKS[_attack] = dict(body=RESULT_ATTACK.replace("{make}", _make))
# The exercise's whole result folder, a link to the grader's side.
ATTACKS["result_folder_link"] = dict(
    body="""
    import os, shutil
    out = os.environ.get("NNFS_PROBE_DIR", "/nowhere") + "/out/{name}"
    shutil.rmtree(out, ignore_errors=True)
    os.symlink("{root}", out)
    os._exit(0)
"""
)
#: Text of the grading machine's own files that the result attacks point at.
HOST_SECRET = "HOST_SECRET_KEY_8192"


def attack_source(attack, name, root):
    spec = ATTACKS[attack]
    fill = {"name": name, "root": str(root), "real": str(ROOT)}
    body = spec["body"].format(**fill)
    after = spec.get("after", "").format(**fill)
    return f"def {name}(*args, **kwargs):{body}{after}"


#: Attacks that act only when the function is called (the probe meets them in a child process).
FUNCTION_ATTACKS = [name for name, spec in ATTACKS.items() if not spec.get("after")]
#: Attacks on the kernel itself, run by the exercise cell when it is executed.
CELL_ATTACKS = [name for name, spec in ATTACKS.items() if spec.get("after")]


def dependents(chapter, attacked):
    """Exercises of ``chapter`` that call an attacked exercise, directly or through others."""
    names = {e.name for e in CHAPTERS[chapter]}
    calls = {
        name: {n.id for n in ast.walk(ast.parse(exercise_source(name))) if isinstance(n, ast.Name)} & (names - {name})
        for name in names
    }
    broken = set(attacked)
    while True:
        more = {name for name in names - broken if calls[name] & broken}
        if not more:
            return broken - set(attacked)
        broken |= more


def expected_score(chapter, attacked):
    points = {e.name: float(e.points) for e in CHAPTERS[chapter]}
    lost = set(attacked) | dependents(chapter, attacked)
    return sum(points.values()) - sum(points[name] for name in lost)


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- every function attack, every exercise

RUNNER = """
import json, os, numpy
from coursekit.probing import probe, restore_modules
with open("/nnfs/probe/in/runs.json") as handle:
    runs = json.load(handle)
for number, (prelude, sources, short) in enumerate(runs):  # one notebook's cells after another
    namespace = {"__name__": "__main__", "np": numpy}
    exec(compile(prelude, "earlier_functions", "exec"), namespace)
    for name, source in sources:
        try:
            exec(compile(source, name, "exec"), namespace)
        except BaseException:
            pass
        restore_modules()
    for name, _ in sources:  # an attack that loops costs 0.3 s here, not the usual limit
        try:  # as in a notebook, where each exercise has a hidden-test cell of its own
            probe(name, namespace=namespace, seconds=0.3 if name in short else None)
        except Exception:
            pass
    os.makedirs(f"/nnfs/probe/out/run{number}")
    for name, _ in sources:
        if os.path.lexists(f"/nnfs/probe/out/{name}"):  # a folder, or what an attack left there
            os.rename(f"/nnfs/probe/out/{name}", f"/nnfs/probe/out/run{number}/{name}")
"""


def sandboxed_scores(chapter, runs):
    """Probe the exercises of ``chapter`` as each run's sources define them, all in one sandboxed
    Python process (the kernel's part, without Jupyter), and score them here as the grader does.

    ``runs`` is a list of ``(sources, attacked)``; attacked exercises, and those that call them
    (which fail with them), get a short time limit. Returns one ``{name: points}`` per run.
    """
    exercises = CHAPTERS[chapter]
    prelude = earlier_chapter_source(chapter)  # what the notebook's earlier_functions cell holds
    with sandbox.Session(sandbox.find_bwrap()) as session:
        inputs = probes.write_inputs(exercises, session.scratch.probe_in, 10.0)
        (session.scratch.probe_in / "runs.json").write_text(
            json.dumps(
                [
                    (
                        prelude,
                        [(e.name, sources[e.name]) for e in exercises],
                        sorted(set(attacked) | dependents(chapter, attacked)),
                    )
                    for sources, attacked in runs
                ]
            )
        )
        subprocess.run(session.argv([sys.executable, "-c", RUNNER]), capture_output=True, timeout=900)
        reports = [
            {
                e.name: probes.score_isolated(e, inputs[e.name], session.scratch.probe_out / f"run{number}")
                for e in exercises
            }
            for number in range(len(runs))
        ]
    seen = "\n".join(line for report in reports for lines, _ in report.values() for line in lines)
    assert HOST_SECRET not in seen  # nothing of the grading machine's files reached a report
    return [{name: points for name, (_, points) in report.items()} for report in reports]


@pytest.mark.parametrize("chapter", chapters())
def test_function_attacks_on_every_exercise_score_zero_and_spare_the_others(chapter, tmp_path):
    import numpy

    (tmp_path / "host_secret.json").write_text(json.dumps({HOST_SECRET: {"status": "returned", "result": 1}}))
    numpy.savez(tmp_path / "host_secret.npz", a0=numpy.zeros(3))
    names = [e.name for e in CHAPTERS[chapter]]
    guarded = {"reference": ROOT / "solutions", "hidden tests": ROOT / "autograder", "chapters": ROOT / "chapters"}
    before = {label: tree_digest(path) for label, path in guarded.items()}
    runs, labels = [], []
    for attack in FUNCTION_ATTACKS:
        for parity in (0, 1):
            attacked = names[parity::2]
            sources = {
                name: attack_source(attack, name, tmp_path) if name in attacked else exercise_source(name)
                for name in names
            }
            runs.append((sources, attacked))
            labels.append((attack, parity))
    for (attack, parity), (_, attacked), scores in zip(labels, runs, sandboxed_scores(chapter, runs)):
        assert sum(scores.values()) == pytest.approx(expected_score(chapter, attacked), abs=1e-9), (
            attack,
            parity,
            scores,
        )
        assert all(scores[name] == 0.0 for name in attacked), (attack, scores)
    assert {label: tree_digest(path) for label, path in guarded.items()} == before
    assert not list(ROOT.glob("**/EVIL.txt"))


# ---------------------------------------------------------------- the grading pipeline, kernel attacks


def skeleton(released, source):
    """The release with every exercise answered and every cell that is not nbgrader's removed."""
    nb = nbformat.from_dict(released)
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    nb.cells = [c for c in nb.cells if grade_id(c)]
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    from autograder import cli

    with time_limits(cell=6, probe=3):
        assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
        yield root


CH1 = "ch01_linear_classifiers"


def test_kernel_attacks_in_a_graded_class_cost_only_their_exercise(course):
    """Cell-level attacks, and function attacks met by the visible tests inside the kernel."""
    released = nbformat.read(course / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
    base = skeleton(released, nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4))
    names = [e.name for e in CHAPTERS[CH1]]
    # Every attack once, on alternating exercises, in a few notebooks graded together.
    plan = list(CELL_ATTACKS) + list(FUNCTION_ATTACKS)
    notebooks, slots = {}, [names[0::2], names[1::2]]
    for number, start in enumerate(range(0, len(plan), 3)):
        targets = slots[number % 2]
        notebooks[f"kernel{number}"] = dict(zip(targets, plan[start : start + 3]))
    expected = {"honest": expected_score(CH1, [])}
    for student, attacks in notebooks.items():
        nb = nbformat.from_dict(base)
        for cell in nb.cells:
            if grade_id(cell) in attacks:
                cell.source = attack_source(attacks[grade_id(cell)], grade_id(cell), course)
        folder = course / "submitted" / student / CH1
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{CH1}.ipynb")
        expected[student] = expected_score(CH1, list(attacks))
    (course / "submitted" / "honest" / CH1).mkdir(parents=True)
    nbformat.write(base, course / "submitted" / "honest" / CH1 / f"{CH1}.ipynb")
    guarded = {
        "reference": ROOT / "solutions",
        "sources": course / "chapters",
        "release": course / "release",
        "submissions": course / "submitted",
    }
    before = {label: tree_digest(path) for label, path in guarded.items()}

    results = {r.student: r for r in grading.grade_chapter(CH1, sorted(expected), course, jobs=2)}

    scores = {student: (r.status, r.score) for student, r in results.items()}
    assert scores == {student: ("graded", pytest.approx(score, abs=1e-9)) for student, score in expected.items()}, {
        s: r.notes for s, r in results.items()
    }
    assert {label: tree_digest(path) for label, path in guarded.items()} == before
    assert [p for p in course.rglob("EVIL.txt")] == []
    assert [
        p for p in (course / "autograded" / "honest").rglob("*") if p.is_file() and b"TAMPERED" in p.read_bytes()
    ] == []
    # The honest student's grade, written before the attackers', is still there.
    with grading.nbgrader_api(course).gradebook as gb:
        assert gb.find_submission(CH1, "honest").score == expected["honest"]


KEYRING = r"""
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
"""
LEAVE_IN_KEYRING = (
    KEYRING
    + r"""
_source = {source!r}.encode()
_libc.syscall(248, b"user", b"nnfs-answers", _source, len(_source), -4)  # add_key(..., @u)
"""
)
TAKE_FROM_KEYRING = (
    KEYRING
    + r"""
_key = _libc.syscall(250, 10, -4, b"user", b"nnfs-answers", 0)  # keyctl(KEYCTL_SEARCH, @u, ...)
_buffer = ctypes.create_string_buffer(65536)
_size = _libc.syscall(250, 11, _key, _buffer, 65536) if _key > 0 else -1  # keyctl(KEYCTL_READ)
if _size > 0:
    exec(_buffer.raw[:_size].decode())
else:
    def {name}(*args, **kwargs):
        raise NotImplementedError("nothing in the keyring")
"""
)


def test_a_keyring_channel_between_two_submissions_carries_nothing(course):
    """One student leaves an answer in the kernel keyring; the next, graded right after in the same
    sandbox slot, finds nothing there."""
    released = nbformat.read(course / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
    base = skeleton(released, nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4))
    name = "accuracy"
    answer = exercise_source(name)
    giver, taker = nbformat.from_dict(base), nbformat.from_dict(base)
    for cell in giver.cells:
        if grade_id(cell) == name:
            cell.source = answer + LEAVE_IN_KEYRING.format(source=answer)
    for cell in taker.cells:
        if grade_id(cell) == name:
            cell.source = TAKE_FROM_KEYRING.format(name=name)
    for student, nb in (("giver", giver), ("taker", taker)):
        folder = course / "submitted" / student / CH1
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{CH1}.ipynb")
    results = {r.student: r.score for r in grading.grade_chapter(CH1, ["giver", "taker"], course, jobs=1)}
    full = expected_score(CH1, [])
    assert results == {"giver": full, "taker": expected_score(CH1, [name])}

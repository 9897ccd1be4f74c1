"""The grader's side of a probe: inputs handed into the sandbox, results read back and scored.

Before a submission runs, :func:`write_inputs` writes every hidden case's
arguments (generated here, from the case's seed) into the folder the sandbox
sees read-only. The notebook's hidden-test cells call
``coursekit.probing.probe(name)``, which writes back, per case, what the
student's function returned or raised (and, for an exercise built on other
graded functions, the calls it made to them, with their answers computed
again by a fresh process). :func:`score` reads those files as data (JSON and
``.npz`` loaded with ``allow_pickle=False``), judges them with
:func:`autograder.harness.verdict` against the reference computed here (or a
right composition of the student's own parts), and produces the lines and
the score that replace whatever the hidden-test cell printed.
"""

import ast
import json
import os
import time
from pathlib import Path

from coursekit import probing

from .harness import arguments, expected_result, modified_inputs, notes, report, verdict

#: Largest result files read back for one case (JSON + arrays).
MAX_RESULT_BYTES = 64 * 2**20


def write_inputs(exercises, folder, seconds, salt=""):
    """Write each exercise's cases under ``folder/<name>/``; return ``{name: [args, ...]}``.

    ``salt`` selects the random inputs (see :func:`autograder.harness.arguments`);
    :func:`score` must get the same one.
    """
    folder = Path(folder)
    inputs = {}
    for exercise in exercises:
        target = folder / exercise.name
        target.mkdir(parents=True, exist_ok=True)
        inputs[exercise.name] = []
        for index, case in enumerate(exercise.cases):
            args = arguments(exercise, index, salt)
            driver = probing._qualified_name(case.driver) if case.driver is not None else None
            probing.save(str(target / str(index)), {"args": args, "driver": driver})
            inputs[exercise.name].append(args)
        write_manifest(folder, exercise, seconds)
    return inputs


def write_manifest(folder, exercise, seconds):
    """Tell the probe how many cases there are, how long they may take together, and which
    other graded functions' calls to record (the exercise's ``parts``)."""
    path = Path(folder) / exercise.name / "manifest.json"
    fresh = path.with_suffix(".tmp")
    fresh.write_text(json.dumps({"cases": len(exercise.cases), "seconds": seconds,
                                 "parts": list(exercise.parts)}))
    os.replace(fresh, path)  # the probe may be reading it: never a half-written file


_REFERENCE_SECONDS = {}


def reference_seconds(exercise, inputs, salt=""):
    """Time the reference needs for all cases of ``exercise`` (and its expected values, cached)."""
    if exercise.name not in _REFERENCE_SECONDS:
        start = time.perf_counter()
        for index, args in enumerate(inputs):
            expected_result(exercise, index, args, salt)
        _REFERENCE_SECONDS[exercise.name] = time.perf_counter() - start
    return _REFERENCE_SECONDS[exercise.name]


def _read_json(path):
    try:
        if os.path.getsize(path) > 2**20:
            return None
        with open(path) as handle:
            value = json.load(handle)
        return value if isinstance(value, dict) else None
    except (OSError, ValueError, RecursionError):
        return None


def _outcome(folder, name, index):
    stem = os.path.join(folder, name, str(index))
    if not os.path.exists(f"{stem}.json"):
        return None
    try:
        value = probing.load(stem, max_bytes=MAX_RESULT_BYTES)
    except probing.Unreadable as error:
        return {"status": "unsendable", "message": f"its result file is unreadable: {error}"}
    if not isinstance(value, dict):
        return {"status": "unsendable", "message": "malformed result"}
    value["verified_calls"] = _verified_calls(stem, value.get("calls"))
    return value


def _verified_calls(stem, calls):
    """Per call of the graded function, its calls to its parts as ``(part, args, kwargs, result,
    generator states)``, keeping those whose answer the verifier computed itself (see
    ``coursekit.probing``). The recorded calls are only questions: what the graded function's
    process wrote is never taken for an answer."""
    if not isinstance(calls, list):
        return []
    if not os.path.exists(f"{stem}.verified.json"):
        return None  # calls were made but never answered (the verifier ran out of time): unknown
    try:
        answers = probing.load(f"{stem}.verified", max_bytes=MAX_RESULT_BYTES)
    except probing.Unreadable:
        return None
    if not isinstance(answers, list):
        return None
    segments = []
    for asked, answered in zip(calls, answers):
        segment = []
        if isinstance(asked, list) and isinstance(answered, list):
            for call, answer in zip(asked, answered):
                if (isinstance(call, dict) and isinstance(answer, dict) and answer.get("status") == "returned"
                        and isinstance(call.get("args"), tuple) and isinstance(call.get("kwargs"), dict)):
                    segment.append((str(call.get("part")), call["args"], call["kwargs"], answer.get("result"),
                                    list(answer.get("generators") or [])))
        segments.append(segment)
    return segments


def _ending(status):
    """What stopped the child before a case reported back."""
    if not status or "exit" not in status:
        return "did not run: the hidden-test cell never finished (the notebook stopped before it)"
    if status["exit"] == "timeout":
        return (f"did not finish within the time limit ({status.get('seconds', '?')} s for all cases): "
                "an endless loop, or far too slow")
    if status["exit"] == "signal":
        return (f"the process running it was killed (signal {status.get('signal')}): "
                "it went over the memory, CPU or process limit")
    return (f"the process running it ended before returning (exit code {status.get('code')}): "
            "os._exit, or a crash")


def import_problems(nb, names):
    """``{name: sentence}`` for exercise names that an editable cell binds by import or assignment."""
    problems = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    if bound in names:
                        where = module or alias.name
                        problems[bound] = f"`{bound}` is imported from {where}, not written in this notebook"
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in names and not isinstance(node.value, ast.Lambda):
                        problems.setdefault(target.id, f"`{target.id}` is assigned, not written with def, "
                                                       "in this notebook")
    return problems


def score(exercise, inputs, folder, static_problem=None, salt=""):
    """``(lines, score)`` for one exercise from the probe's files under ``folder``."""
    name, points = exercise.name, float(exercise.points)
    if static_problem:
        return [f"⚠ {name}: {static_problem}. Scored 0 for this exercise."], 0.0
    status = _read_json(os.path.join(folder, name, "status.json"))
    lines = []
    if status and status.get("patched"):
        patched = [str(p) for p in status["patched"]][:12]
        lines.append(f"⚠ the notebook replaced {', '.join(patched)}; restored before grading {name}")
    if status and status.get("origin"):
        origin = str(status["origin"])[:200]
        if origin.startswith("not defined"):
            return lines + [f"✗ {name}: {origin}. Scored 0 for this exercise."], 0.0
        return lines + [f"⚠ {name}: `{name}` {origin}. Scored 0 for this exercise."], 0.0
    outcomes = [_outcome(folder, name, index) for index in range(len(exercise.cases))]
    changed = []  # (case label, inputs changed in place) of every case: the exercise's own case judges it
    for index, (case, outcome) in enumerate(zip(exercise.cases, outcomes)):
        try:
            changed.append((case.label, modified_inputs(exercise, case, inputs[index], outcome or {})))
        except Exception:  # noqa: BLE001 - an odd report; the case's own verdict says what is wrong
            pass
    failures, remarks = [], []
    for index, (case, outcome) in enumerate(zip(exercise.cases, outcomes)):
        if outcome is None:
            failures.append((case.label, _ending(status), None))
            continue
        args = inputs[index]
        expected = expected_result(exercise, index, args, salt)
        try:
            problem, hint = verdict(exercise, index, args, outcome, expected, changed)
        except Exception as error:  # noqa: BLE001 - a result so odd that judging it failed
            got = outcome.get("result")
            problem = f"returned {type(got).__name__}, which could not be checked ({type(error).__name__}: {error})"
            hint = None
        if problem:
            failures.append((case.label, problem, hint))
        else:
            remarks += [note for note in notes(exercise, args, outcome, expected) if note not in remarks]
    body, earned = report(name, points, failures, len(exercise.cases), remarks)
    return lines + body, earned

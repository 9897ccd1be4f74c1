"""The grader's side of a probe: inputs handed into the sandbox, results read back and scored.

Before a submission runs, :func:`write_inputs` writes every hidden case's
arguments (generated here, from the case's seed and the submission's salt)
into the folder the sandbox sees read-only. The notebook's hidden-test cells
call ``coursekit.probing.probe(name)``, which writes back, per case, what the
student's function returned or raised (and, for an exercise built on other
graded functions, the calls it made to them, with their answers computed
again by a fresh process). :func:`score` reads those files as data, judges
them with :func:`autograder.judging.harness.verdict` against the reference computed
here (or a right composition of the student's own parts), and produces the
lines and the score that replace whatever the hidden-test cell printed.

The result files are written by the student's code, in a folder it can
change at will: they are read as hostile (:mod:`autograder.engine.untrusted`) —
never through a symbolic link, only regular files, sizes capped before and
after unpacking, arrays of numbers only, nothing unpickled — and judged in a
child process with a memory and time limit (:func:`score_isolated`), so a
result built to exhaust the grader costs that exercise, nothing else.

The feedback of a case whose inputs are the same for every submission (see
:func:`fixed_cases`) never shows the expected value: it could be copied into
the next submission. Every other case gets fresh inputs per submission.
"""

import ast
import json
import os
import resource
import select
import signal
import time
from pathlib import Path

from autograder.engine import untrusted
from autograder.judging.harness import _same_data, arguments, expected_result, modified_inputs, notes, report, verdict
from coursekit import probing, testing

#: Largest files read back for one case: the JSON description, and its arrays packed and unpacked.
MAX_TREE_BYTES = 4 * 2**20
MAX_RESULT_BYTES = 64 * 2**20
MAX_STATUS_BYTES = 2**20
#: Longest text of the student's (an exception's message) kept in a report line.
MAX_TEXT = 400
#: Limits of the child process that judges one exercise's results.
SCORING_SECONDS = 60.0
SCORING_MEMORY = 2 * 2**30
MAX_REPORT_BYTES = 2**20


def write_inputs(exercises, folder, seconds, salt=""):
    """Write each exercise's cases under ``folder/<name>/``; return ``{name: [args, ...]}``.

    ``salt`` selects the random inputs (see :func:`autograder.judging.harness.arguments`);
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
    fresh.write_text(json.dumps({"cases": len(exercise.cases), "seconds": seconds, "parts": list(exercise.parts)}))
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


def _results_folder(folder, name):
    """A descriptor of the probe's folder ``folder/name`` (``None`` if there is none; never a link)."""
    base = untrusted.open_folder(str(folder))
    try:
        return untrusted.open_folder(name, dir_fd=base)
    except (FileNotFoundError, untrusted.Refused):
        return None
    finally:
        os.close(base)


def _read_json(fd, name, limit=MAX_STATUS_BYTES):
    """The JSON object in file ``name`` of folder ``fd``, or ``None`` (missing, refused, not an object)."""
    if fd is None:
        return None
    try:
        value = json.loads(untrusted.read_at(fd, name, limit))
    except (OSError, ValueError, RecursionError, untrusted.Refused):
        return None
    return value if isinstance(value, dict) else None


def _load(fd, stem):
    """What :func:`coursekit.probing.save` wrote as ``stem.json`` and ``stem.npz`` in folder ``fd``,
    read as hostile data; ``FileNotFoundError`` if there is none, ``Refused`` or ``ValueError`` if it
    is not a file of that kind or too large."""
    stored = json.loads(untrusted.read_at(fd, f"{stem}.json", MAX_TREE_BYTES))
    packed = untrusted.read_npz(untrusted.read_at(fd, f"{stem}.npz", MAX_RESULT_BYTES), MAX_RESULT_BYTES)
    return probing.decode_stored(stored, packed, max_bytes=MAX_RESULT_BYTES)


def _outcome(fd, index):
    """What the probe reported for case ``index``: a dict, or ``None`` if it reported nothing."""
    if fd is None:
        return None
    try:
        value = _load(fd, str(index))
    except FileNotFoundError:
        return None
    except untrusted.Refused as error:
        return {"status": "unsendable", "message": f"its result file {error}"}
    except (OSError, ValueError, RecursionError, MemoryError) as error:  # Unreadable is a ValueError
        return {"status": "unsendable", "message": f"its result file is unreadable ({type(error).__name__})"}
    if not isinstance(value, dict):
        return {"status": "unsendable", "message": "malformed result"}
    value["verified_calls"] = _verified_calls(fd, index, value.get("calls"))
    return value


def _verified_calls(fd, index, calls):
    """Per call of the graded function, its calls to its parts as ``(part, args, kwargs, result,
    generator states)``, keeping those whose answer the verifier computed itself (see
    ``coursekit.probing``). The recorded calls are only questions: what the graded function's
    process wrote is never taken for an answer."""
    if not isinstance(calls, list):
        return []
    try:
        answers = _load(fd, f"{index}.verified")
    except (OSError, ValueError, RecursionError, MemoryError, untrusted.Refused):
        return None  # calls were made but never answered (the verifier ran out of time): unknown
    if not isinstance(answers, list):
        return None
    segments = []
    for asked, answered in zip(calls, answers):
        segment = []
        if isinstance(asked, list) and isinstance(answered, list):
            for call, answer in zip(asked, answered):
                if (
                    isinstance(call, dict)
                    and isinstance(answer, dict)
                    and answer.get("status") == "returned"
                    and isinstance(call.get("args"), tuple)
                    and isinstance(call.get("kwargs"), dict)
                ):
                    segment.append(
                        (
                            str(call.get("part")),
                            call["args"],
                            call["kwargs"],
                            answer.get("result"),
                            list(answer.get("generators") or []),
                        )
                    )
        segments.append(segment)
    return segments


_FIXED = {}


def fixed_cases(exercise):
    """Indices of the cases whose inputs do not change with the salt (the same for everyone)."""
    if exercise.name not in _FIXED:
        _FIXED[exercise.name] = {
            index
            for index in range(len(exercise.cases))
            if _same_inputs(arguments(exercise, index, "fixed?a"), arguments(exercise, index, "fixed?b"))
        }
    return _FIXED[exercise.name]


def _same_inputs(first, second):
    return len(first) == len(second) and all(_same_data(a, b) for a, b in zip(first, second))


def _short(text):
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " …"


def _ending(status):
    """What stopped the child before a case reported back."""
    if not status or "exit" not in status:
        return "did not run: the hidden-test cell never finished (the notebook stopped before it)"
    if status["exit"] == "timeout":
        return (
            f"did not finish within the time limit ({status.get('seconds', '?')} s for all cases): "
            "an endless loop, or far too slow"
        )
    if status["exit"] == "signal":
        return (
            f"the process running it was killed (signal {status.get('signal')}): "
            "it went over the memory, CPU or process limit"
        )
    return f"the process running it ended before returning (exit code {status.get('code')}): os._exit, or a crash"


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
                        problems.setdefault(
                            target.id, f"`{target.id}` is assigned, not written with def, in this notebook"
                        )
    return problems


def score(exercise, inputs, folder, static_problem=None, salt=""):
    """``(lines, score)`` for one exercise from the probe's files under ``folder``."""
    name = exercise.name
    if static_problem:
        return [f"⚠ {name}: {static_problem}. Scored 0 for this exercise."], 0.0
    fd = _results_folder(folder, name)
    try:
        return _score(exercise, inputs, fd, salt)
    finally:
        if fd is not None:
            os.close(fd)


def _score(exercise, inputs, fd, salt):
    name, points = exercise.name, float(exercise.points)
    status = _read_json(fd, "status.json")
    lines = []
    if status and status.get("patched"):
        patched = [_short(p)[:80] for p in list(status["patched"])[:12]] if isinstance(status["patched"], list) else []
        lines.append(f"⚠ the notebook replaced {', '.join(patched)}; restored before grading {name}")
    if status and status.get("origin"):
        origin = str(status["origin"])[:200]
        if origin.startswith("not defined"):
            return lines + [f"✗ {name}: {origin}. Scored 0 for this exercise."], 0.0
        return lines + [f"⚠ {name}: `{name}` {origin}. Scored 0 for this exercise."], 0.0
    outcomes = [_outcome(fd, index) for index in range(len(exercise.cases))]
    changed = []  # (case label, inputs changed in place) of every case: the exercise's own case judges it
    for index, (case, outcome) in enumerate(zip(exercise.cases, outcomes)):
        try:
            changed.append((case.label, modified_inputs(exercise, case, inputs[index], outcome or {})))
        except Exception:  # noqa: BLE001 - an odd report; the case's own verdict says what is wrong
            pass
    failures, remarks = [], []
    fixed = fixed_cases(exercise)
    for index, (case, outcome) in enumerate(zip(exercise.cases, outcomes)):
        if outcome is None:
            failures.append((case.label, _ending(status), None))
            continue
        args = inputs[index]
        expected = expected_result(exercise, index, args, salt)
        try:
            with testing.concealed() if index in fixed else _nothing():
                problem, hint = verdict(exercise, index, args, outcome, expected, changed)
        except Exception as error:  # noqa: BLE001 - a result so odd that judging it failed
            got = outcome.get("result")
            problem = f"returned {type(got).__name__}, which could not be checked ({type(error).__name__})"
            hint = None
        if problem:
            failures.append((case.label, _short(problem), hint))
        else:
            remarks += [note for note in notes(exercise, args, outcome, expected) if note not in remarks]
    body, earned = report(name, points, failures, len(exercise.cases), remarks)
    return lines + body, earned


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# ---------------------------------------------------------------- judging in a limited child


def _limit_memory(extra):
    """Let this process grow by at most ``extra`` bytes of address space."""
    try:
        with open("/proc/self/status") as handle:
            size = next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))


def _read_until(fd, deadline, limit):
    """What the child wrote on ``fd`` before closing it, or ``None`` past ``deadline`` or ``limit``."""
    chunks, total = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)


def score_isolated(
    exercise, inputs, folder, static_problem=None, salt="", seconds=SCORING_SECONDS, memory=SCORING_MEMORY
):
    """:func:`score` run in a child process with ``memory`` bytes and ``seconds`` to judge the results.

    The reference's answers are computed here first (they depend only on the
    grader's inputs, and are cached for the next submission); the child only
    reads the student's results and compares. If it runs out of time or
    memory, or dies, the exercise scores 0 with the reason.
    """
    for index, args in enumerate(inputs):
        expected_result(exercise, index, args, salt)
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(reader)
            _limit_memory(memory)
            lines, earned = score(exercise, inputs, folder, static_problem, salt)
            payload = json.dumps({"lines": lines, "score": earned}).encode()
        except BaseException as error:  # noqa: BLE001 - MemoryError, RecursionError, anything
            payload = json.dumps({"error": type(error).__name__}).encode()
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(writer, view) :]
        finally:
            os._exit(0)
    os.close(writer)
    try:
        data = _read_until(reader, time.monotonic() + seconds, MAX_REPORT_BYTES)
    finally:
        os.close(reader)
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(child, 0)
    why = f"judging them took longer than {seconds:g} s"
    if data is not None:
        try:
            result = json.loads(data)
            if "error" not in result:
                return [str(line) for line in result["lines"]], float(result["score"])
            why = f"judging them failed ({result['error']}): they are too large or too deeply nested"
        except (ValueError, KeyError, TypeError):
            why = "the judging process ended without a report"
    return [f"✗ {exercise.name}: its results could not be checked ({why}). Scored 0 for this exercise."], 0.0

"""Autograding's execute step: run a submission in a sandboxed kernel, score it outside.

:class:`SandboxedExecute` replaces nbgrader's ``Execute`` preprocessor (see
``nbgrader_config.py``), so ``nnfs-grade grade`` and the stock
``nbgrader autograde`` grade the same way. For one notebook it

1. writes the hidden cases' arguments for the chapter's exercises into a
   private scratch folder (:mod:`autograder.engine.probes`);
2. executes the notebook cell by cell in a kernel inside the sandbox
   (:mod:`autograder.engine.sandbox`); the hidden-test cells only *probe*: they call
   the student's functions on those arguments and write back what came out;
3. scores every exercise in this process from those files, and replaces the
   hidden-test cells' outputs with the report and the score, which is what
   nbgrader records. Whatever the kernel printed or returned there is dropped.

A cell that kills the kernel or hangs it beyond the time limit gets an error
output; the kernel is then restarted, the cells before it are replayed
(without their outputs), and execution goes on, so one exercise's crash costs
only that exercise. Output beyond a limit per cell is dropped.
"""

import ast
import copy
import os

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer, Unicode

from autograder.course import grade_id
from autograder.engine import probes, sandbox, secret

TIMEOUT_ERRORS = ("CellTimeoutError", "KernelStopped")
#: Once a cell has run away, the cells after it get this many times their
#: duration in the instructor's run (at least RUNAWAY_FLOOR seconds), and each
#: exercise's probe RUNAWAY_PROBE times the reference's time (at least
#: PROBE_FLOOR): an endless loop then costs about one time-out, not one per
#: cell that calls the looping function.
RUNAWAY_FACTOR, RUNAWAY_FLOOR = 5.0, 5.0
RUNAWAY_PROBE, PROBE_FLOOR = 20.0, 2.0
#: The setup cell is the instructor's and only imports: a busy machine must not time it out.
SETUP_TIMEOUT = 120
#: A code cell of the chapter (not an exercise or test cell) whose first line starts so is a
#: worked example: the grader does not run it. Worked examples (training runs, timings,
#: figures) then cost nothing per submission; they must define nothing that an exercise or a
#: test uses, which the authors' guide requires and the grading pipeline test checks.
WORKED_EXAMPLE = "# Worked example"
_SANDBOX_CHECKED = {}


def _hidden_name(cell):
    gid = grade_id(cell) or ""
    return gid[: -len("_hidden")] if gid.endswith("_hidden") else None


def _duration(cell):
    """Seconds the cell took in the run that stored its outputs, if recorded."""
    import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    try:
        parse = datetime.datetime.fromisoformat
        return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()
    except (AttributeError, TypeError, ValueError):
        return None


def _error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def sandbox_works():
    """Whether a sandbox starts here (checked once per process; a failure is re-raised at grading).

    A grading process forked per submission learns the answer from its parent
    (:func:`trust_sandbox_check`) instead of starting a sandbox to find out.
    """
    bwrap = sandbox.find_bwrap()
    if bwrap not in _SANDBOX_CHECKED:
        try:
            sandbox.check(bwrap)
            _SANDBOX_CHECKED[bwrap] = None
        except sandbox.SandboxUnavailable as error:
            _SANDBOX_CHECKED[bwrap] = error
    return _SANDBOX_CHECKED[bwrap] is None


def trust_sandbox_check():
    """Record that this process's parent started a sandbox with the same ``bwrap`` (see above)."""
    _SANDBOX_CHECKED[sandbox.find_bwrap()] = None


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with a sandboxed kernel, probes, recovery and scoring outside the kernel."""

    sandbox = Bool(
        True,
        help="Run the kernel in the bubblewrap sandbox. Turning this off lets student "
        "code read the reference solutions and the grader's files.",
    ).tag(config=True)
    probe_seconds = Float(10.0, help="Time limit for all hidden cases of one exercise, in seconds.").tag(config=True)
    memory_bytes = Integer(4 * 2**30, help="Address-space limit of each sandboxed process.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of each sandboxed process.").tag(config=True)
    max_processes = Integer(64, help="Process limit inside the sandbox.").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="Output kept per cell; the rest is dropped.").tag(config=True)
    max_restarts = Integer(4, help="Kernel restarts allowed per notebook after crashes.").tag(config=True)
    source_directory = Unicode(
        "", help="Absolute path of the nbgrader source directory (for the instructor's cell timings)."
    ).tag(config=True)
    secret_file = Unicode(
        "",
        help="The course's grading secret (made on first use): each submission's "
        "hidden inputs are drawn from it and the notebook's code. Empty: "
        "the same inputs for every submission.",
    ).tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", sandbox.SandboxedKernelManager)
        # The kernel is killed once the last cell has run, not asked to stop: nothing of it is
        # kept (its sandbox goes with it), and a graceful stop costs 0.2 s, seconds if it dawdles.
        kwargs.setdefault("shutdown_kernel", "immediate")
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------ set-up

    def _exercises(self, nb, resources):
        from autograder.judging.chapters import CHAPTERS

        chapter = resources.get("nbgrader", {}).get("assignment") or resources.get("nnfs_chapter")
        probed = {_hidden_name(cell) for cell in nb.cells} - {None}
        return [exercise for exercise in CHAPTERS.get(chapter, []) if exercise.name in probed]

    def _use_sandbox(self):
        if not self.sandbox or sandbox.unsandboxed_requested():
            self.log.warning("Grading WITHOUT the sandbox: student code can read the grader's files.")
            return False
        bwrap = sandbox.find_bwrap()
        if not sandbox_works():
            raise _SANDBOX_CHECKED[bwrap]
        self._bwrap = bwrap
        return True

    def _source_timings(self, resources):
        """Cell durations of the instructor's executed source notebook, by grade id and by cell id."""
        info = resources.get("nbgrader", {})
        path = os.path.join(self.source_directory, str(info.get("assignment")), f"{info.get('notebook')}.ipynb")
        try:
            source = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            return {}
        timings = {}
        for cell in source.cells:
            if cell.cell_type == "code" and not (cell.metadata.get("nbgrader", {}).get("solution")):
                timings[("text", cell.get("id"))] = cell.source
            seconds = _duration(cell) if cell.cell_type == "code" else None
            if seconds is not None:
                timings[("id", cell.get("id"))] = seconds
                if grade_id(cell):
                    timings[("grade", grade_id(cell))] = seconds
        return timings

    def _instructors(self, cell):
        """Whether ``cell`` is one of the instructor's, exactly as released (no student code in it)."""
        return self._timings.get(("text", cell.get("id"))) == cell.source

    def _cell_timeout(self, cell):
        if _hidden_name(cell):
            return int(self.probe_seconds) + max(10, int(self.timeout or 0))
        if grade_id(cell) == "setup":
            return max(int(self.timeout or 0), SETUP_TIMEOUT)
        if not self._runaway:
            return self.timeout
        seconds = self._timings.get(("grade", grade_id(cell))) or self._timings.get(("id", cell.get("id")))
        limit = max(RUNAWAY_FLOOR, RUNAWAY_FACTOR * (seconds or 0.0))
        return int(min(self.timeout or limit, limit) + 0.999)

    def _ran_away(self):
        """From now on, shorter limits for later cells and probes (see RUNAWAY_FACTOR)."""
        if self._runaway:
            return
        self._runaway = True
        for exercise in self._exercise_list:
            seconds = probes.reference_seconds(exercise, self._inputs[exercise.name], self._salt)
            budget = min(float(self.probe_seconds), max(PROBE_FLOOR, RUNAWAY_PROBE * seconds))
            probes.write_manifest(self._scratch.probe_in, exercise, budget)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self._kernels += 1
        km.transport = "ipc"
        km.ip = str(self._scratch.new_ipc() / "kernel")
        km.connection_file = str(self._scratch.private / f"kernel{self._kernels}.json")
        km.sandbox_log = str(self._scratch.log)
        if self._sandboxed:
            km.sandbox_session = self._session
        else:
            km.sandbox_env = {"NNFS_PROBE_DIR": str(self._scratch.root / "probe"), "NBGRADER_EXECUTION": "autograde"}
        return km

    # ------------------------------------------------------------ the run

    def preprocess(self, nb, resources):
        exercises = self._exercises(nb, resources)
        self._sandboxed = self._use_sandbox()
        limits = sandbox.Limits(
            memory_bytes=self.memory_bytes, cpu_seconds=self.cpu_seconds, processes=self.max_processes
        )
        self._kernels, self._restarts, self._replayable, self._patch_notes = 0, 0, [], []
        self._looping, self._stopped = set(), set()
        self._output_bytes = {}
        self._runaway, self._timings, self._exercise_list = False, self._source_timings(resources), exercises
        # Cells after the last hidden-test cell run after every probe, so they cannot change a
        # score: those that are not nbgrader's are not run (the chapter's closing figures).
        hidden = [i for i, cell in enumerate(nb.cells) if _hidden_name(cell) in {e.name for e in exercises}]
        self._last_scored = max(hidden, default=len(nb.cells))
        self.timeout_func = self._cell_timeout
        self._salt = secret.salt(secret.course_secret(self.secret_file), nb) if self.secret_file else ""
        with sandbox.Session(getattr(self, "_bwrap", None), limits, sandboxed=self._sandboxed) as session:
            self._scratch = session.scratch
            inputs = self._inputs = probes.write_inputs(
                exercises, self._scratch.probe_in, float(self.probe_seconds), self._salt
            )
            self._session = session if self._sandboxed else None
            nb, resources = super().preprocess(nb, resources)
            self._score(nb, exercises, inputs)
        return nb, resources

    def _exercise_of(self, cell):
        """The exercise whose own cell or visible tests ``cell`` is, if any."""
        name = (grade_id(cell) or "").removesuffix("_tests")
        return name if name in self._inputs else None

    def _stop_calling(self, names):
        """Replace functions that ran past the time limit by ones that fail at once.

        Called once their hidden cases have been probed: later cells that call
        them (worked examples, other exercises' tests) then cost nothing, so an
        endless loop costs about one time-out in all.
        """
        code = "\n".join(
            f"def {name}(*args, **kwargs):\n"
            f"    raise RuntimeError('`{name}` ran past the time limit earlier in this notebook; "
            "the grader stopped calling it')"
            for name in sorted(names)
        )
        if code:
            self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False, allow_stdin=False))

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if not grade_id(cell) and (cell.source.lstrip().startswith(WORKED_EXAMPLE) or index > self._last_scored):
            cell.outputs = []
            return cell, resources
        if _hidden_name(cell) in self._looping:
            self._stopped.add(_hidden_name(cell))  # probed below, then stubbed
        if self._restarts > self.max_restarts:
            cell.outputs = [_error_output("KernelStopped", "not run: the kernel crashed too often")]
            return cell, resources
        self._output_bytes[index] = 0
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as error:
            dead = isinstance(error, DeadKernelError)
            if not dead:
                self._ran_away()
            if not dead and self._exercise_of(cell):
                self._looping.add(self._exercise_of(cell))
            cell.outputs.append(
                _error_output(
                    "KernelStopped",
                    "the kernel died while running this cell (os._exit, a crash, or a resource limit)"
                    if dead
                    else f"the kernel stopped responding (no reply within {self._cell_timeout(cell)} s)",
                )
            )
            self._restart_and_replay(resources)
            return cell, resources
        stopped = any(o.output_type == "error" and o.get("ename") in TIMEOUT_ERRORS for o in cell.outputs)
        if stopped:
            self._ran_away()
            if self._exercise_of(cell):
                self._looping.add(self._exercise_of(cell))
        if _hidden_name(cell) in self._stopped:
            self._stop_calling(self._stopped)
        if stopped or _hidden_name(cell):
            return cell, resources
        if self._instructors(cell):  # nothing of the student's ran at its top level
            self._replayable.append(index)
            return cell, resources
        try:
            self._restore_modules(index)
        except (DeadKernelError, CellTimeoutError, TimeoutError, RuntimeError):
            # The cell left the kernel unable to answer: start afresh without it.
            cell.outputs.append(_error_output("KernelStopped", "the kernel stopped responding after this cell"))
            self._restart_and_replay(resources)
            return cell, resources
        self._replayable.append(index)
        return cell, resources

    def _restore_modules(self, index, note=True):
        """Undo, in the kernel, whatever the cell replaced in NumPy, the builtins or coursekit.

        The setup cell bound the restorer before any student code ran; what it
        reports is only used as a note for the instructor.
        """
        msg_id = self.kc.execute(
            "", silent=True, store_history=False, allow_stdin=False, user_expressions={"patched": "_restore_hidden()"}
        )
        reply = self.wait_for_reply(msg_id)
        if reply is None:
            raise TimeoutError("no reply")
        result = reply["content"].get("user_expressions", {}).get("patched", {})
        text = str(result.get("data", {}).get("text/plain", "")) if result.get("status") == "ok" else ""
        if note and text not in ("", "[]"):
            try:
                names = ", ".join(str(name) for name in ast.literal_eval(text))
            except (ValueError, SyntaxError):
                names = text.strip("[]")
            self._patch_notes.append(f"⚠ cell {index + 1} replaced {names[:300]}; undone after that cell")

    def _restart_and_replay(self, resources):
        """A fresh kernel, brought to the state before the failed cell by replaying earlier cells."""
        from jupyter_core.utils import run_sync

        self._restarts += 1
        old_km, old_kc = self.km, self.kc
        try:
            if old_kc is not None:
                old_kc.stop_channels()
            run_sync(old_km.shutdown_kernel)(now=True)
        except Exception as error:  # noqa: BLE001 - it is dead already, most likely
            self.log.debug("shutting down the failed kernel: %s", error)
        if self._restarts > self.max_restarts:
            return
        self.km, self.kc = self.create_kernel_manager(), None
        self.start_new_kernel()
        self.start_new_kernel_client()
        replay = list(self._replayable)
        for index in replay:
            scratch_cell = copy.deepcopy(self.nb.cells[index])
            try:
                super().preprocess_cell(scratch_cell, resources, index)
                self._restore_modules(index, note=False)
            except (DeadKernelError, CellTimeoutError, TimeoutError, RuntimeError):
                self._replayable.remove(index)
                self._restart_and_replay(resources)
                return
        self._stop_calling(self._stopped)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size > self.max_output_bytes:
            if used <= self.max_output_bytes:
                outs.append(
                    nbformat.v4.new_output(
                        "stream",
                        name="stdout",
                        text=f"\n[output beyond {self.max_output_bytes} characters dropped by the grader]\n",
                    )
                )
            return None
        return super().output(outs, msg, display_id, cell_index)

    # ------------------------------------------------------------ scoring

    def _score(self, nb, exercises, inputs):
        """Replace each hidden-test cell's outputs with the report and score computed here."""
        by_name = {exercise.name: exercise for exercise in exercises}
        static = probes.import_problems(nb, set(by_name))
        for cell in nb.cells:
            name = _hidden_name(cell)
            if name is None:
                continue
            if name in by_name:
                lines, earned = probes.score_isolated(
                    by_name[name], inputs[name], self._scratch.probe_out, static.get(name), self._salt
                )
            else:
                lines, earned = [f"✗ {name}: no hidden tests are defined for this cell"], 0.0
            if self._patch_notes:
                lines, self._patch_notes = self._patch_notes + lines, []
            # The result's metadata keeps the lines apart for the class report (autograder.reports.hidden_reports).
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n"),
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/plain": repr(float(earned))},
                    metadata={"nnfs": {"exercise": name, "lines": lines}},
                    execution_count=cell.get("execution_count"),
                ),
            ]

"""One submission's grading, taken apart: where its seconds go, against the goals of one.

An honest chapter 1 notebook (the chapter's own, every exercise answered) is
graded ``--runs`` times as a worker grades it (``jobs.grade_job``, sandbox
on), with each step timed from outside the kernel:

* files: the worker's private course folder and the submission written into it;
* sandbox and kernel start: bubblewrap, the interpreter, ipykernel, until the
  kernel answers;
* imports: the chapter's setup cell (NumPy, Matplotlib, coursekit);
* the student's cells: every other cell the grader runs, visible tests included;
* probes: the hidden-test cells (each calls the student's functions on the hidden cases);
* checks between cells: the round trip after each student cell that undoes patched modules;
* scoring: reading the probes' results as hostile bytes and judging them, outside the kernel;
* nbgrader's bookkeeping: the rest of ``nbgrader autograde`` (its other
  preprocessors, the gradebook, the autograded notebook written and read back);
* the grading process: what ``grade_job_limited`` adds to that (a process per
  submission from a fork server, its deadline, the outcome sent back).

The floor is what the kernel needs in any case, run this way or not: the
imports, the student's cells and the probes. Goals (issue 17): one submission
≤ 2.5 s wall, grading ≤ 1.5× the floor; ``nnfs-grade --help`` ≤ 0.3 s.

    python tools/benchmark_grading.py [--runs 7]
"""

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbclient.client  # noqa: E402

from autograder import cli  # noqa: E402
from autograder.course import grade_id  # noqa: E402
from autograder.engine import execute  # noqa: E402
from autograder.workflow import jobs  # noqa: E402

CH1 = "ch01_linear_classifiers"


class Timers:
    """Seconds per step of the current run, filled by the wrapped methods."""

    def __init__(self):
        self.seconds = {}

    def add(self, step, seconds):
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds

    def wrap(self, owner, name, step):
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                chosen = step(*args, **kwargs) if callable(step) else step
                self.add(chosen, time.perf_counter() - start)

        setattr(owner, name, timed)


def _cell_step(client, cell, *args, **kwargs):
    if execute._hidden_name(cell):
        return "probes"
    return "imports" if grade_id(cell) == "setup" else "the student's cells"


def course_and_job(folder):
    shutil.copytree(ROOT / "chapters", folder / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    assert cli.main(["--course-dir", str(folder), "release", CH1]) == 0
    notebook = (ROOT / "chapters" / CH1 / f"{CH1}.ipynb").read_bytes()
    material, material_id = jobs.chapter_material(CH1, folder)
    gradebook = jobs.released_gradebook(CH1, folder)
    return jobs.Job(CH1, "student", notebook, "", material, material_id, gradebook, b"benchmark" * 4)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median reported)")
    runs = parser.parse_args(argv).runs

    timers = Timers()
    timers.wrap(jobs, "_worker_course", "files")
    timers.wrap(nbclient.client.NotebookClient, "start_new_kernel", "sandbox and kernel start")
    timers.wrap(nbclient.client.NotebookClient, "start_new_kernel_client", "sandbox and kernel start")
    timers.wrap(nbclient.client.NotebookClient, "execute_cell", _cell_step)
    timers.wrap(execute.SandboxedExecute, "_restore_modules", "checks between cells")
    timers.wrap(execute.SandboxedExecute, "_score", "scoring")
    timers.wrap(execute.SandboxedExecute, "preprocess", "the execute step")

    with tempfile.TemporaryDirectory() as tmp:
        job = course_and_job(Path(tmp))
        jobs.grade_job_limited(job)  # the fork server starts; the sandbox is checked once
        limited = []
        for _ in range(runs):
            start = time.perf_counter()
            outcome = jobs.grade_job_limited(job)
            limited.append(time.perf_counter() - start)
            assert outcome.status == "graded", outcome.notes
        steps, totals = [], []
        for _ in range(runs):
            timers.seconds = {}
            start = time.perf_counter()
            outcome = jobs.grade_job(job)
            totals.append(time.perf_counter() - start)
            jobs.forget_worker_courses()
            assert outcome.status == "graded", outcome.notes
            steps.append(dict(timers.seconds))

    def median(step):
        return statistics.median(s.get(step, 0.0) for s in steps)

    inside = ["sandbox and kernel start", "imports", "the student's cells", "probes", "checks between cells", "scoring"]
    in_process, one = statistics.median(totals), statistics.median(limited)
    rows = [("files", median("files"))] + [(step, median(step)) for step in inside]
    execute_step = median("the execute step")
    rows.append(("nbgrader's bookkeeping", in_process - execute_step - median("files")))
    rows.append(("the execute step's own work", execute_step - sum(median(step) for step in inside)))
    rows.append(("the grading process (fork, deadline, outcome)", one - in_process))
    print(f"One honest submission of {CH1}, sandbox on: medians of {runs} runs.\n")
    for step, seconds in rows:
        print(f"  {step:<48} {seconds:6.2f} s  {100 * seconds / one:4.0f} %")
    floor = median("imports") + median("the student's cells") + median("probes")
    print(f"  {'one submission, as graded':<48} {one:6.2f} s")
    print(f"\nFloor (imports, the student's cells and the probes, in the kernel): {floor:.2f} s")
    print(f"{'ok  ' if one <= 2.5 else 'OVER'} one submission {one:.2f} s (goal ≤ 2.5 s)")
    ratio = one / floor
    print(f"{'ok  ' if ratio <= 1.5 else 'OVER'} grading / floor {ratio:.2f}× (goal ≤ 1.5×)")
    if ratio > 1.5:
        floor_steps = ("imports", "the student's cells", "probes")
        rest = sorted((s for s in rows if s[0] not in floor_steps), key=lambda s: s[1], reverse=True)[:2]
        print("     most of the rest: " + "; ".join(f"{step} {seconds:.2f} s" for step, seconds in rest))

    helps = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", "--help"], check=True, capture_output=True)
        helps.append(time.perf_counter() - start)
    seconds = statistics.median(helps)
    print(f"{'ok  ' if seconds <= 0.3 else 'OVER'} nnfs-grade --help {seconds:.2f} s (goal ≤ 0.3 s)")


if __name__ == "__main__":
    main()

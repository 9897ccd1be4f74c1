"""Print timings against the course's budgets (medians over several runs).

Budgets on a 2-core machine: each chapter notebook executes in ≤ 15 s,
rebuilding the book with nothing changed takes ≤ 30 s, autograding one
student's chapter notebook takes ≤ 4 s. Each figure comes with a baseline
measured in the same run, so the ratio says how much of the time is the
course's own:

* notebook execution vs. an empty notebook (kernel start-up alone);
* autograding in the sandbox vs. the same grading without the sandbox;
* an unchanged rebuild vs. the first (cold) build.

    python tools/benchmark.py [--runs 3]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from execute_notebooks import execute  # noqa: E402

from autograder.course import chapters  # noqa: E402
from autograder.engine import sandbox  # noqa: E402
from autograder.workflow import grading  # noqa: E402
from autograder.workflow.release import release  # noqa: E402


def median_time(action, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label, seconds, budget, baseline_label, baseline):
    mark = "ok  " if seconds <= budget else "OVER"
    print(
        f"{mark} {label:<44} {seconds:6.2f} s  (budget {budget:4.0f} s; "
        f"{seconds / baseline:5.1f}× {baseline_label} {baseline:.2f} s)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print timings against the course's budgets.")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    runs = parser.parse_args(argv).runs

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nbformat.write(
            nbformat.v4.new_notebook(
                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
            ),
            empty,
        )
        kernel = median_time(lambda: execute(empty), runs)

        print(f"Medians of {runs} runs.\n\nChapter notebooks, executed in a fresh kernel")
        executed = {}
        for chapter in chapters():
            path = ROOT / "chapters" / chapter / f"{chapter}.ipynb"
            executed[chapter] = median_time(lambda: execute(path), runs)
            row(chapter, executed[chapter], 15, "empty notebook", kernel)

        print(
            "\nAutograding one student's notebook (nbgrader, in-process API), sandbox on,\n"
            "against the same grading with the sandbox off"
        )
        course = Path(tmp) / "course"
        shutil.copytree(ROOT / "chapters", course / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
        release(chapters(), course, log=lambda *_: None)
        api = grading.nbgrader_api(course)
        for chapter in chapters():
            target = course / "submitted" / "student" / chapter
            target.mkdir(parents=True)
            shutil.copy(ROOT / "chapters" / chapter / f"{chapter}.ipynb", target)
            seconds = median_time(lambda: grading.grade_student(api, chapter, "student", course), runs)
            os.environ[sandbox.UNSANDBOXED_ENV] = "1"
            try:
                bare = median_time(lambda: grading.grade_student(api, chapter, "student", course), runs)
            finally:
                del os.environ[sandbox.UNSANDBOXED_ENV]
            row(chapter, seconds, 4, "unsandboxed", bare)

    print("\nBook")
    build = [sys.executable, str(ROOT / "tools" / "build_book.py")]
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "autograder", "release"], cwd=ROOT, check=True, capture_output=True)
    cold = median_time(lambda: subprocess.run(build, cwd=ROOT, check=True, capture_output=True), 1)
    warm = median_time(lambda: subprocess.run(build, cwd=ROOT, check=True, capture_output=True), runs)
    row("rebuild with nothing changed", warm, 30, "cold build", cold)


if __name__ == "__main__":
    main()

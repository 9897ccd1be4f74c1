"""The instructor's semester on LMS data, timed: collect, grade, feedback twice, export; export for 100.

A class of ``--students`` (25) hands in chapter 1 through a Canvas zip built
by Canvas's naming rules (``tests/lms_fixtures.py``): most complete, some
blank, some partly wrong. Each step is run as the instructor runs it, in a
fresh process (``nnfs-grade …``), and timed:

* collect the zip; grade (2 jobs, sandbox on);
* feedback the first time (every page written) and again with nothing
  changed; then after one override (one page written);
* export the table, the Canvas import and the Moodle worksheet;
* export for a class of ``--large`` (100) whose grades are written into the
  gradebook as the grader records them (no notebook run).

Budgets (2 cores): feedback with nothing changed ≤ 10 s for the class,
≤ 0.3 s per page written; export ≤ 1 s for 100 students. Each line also
gives the CPU time the command used (its processes and their children): on
a machine shared with other work the wall time grows, the CPU time much less.

    python tools/benchmark_lms.py [--students 25] [--large 100]
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from lms_fixtures import CH1, Student, canvas_gradebook_export, canvas_zip, record_grades  # noqa: E402

from autograder.course import grade_id  # noqa: E402

NNFS = [sys.executable, "-m", "autograder"]


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label, args, root, budget=None, per=None, expect=(0,)):
    """Run one command in a fresh process; print its wall time (against ``budget``) and the CPU it used."""
    start, cpu = time.perf_counter(), _cpu()
    run = subprocess.run(NNFS + ["--course-dir", str(root), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu
    if run.returncode not in expect:
        raise SystemExit(f"{label} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    line = f"{label:<52} {seconds:7.2f} s  (CPU {cpu:6.1f} s)"
    if per:
        line += f"  {seconds / per:5.2f} s per page ({per} written)"
    if budget is not None:
        line = ("ok   " if seconds <= budget else "OVER ") + line + f"  (budget {budget:g} s)"
    else:
        line = "     " + line
    print(line, flush=True)
    return seconds, run.stdout


def students(count, first_id=30001):
    return [
        Student(
            f"Given{n}",
            f"Family{n}",
            str(first_id + n),
            str(5500000 + n),
            sis_user_id=f"S{n:04d}",
            sis_login_id=f"login{n}",
            section=f"Section {'AB'[n % 2]}",
        )
        for n in range(count)
    ]


def class_notebooks(root, roster):
    """``{user id: bytes}``: mostly the chapter answered, every 7th blank, every 5th one exercise missing."""
    source = nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)
    released = nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    first = next(iter(answers))
    out = {}
    for n, s in enumerate(roster):
        nb = nbformat.from_dict(released)
        if n % 7 != 3:
            for cell in nb.cells:
                if grade_id(cell) in answers and not (n % 5 == 2 and grade_id(cell) == first):
                    cell.source = answers[grade_id(cell)]
        out[s.canvas_id] = nbformat.writes(nb).encode()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=25)
    parser.add_argument("--large", type=int, default=100)
    args = parser.parse_args(argv)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(NNFS + ["--course-dir", str(root), "release", CH1], check=True, capture_output=True)
        roster = students(args.students)
        archive = canvas_zip(Path(tmp) / "submissions.zip", roster, class_notebooks(root, roster))
        (Path(tmp) / "grades.csv").write_bytes(canvas_gradebook_export(roster, [("Chapter 1", "48213", 16.0)]))
        (root / "lms.toml").write_text(f"[canvas]\n{CH1} = 48213\n")
        n = args.students
        print(f"A class of {n}, chapter 1, from a Canvas zip; 2 cores, sandbox on. Each step a fresh process.\n")
        timed("roster import (Canvas gradebook export)", ["roster", "import", str(Path(tmp) / "grades.csv")], root)
        timed(f"collect {n} from the zip", ["collect", CH1, "--from-zip", str(archive)], root)
        timed(f"grade {n} (--jobs 2)", ["grade", CH1, "--jobs", "2"], root)
        timed(f"feedback, first run ({n} pages)", ["feedback", CH1], root, budget=0.3 * n, per=n)
        timed("feedback again, nothing changed", ["feedback", CH1], root, budget=10)
        first = roster[0].canvas_id
        subprocess.run(
            NNFS + ["--course-dir", str(root), "override", "set", CH1, first, "accuracy", "1", "-m", "benchmark"],
            check=True,
            capture_output=True,
        )
        timed("feedback after one override (1 page)", ["feedback", CH1], root, budget=10)
        timed(f"export table ({n})", ["export", CH1, "--to", str(Path(tmp) / "t.csv")], root, budget=1)
        timed(
            f"export canvas ({n})", ["export", "--format", "canvas", "--to", str(Path(tmp) / "c.csv")], root, budget=1
        )
        timed(
            f"export moodle ({n}: not Moodle ids, all named)",
            ["export", CH1, "--format", "moodle", "--to", str(Path(tmp) / "m.csv")],
            root,
            expect=(1,),
        )

        large = Path(tmp) / "large"
        (large / "chapters" / CH1).mkdir(parents=True)
        shutil.copy(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", large / "chapters" / CH1)
        big = students(args.large, first_id=40001)
        record_grades(large, CH1, {s.canvas_id: ({"accuracy": 1} if i % 3 else {}) for i, s in enumerate(big)})
        (Path(tmp) / "big.csv").write_bytes(canvas_gradebook_export(big, [("Chapter 1", "48213", 10.0)]))
        subprocess.run(
            NNFS + ["--course-dir", str(large), "roster", "import", str(Path(tmp) / "big.csv")],
            check=True,
            capture_output=True,
        )
        (large / "lms.toml").write_text(f"[canvas]\n{CH1} = 48213\n")
        print(f"\nA class of {args.large} in the gradebook (grades recorded, nothing run):\n")
        m = args.large
        timed(f"export table ({m})", ["export", CH1, "--to", str(Path(tmp) / "T.csv")], large, budget=1)
        timed(
            f"export canvas ({m})", ["export", "--format", "canvas", "--to", str(Path(tmp) / "C.csv")], large, budget=1
        )
        from autograder.workflow import export

        start = time.perf_counter()
        export.export(Path(tmp) / "C2.csv", large, fmt="canvas")
        print(f"     {'export canvas in one process, without start-up':<52} {time.perf_counter() - start:7.2f} s")


if __name__ == "__main__":
    main()

"""Grading a class at scale: seconds per notebook serially, in a pool, on Dask, against the raw floor.

A class of ``--students`` copies of chapter 1 with realistic variety (full,
blank and partly correct submissions, and one endless loop) is graded from
scratch in each mode, sandbox on, in fresh copies of one course folder:

* serial (``--jobs 1``), a process pool (``--jobs 2``), a Dask
  ``LocalCluster`` of two workers (``--scheduler local --jobs 2``);
* the floor: the same notebooks only executed, two at a time, with no
  grading and no sandbox (what a kernel needs anyway).

It prints the wall time of each, per notebook, and its ratio to the floor.
Goals on 2 cores (issue 17): a class of 100 in at most a minute (0.6 s per
notebook) with 2 jobs, grading at most 1.5 times the floor.

    python tools/benchmark_scale.py [--students 100] [--chapter ch01_linear_classifiers]
"""

import argparse
import concurrent.futures
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from execute_notebooks import execute  # noqa: E402

from autograder import cli  # noqa: E402
from autograder.course import grade_id  # noqa: E402
from autograder.workflow import grading  # noqa: E402

LOOP = "while True:\n        pass\n"


def variety(source, released, students):
    """``{student: notebook}``: mostly full, some blank, some partly wrong, one endless loop."""
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    names = list(answers)

    def answered(**replace):
        nb = nbformat.from_dict(released)
        for cell in nb.cells:
            if grade_id(cell) in answers:
                cell.source = replace.get(grade_id(cell), answers[grade_id(cell)])
        return nb

    first = answers[names[0]]
    head = first[: first.index(":", first.index("def ")) + 1]  # "def name(...):"
    class_ = {}
    for number in range(students):
        if number == 0:
            nb = answered(**{names[0]: f"{head}\n    {LOOP}"})
        elif number % 10 == 1:
            nb = released
        elif number % 5 == 2:
            nb = answered(**{names[-1]: released.cells[[grade_id(c) for c in released.cells].index(names[-1])].source})
        else:
            nb = answered()
        class_[f"s{number:03d}"] = nb
    return class_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--chapter", default="ch01_linear_classifiers")
    args = parser.parse_args(argv)
    chapter = args.chapter
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        shutil.copytree(ROOT / "chapters", template / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
        cli.main(["--course-dir", str(template), "release", chapter])
        source = nbformat.read(ROOT / "chapters" / chapter / f"{chapter}.ipynb", as_version=4)
        released = nbformat.read(template / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        downloads = Path(tmp) / "downloads"
        for student, nb in variety(source, released, args.students).items():
            (downloads / student).mkdir(parents=True)
            nbformat.write(nb, downloads / student / f"{chapter}.ipynb")
        cli.main(["--course-dir", str(template), "collect", chapter, "--from-dir", str(downloads)])
        grading.grade_chapter(chapter, ["s002"], template)  # the worker gradebook is made once, cached

        notebooks = sorted(downloads.glob(f"*/{chapter}.ipynb"))
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # as graded: figures not drawn
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            list(
                pool.map(
                    lambda path: (
                        execute(path, timeout=20, glue=False, allow_errors=True) if path.parent.name != "s000" else None
                    ),
                    notebooks,
                )
            )
        floor = time.perf_counter() - start
        del os.environ["NBGRADER_EXECUTION"]
        n = len(notebooks)
        print(f"A class of {n} notebooks of {chapter} (one endless loop), 2 cores, sandbox on.\n")
        print(
            f"{'floor: executed only, 2 at a time':<42} {floor:7.1f} s  {floor / n:5.2f} s per notebook"
            f"  (the endless loop not run)"
        )
        for label, options in (
            ("graded serially", {"jobs": 1}),
            ("graded with --jobs 2", {"jobs": 2}),
            ("graded on Dask LocalCluster(2)", {"jobs": 2, "scheduler": "local"}),
        ):
            course = Path(tmp) / label.replace(" ", "_")
            shutil.copytree(template, course, symlinks=True)
            start = time.perf_counter()
            results = grading.grade_chapter(chapter, root=course, force=True, **options)
            seconds = time.perf_counter() - start
            graded = sum(r.status == "graded" for r in results)
            print(
                f"{label:<42} {seconds:7.1f} s  {seconds / n:5.2f} s per notebook  "
                f"{seconds / floor:4.2f}× floor  ({graded} graded)"
            )
            shutil.rmtree(course, ignore_errors=True)
            if options == {"jobs": 2}:
                with_two = seconds
        per, ratio = with_two / n, with_two / floor
        mark = "ok  " if per <= 0.6 else "OVER"
        print(f"\n{mark} with 2 jobs {per:.2f} s per notebook (goal ≤ 0.60 s: 100 in a minute)")
        print(f"{'ok  ' if ratio <= 1.5 else 'OVER'} with 2 jobs {ratio:.2f}× the floor (goal ≤ 1.5×)")
        if per > 0.6:
            print("     where one submission's time goes: tools/benchmark_grading.py (make benchmark runs it first)")


if __name__ == "__main__":
    main()

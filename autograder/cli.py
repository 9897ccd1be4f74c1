"""``nnfs-grade``: the instructor's commands, over nbgrader's own API.

    nnfs-grade release [CHAPTER ...]                 student versions -> release/
    nnfs-grade collect CHAPTER --from-dir DIR        a folder per student -> submitted/
    nnfs-grade collect CHAPTER --from-zip FILE       an LMS zip -> submitted/
    nnfs-grade grade CHAPTER [--student ID ...]      autograde (sandboxed), print a summary table
    nnfs-grade feedback CHAPTER [--student ID ...]   HTML feedback -> feedback/
    nnfs-grade export [--to grades.csv]              all grades as CSV
    nnfs-grade run CHAPTER --from-zip FILE           collect, grade, feedback, export in one go

Run from anywhere; ``--course-dir`` picks the course folder (default: this
checkout). The stock ``nbgrader`` commands work from the course folder too.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

from . import collect, grading, release, sandbox
from .course import ROOT, check_chapter, chapters


def _add_source(p):
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-dir", type=Path, help="folder with one sub-folder per student")
    source.add_argument("--from-zip", type=Path, help="zip downloaded from the LMS")
    p.add_argument("--pattern", help="regex for zip member paths with a (?P<student>...) group")


def _add_unsandboxed(p):
    p.add_argument(sandbox.UNSANDBOXED_FLAG, action="store_true",
                   help="grade even where the sandbox cannot start: student code can then read the "
                        "reference solutions and every file you can (see the instructor guide)")


def _parser():
    parser = argparse.ArgumentParser(prog="nnfs-grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--course-dir", type=Path, default=ROOT, help="course folder (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("release", help="make the student version of chapters")
    p.add_argument("chapters", nargs="*", help="chapter names (default: all)")

    p = commands.add_parser("collect", help="copy submissions into submitted/")
    p.add_argument("chapter")
    _add_source(p)

    for name, text in (("grade", "autograde submissions"), ("feedback", "write HTML feedback")):
        p = commands.add_parser(name, help=text)
        p.add_argument("chapter")
        p.add_argument("--student", action="append", help="only this student (repeatable)")
        if name == "grade":
            _add_unsandboxed(p)

    p = commands.add_parser("export", help="export all grades as CSV")
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="CSV file (default: %(default)s)")

    p = commands.add_parser("run", help="collect, grade, feedback and export in one go")
    p.add_argument("chapter")
    _add_source(p)
    _add_unsandboxed(p)
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="CSV file (default: %(default)s)")
    return parser


def _release(args, root):
    names = [check_chapter(c, root) for c in args.chapters] or chapters(root)
    try:
        release.release(names, root)
    except release.ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _collect(args, root):
    chapter = check_chapter(args.chapter, root)
    if args.from_dir:
        report = collect.collect_folder(chapter, args.from_dir, root)
    else:
        report = collect.collect_zip(chapter, args.from_zip, root, args.pattern)
    print("\n".join(report.lines()) or "nothing to collect")
    return 0


def _grade(args, root):
    chapter = check_chapter(args.chapter, root)
    results = grading.grade_chapter(chapter, getattr(args, "student", None), root)
    print(grading.summary_table(chapter, results) if results else f"no submissions for {chapter}")
    return 0


def _feedback(args, root):
    chapter = check_chapter(args.chapter, root)
    written, problems = grading.feedback_chapter(chapter, getattr(args, "student", None), root)
    for folder in written:
        print(f"feedback: {folder.relative_to(root)}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _export(args, root):
    path = grading.export_grades(args.to, root)
    print(f"grades written to {path}")
    return 0


def _run(args, root):
    status = 0
    for step in (_collect, _grade, _feedback, _export):
        status = max(status, step(args, root))
    return status


COMMANDS = {"release": _release, "collect": _collect, "grade": _grade, "feedback": _feedback,
            "export": _export, "run": _run}


def main(argv=None):
    args = _parser().parse_args(argv)
    if getattr(args, "unsandboxed", False):
        os.environ[sandbox.UNSANDBOXED_ENV] = "1"
    # nbgrader 0.9.6 trips SQLAlchemy's autoflush warnings on every submission; they are harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    return COMMANDS[args.command](args, args.course_dir.resolve())


if __name__ == "__main__":
    sys.exit(main())

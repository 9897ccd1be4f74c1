"""``nnfs-grade``: the instructor's commands, over nbgrader's own API.

    nnfs-grade release [CHAPTER ...]                 student versions -> release/
    nnfs-grade collect CHAPTER --from-dir DIR        a folder per student -> submitted/
    nnfs-grade collect CHAPTER --from-zip FILE       an LMS zip -> submitted/
    nnfs-grade grade CHAPTER [--student ID ...]      autograde (sandboxed) what is new or changed
        [--jobs N] [--scheduler ADDRESS|local] [--force]
    nnfs-grade feedback CHAPTER [--student ID ...]   HTML feedback -> feedback/
    nnfs-grade export [CHAPTER] [--to grades.csv] [--format table|canvas|moodle]
                                                     grades an LMS can take (no row or an empty
                                                     cell for what was not submitted)
    nnfs-grade run CHAPTER --from-zip FILE           collect, grade, feedback, export in one go
    nnfs-grade similarity CHAPTER [--top N]          most similar pairs -> reports/<chapter>-similarity.html
    nnfs-grade report CHAPTER [--to FILE.html]       the class dashboard -> reports/<chapter>.html

Run from anywhere; ``--course-dir`` picks the course folder (default: this
checkout) and ``--db`` the gradebook (default: its gradebook.db; any SQLAlchemy
URL nbgrader accepts, e.g. postgresql+psycopg2://user@host/db). The stock
``nbgrader`` commands work from the course folder too.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

from . import class_report, collect, export, grading, release, sandbox, similarity
from .course import ROOT, check_chapter, chapters


def _add_source(p):
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-dir", type=Path, help="folder with one sub-folder per student")
    source.add_argument("--from-zip", type=Path, help="zip downloaded from the LMS")
    p.add_argument("--pattern", help="regex for zip member paths with a (?P<student>...) group")


def _add_grading_options(p):
    p.add_argument(sandbox.UNSANDBOXED_FLAG, action="store_true",
                   help="grade even where the sandbox cannot start: student code can then read the "
                        "reference solutions and every file you can (see the instructor guide)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once, each in its own sandbox (default: %(default)s, the cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
                        "LocalCluster of --jobs workers on this machine")
    p.add_argument("--force", action="store_true",
                   help="grade again even submissions unchanged since they were last graded")


def _add_export_options(p):
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="CSV file (default: %(default)s)")
    p.add_argument("--format", choices=export.FORMATS, default="table",
                   help="table: a row per student and submitted chapter, per-exercise columns; "
                        "canvas / moodle: those LMSs' gradebook import layouts (default: %(default)s)")


def _parser():
    parser = argparse.ArgumentParser(prog="nnfs-grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--course-dir", type=Path, default=ROOT, help="course folder (default: %(default)s)")
    parser.add_argument("--db", metavar="URL", help="gradebook database (default: COURSE_DIR/gradebook.db)")
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
            _add_grading_options(p)

    p = commands.add_parser("export", help="export grades as CSV (for an LMS)")
    p.add_argument("chapter", nargs="?", help="only this chapter (default: all)")
    _add_export_options(p)

    p = commands.add_parser("run", help="collect, grade, feedback and export in one go")
    p.add_argument("chapter")
    _add_source(p)
    _add_grading_options(p)
    _add_export_options(p)

    p = commands.add_parser("similarity", help="compare students' code pairwise, write an HTML report")
    p.add_argument("chapter")
    p.add_argument("--top", type=int, default=similarity.TOP,
                   help="pairs shown side by side (default: %(default)s); the ranking lists every "
                        f"pair scoring {similarity.LOOK_AT} or more too")
    p.add_argument("--to", type=Path, help="HTML report (default: reports/<chapter>-similarity.html)")

    p = commands.add_parser("report", help="write the class dashboard of a chapter (static HTML)")
    p.add_argument("chapter")
    p.add_argument("--to", type=Path, help="HTML file (default: reports/<chapter>.html in the course folder)")
    return parser


def _release(args, root):
    names = [check_chapter(c, root) for c in args.chapters] or chapters(root)
    try:
        release.release(names, root, db_url=args.db)
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
    print("\n".join(report.lines()))
    return 0 if report.complete else 1


def _grade(args, root):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    chapter = check_chapter(args.chapter, root)
    columns = (TextColumn("grading {task.fields[chapter]}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[last]}"))
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("grade", total=None, chapter=chapter, last="")

        def progress(done, total, student):
            bar.update(task, completed=done, total=total, last=student or "")

        results = grading.grade_chapter(chapter, getattr(args, "student", None), root, jobs=args.jobs,
                                        scheduler=args.scheduler, force=args.force, db_url=args.db,
                                        progress=progress)
    console = Console(width=max(Console().width, 120))
    console.print(grading.summary_table(chapter, results) if results else f"no submissions for {chapter}")
    return 0


def _feedback(args, root):
    chapter = check_chapter(args.chapter, root)
    written, problems = grading.feedback_chapter(chapter, getattr(args, "student", None), root, args.db)
    for folder in written:
        print(f"feedback: {folder.relative_to(root)}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _export(args, root):
    chapter = check_chapter(args.chapter, root) if args.chapter else None
    path, count = export.export(args.to, root, args.db, chapter, args.format)
    print(f"{count} graded submissions written to {path} ({args.format})")
    return 0


def _run(args, root):
    status = 0
    for step in (_collect, _grade, _feedback, _export):
        status = max(status, step(args, root))
    return status


def _similarity(args, root):
    chapter = check_chapter(args.chapter, root)
    result = similarity.similarity(chapter, root)
    path = similarity.write_report(result, args.to or similarity.default_report_path(chapter, root), args.top)
    print("\n".join(result.lines(args.top)))
    print(f"report: {path}")
    return 0


def _report(args, root):
    chapter = check_chapter(args.chapter, root)
    path = class_report.write_report(chapter, root, args.to, args.db)
    print(f"class report written to {path}")
    return 0


COMMANDS = {"release": _release, "collect": _collect, "grade": _grade, "feedback": _feedback,
            "export": _export, "run": _run, "similarity": _similarity, "report": _report}


def main(argv=None):
    args = _parser().parse_args(argv)
    if getattr(args, "unsandboxed", False):
        os.environ[sandbox.UNSANDBOXED_ENV] = "1"
    # nbgrader 0.9.6 trips SQLAlchemy's autoflush warnings on every submission; they are harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    return COMMANDS[args.command](args, args.course_dir.resolve())


if __name__ == "__main__":
    sys.exit(main())

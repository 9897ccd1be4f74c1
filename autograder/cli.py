"""``nnfs-grade``: the instructor's commands, over nbgrader's own API.

    nnfs-grade release [CHAPTER ...]                 student versions -> release/
    nnfs-grade collect CHAPTER --from-zip FILE       a Canvas or Moodle download (zip) -> submitted/
    nnfs-grade collect CHAPTER --from-dir DIR        a folder per student (or an extracted download)
    nnfs-grade roster import FILE [--chapter CH]     names, SIS ids, sections from the LMS's own export
    nnfs-grade grade CHAPTER [--student ID ...]      autograde (sandboxed) what is new or changed
        [--jobs N] [--scheduler ADDRESS|local] [--force] [--drop-overrides]
    nnfs-grade feedback CHAPTER [--student ID ...]   HTML feedback -> feedback/ (what changed; --force: all)
    nnfs-grade override set|list|undo ...            a person's score for an exercise, with a comment
    nnfs-grade export [CHAPTER] [--to FILE.csv] [--format table|canvas|moodle]
                                                     grades for people, or the file Canvas / Moodle import
    nnfs-grade run CHAPTER --from-zip FILE           collect, grade, feedback, export in one go
    nnfs-grade similarity CHAPTER [--top N]          most similar pairs -> reports/<chapter>-similarity.html
    nnfs-grade report CHAPTER [--to FILE.html]       the class dashboard -> reports/<chapter>.html

Run from anywhere; ``--course-dir`` picks the course folder (default: this
checkout) and ``--db`` the gradebook (default: its gradebook.db; any SQLAlchemy
URL nbgrader accepts, e.g. postgresql+psycopg2://user@host/db). A command that
could not do all it was asked (a student not collected, a grade not exported)
says what and why, and exits with 1. The stock ``nbgrader`` commands work
from the course folder too.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

from autograder.course import ROOT, chapters, check_chapter

# Modules are imported by the commands that use them: `export` and `override list` answer in well under a
# second, without loading nbgrader's application (2 s) or the grading machinery.
FORMATS = ("table", "canvas", "moodle")
UNSANDBOXED_FLAG = "--unsandboxed"
TOP = 10


def _add_source(p):
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-dir", type=Path, help="folder with one sub-folder per student")
    source.add_argument("--from-zip", type=Path, help="zip downloaded from the LMS")
    p.add_argument("--pattern", help="regex for zip member paths with a (?P<student>...) group")


def _add_grading_options(p):
    p.add_argument(
        UNSANDBOXED_FLAG,
        action="store_true",
        help="grade even where the sandbox cannot start: student code can then read the "
        "reference solutions and every file you can (see the instructor guide)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="submissions graded at once, each in its own sandbox (default: %(default)s, the cores)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a "
        "LocalCluster of --jobs workers on this machine",
    )
    p.add_argument(
        "--force", action="store_true", help="grade again even submissions unchanged since they were last graded"
    )
    p.add_argument(
        "--drop-overrides",
        action="store_true",
        help="remove the scores a person set (nnfs-grade override) of the submissions graded now; "
        "by default regrading keeps them",
    )


def _add_export_options(p):
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="CSV file (default: %(default)s)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table: a row per student and submitted chapter, per-exercise columns; canvas: Canvas's "
        "gradebook import; moodle: Moodle's grading worksheet of one assignment (default: %(default)s)",
    )
    p.add_argument(
        "--mapping",
        type=Path,
        metavar="LMS.TOML",
        help="which LMS assignment takes each chapter (default: COURSE_DIR/lms.toml)",
    )


def _parser():
    parser = argparse.ArgumentParser(
        prog="nnfs-grade",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--course-dir", type=Path, default=ROOT, help="course folder (default: %(default)s)")
    parser.add_argument("--db", metavar="URL", help="gradebook database (default: COURSE_DIR/gradebook.db)")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("release", help="make the student version of chapters")
    p.add_argument("chapters", nargs="*", help="chapter names (default: all)")

    p = commands.add_parser("collect", help="copy submissions into submitted/")
    p.add_argument("chapter")
    _add_source(p)

    p = commands.add_parser("roster", help="the class list from the LMS's own export")
    roster_commands = p.add_subparsers(dest="roster_command", required=True)
    q = roster_commands.add_parser("import", help="read a Canvas gradebook export or a Moodle grading worksheet")
    q.add_argument("file", type=Path)
    q.add_argument("--chapter", help="the chapter whose Moodle assignment the worksheet is of (Moodle only)")
    q = roster_commands.add_parser("show", help="list the roster")
    q.add_argument("chapter", nargs="?")

    for name, text in (("grade", "autograde submissions"), ("feedback", "write HTML feedback")):
        p = commands.add_parser(name, help=text)
        p.add_argument("chapter")
        p.add_argument("--student", action="append", help="only this student (repeatable)")
        if name == "grade":
            _add_grading_options(p)
        else:
            p.add_argument(
                "--force",
                action="store_true",
                help="write every page again, not only those whose grades, comments, roster name or "
                "graded notebook changed since they were written",
            )
            p.add_argument(
                "--jobs",
                type=int,
                default=os.cpu_count() or 1,
                help="pages written at once (default: %(default)s, the cores)",
            )

    p = commands.add_parser("override", help="a person's score for an exercise (manual review)")
    override_commands = p.add_subparsers(dest="override_command", required=True)
    q = override_commands.add_parser("set", help="set an exercise's points, with a comment the student sees")
    q.add_argument("chapter")
    q.add_argument("student", help="the student's id (or a part of their name that only they have)")
    q.add_argument("exercise")
    q.add_argument("points", type=float)
    q.add_argument("--comment", "-m", required=True, help="why (shown on the student's feedback page)")
    q = override_commands.add_parser("list", help="every override, with the grader's score and the comment")
    q.add_argument("chapter", nargs="?")
    q = override_commands.add_parser("undo", help="give the exercise back the grader's score")
    q.add_argument("chapter")
    q.add_argument("student")
    q.add_argument("exercise", nargs="?", help="default: every override of that student in the chapter")

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
    p.add_argument(
        "--top",
        type=int,
        default=TOP,
        help="pairs shown side by side (default: %(default)s); the ranking lists every pair scoring 0.5 or more too",
    )
    p.add_argument("--to", type=Path, help="HTML report (default: reports/<chapter>-similarity.html)")

    p = commands.add_parser("report", help="write the class dashboard of a chapter (static HTML)")
    p.add_argument("chapter")
    p.add_argument("--to", type=Path, help="HTML file (default: reports/<chapter>.html in the course folder)")
    return parser


def _release(args, root):
    from autograder.workflow import release

    names = [check_chapter(c, root) for c in args.chapters] or chapters(root)
    try:
        release.release(names, root, db_url=args.db)
    except release.ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _collect(args, root):
    from autograder.workflow import collect

    chapter = check_chapter(args.chapter, root)
    if args.from_dir:
        report = collect.collect_folder(chapter, args.from_dir, root)
    else:
        report = collect.collect_zip(chapter, args.from_zip, root, args.pattern)
    print("\n".join(report.lines()))
    return 0 if report.complete else 1


def _roster(args, root):
    from autograder.workflow import roster

    if args.roster_command == "import":
        chapter = check_chapter(args.chapter, root) if args.chapter else None
        print("\n".join(roster.import_file(args.file, root, chapter)))
    else:
        print("\n".join(roster.show(root, check_chapter(args.chapter, root) if args.chapter else None)))
    return 0


def _grade(args, root):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from autograder.workflow import grading, overrides

    chapter = check_chapter(args.chapter, root)
    columns = (
        TextColumn("grading {task.fields[chapter]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("grade", total=None, chapter=chapter, last="")

        def progress(done, total, student):
            bar.update(task, completed=done, total=total, last=student or "")

        results = grading.grade_chapter(
            chapter,
            getattr(args, "student", None),
            root,
            jobs=args.jobs,
            scheduler=args.scheduler,
            force=args.force,
            db_url=args.db,
            progress=progress,
        )
    if args.drop_overrides:
        for result in results:
            if result.status == "graded":
                for undone in overrides.undo(chapter, result.student, root=root, db_url=args.db):
                    result.notes.append(f"override dropped: {undone.exercise} {undone.score:g}")
    console = Console(width=max(Console().width, 120))
    console.print(
        grading.summary_table(chapter, results, root, args.db) if results else f"no submissions for {chapter}"
    )
    # Work left undone (a submission skipped, or not graded within its limits) is an error.
    return 1 if any(r.status in ("failed", "skipped") for r in results) else 0


def _feedback(args, root):
    from autograder.workflow.feedback_pages import write_pages

    chapter = check_chapter(args.chapter, root)
    written, problems = write_pages(
        chapter,
        getattr(args, "student", None),
        root,
        args.db,
        force=getattr(args, "force", False),
        jobs=getattr(args, "jobs", 1),
    )
    print("\n".join(written.lines(root)))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _override(args, root):
    from autograder.workflow import overrides
    from autograder.workflow.roster import Roster

    roster = Roster.load(root)
    try:
        if args.override_command == "set":
            chapter = check_chapter(args.chapter, root)
            made = overrides.set_override(
                chapter, args.student, args.exercise, args.points, args.comment, root, args.db
            )
            print(f"override: {overrides.describe(made, roster)}")
            print(f"run `nnfs-grade feedback {chapter}` to show it on the feedback page")
        elif args.override_command == "list":
            chapter = check_chapter(args.chapter, root) if args.chapter else None
            found = overrides.list_overrides(root, args.db, chapter)
            print("\n".join(overrides.describe(o, roster) for o in found) or "no overrides")
        else:
            chapter = check_chapter(args.chapter, root)
            undone = overrides.undo(chapter, args.student, args.exercise, root, args.db)
            for o in undone:
                print(f"undone: {overrides.describe(o, roster)}")
            print("nothing to undo" if not undone else f"run `nnfs-grade feedback {chapter}` to update the page")
    except overrides.OverrideError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _export(args, root):
    from autograder.workflow import export

    chapter = check_chapter(args.chapter, root) if args.chapter else None
    result = export.export(args.to, root, args.db, chapter, args.format, args.mapping)
    print("\n".join(result.lines()))
    return 1 if result.left_out else 0


def _run(args, root):
    status = 0
    for step in (_collect, _grade, _feedback, _export):
        status = max(status, step(args, root))
    return status


def _similarity(args, root):
    from autograder.reports import similarity

    chapter = check_chapter(args.chapter, root)
    result = similarity.similarity(chapter, root)
    path = similarity.write_report(result, args.to or similarity.default_report_path(chapter, root), args.top)
    print("\n".join(result.lines(args.top)))
    print(f"report: {path}")
    return 0


def _report(args, root):
    from autograder.reports import class_report

    chapter = check_chapter(args.chapter, root)
    path = class_report.write_report(chapter, root, args.to, args.db)
    print(f"class report written to {path}")
    return 0


COMMANDS = {
    "release": _release,
    "collect": _collect,
    "roster": _roster,
    "grade": _grade,
    "feedback": _feedback,
    "override": _override,
    "export": _export,
    "run": _run,
    "similarity": _similarity,
    "report": _report,
}


def main(argv=None):
    args = _parser().parse_args(argv)
    if getattr(args, "unsandboxed", False):
        from autograder.engine import sandbox

        os.environ[sandbox.UNSANDBOXED_ENV] = "1"
    # nbgrader 0.9.6 trips SQLAlchemy's autoflush warnings on every submission; they are harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    return COMMANDS[args.command](args, args.course_dir.resolve())


if __name__ == "__main__":
    sys.exit(main())

"""nbgrader configuration for the course (read by `nbgrader ...` run from this folder
and by the course's own `nnfs-grade` commands).

The defaults of nbgrader 0.9.6 are changed where they grade honest work wrongly
or let a submission game the grade; each setting says why.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = "nnfs"
# Each chapter folder is one assignment; its notebook is the source version.
c.CourseDirectory.source_directory = "chapters"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
# Never copy code a student submits next to the notebook into the grading folder:
# a `numpy.py`, `autograder/` or edited `coursekit/` would shadow the real ones.
# The grader's own records (what collect saw, the grading notes with their integrity
# flags) stay with the instructor: nbgrader would copy them into the feedback folder.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.py",
    "*.so",
    "*.pyd",
    "*.pth",
    "coursekit",
    "grading.json",
    "submission.json",
]

# The student's code never shares a process with the reference: each submission runs
# in a sandboxed kernel whose hidden-test cells only probe the student's functions;
# scores are computed in the grader's process and written into those cells
# (autograder/engine/execute.py). Grading without the sandbox must be asked for explicitly:
# NNFS_UNSANDBOXED=1 (or `nnfs-grade --unsandboxed`).
c.Autograde.autograde_preprocessors = [
    "autograder.engine.execute.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SandboxedExecute.sandbox = os.environ.get("NNFS_UNSANDBOXED", "") in ("", "0")
# An endless loop costs only the cell it is in: interrupt it and go on. The hidden
# cases of one exercise together get NNFS_PROBE_TIMEOUT seconds.
# (The environment variables let the test suite use shorter limits.)
c.Execute.timeout = int(os.environ.get("NNFS_CELL_TIMEOUT", "20"))
c.Execute.interrupt_on_timeout = True
c.SandboxedExecute.probe_seconds = float(os.environ.get("NNFS_PROBE_TIMEOUT", "10"))
# The instructor's executed notebooks give each cell's usual duration: after a runaway
# cell, later cells get a few times that, not the full limit.
c.SandboxedExecute.source_directory = os.path.join(HERE, "chapters")
# Each submission's hidden inputs are drawn from the course's secret and the notebook's code:
# the same notebook always gets the same score, and expected values read off one feedback
# page do not fit the next submission (autograder/engine/secret.py).
from autograder.engine.secret import FILE_NAME as SECRET_FILE  # noqa: E402

c.SandboxedExecute.secret_file = os.path.join(HERE, SECRET_FILE)
# Quiet kernels: no history file, and ipykernel 7's notice about TCP is not logged.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]

# Output on stderr (a RuntimeWarning, a stray print to stderr) must not zero a
# test cell: failures are exceptions, never stderr text.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Put back test and exercise cells a student deleted, at their place, then let
# nbgrader restore the locked cells' source from the gradebook.
c.RestoreMissingCells.source_directory = os.path.join(HERE, "chapters")
c.OverwriteCells.add_missing_cells = True
# Cells whose nbgrader metadata an editor or converter stripped are matched back to
# the release (by the def line of each exercise and the text of each test cell)
# before anything is restored; a notebook with no exercise to match is refused with
# a message, never graded 0 in silence. Test cells exactly as released get their
# hidden tests back from the gradebook, so unmodified submissions raise no
# "checksum has changed" warnings (autograder/nbgrader_plugins/repair.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograder.nbgrader_plugins.repair.MatchStrippedCells",
    "autograder.nbgrader_plugins.preprocessors.RestoreMissingCells",
    "autograder.nbgrader_plugins.repair.RestoreHiddenTestSource",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback shows the hidden tests' messages, never their code or tracebacks; then it is
# finished to read anywhere: math as MathML (no CDN), exercises named in the score index, a
# summary at the top, no paths of the grading machine (autograder/workflow/feedback.py).
c.GenerateFeedback.post_convert_hook = "autograder.workflow.feedback.polish_hook"
# The hook also sanitises the students' markdown and HTML outputs and makes the page inert: no
# script can run in it (instructors open these pages and upload them to their LMS). nbconvert's own
# sanitize_html is not used: its allowlist escapes headings, paragraphs and images, so the
# chapter's own text would show as markup.
# nbconvert's HTML exporter without its own BeautifulSoup pass over every page (polish parses it
# anyway): the same page for a third less time (autograder/nbgrader_plugins/feedback_exporter.py).
c.GenerateFeedback.exporter_class = "autograder.nbgrader_plugins.feedback_exporter.FeedbackHTMLExporter"
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.nbgrader_plugins.preprocessors.HideHiddenTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# The student version: each stub names the function to write, and `coursekit`
# (the helpers every notebook imports) is copied next to the notebook, so the
# stock `nbgrader generate_assignment` makes the same release as
# `nnfs-grade release` (autograder/workflow/release_steps.py).
from autograder.workflow import release_steps  # noqa: E402

c.GenerateAssignment.preprocessors = release_steps.release_preprocessors()
c.GenerateAssignment.post_convert_hook = release_steps.add_coursekit

# `nbgrader validate`: check every cell, not only the cells worth points. In the
# student version those hold no tests (the hidden tests are the grader's), so by
# default a notebook whose exercises all still raise NotImplementedError "passes
# all the tests"; the visible tests are what tells a student an exercise is
# unfinished.
c.Validator.validate_all = True

# `nbgrader zip_collect CHAPTER`: a Canvas or Moodle zip in downloaded/CHAPTER/archive/,
# read by those systems' naming rules (Canvas user id, Moodle participant id). A
# student's only notebook is collected under the chapter's name even if it was
# renamed (autograder/nbgrader_plugins/zip_collect.py).
from autograder.nbgrader_plugins import zip_collect  # noqa: E402

c.FileNameCollectorPlugin.named_regexp = zip_collect.CANVAS_PATTERN
c.ZipCollectApp.collector_plugin = "autograder.nbgrader_plugins.zip_collect.ChapterNotebookCollector"

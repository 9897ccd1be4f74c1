"""Stock ``nbgrader zip_collect`` for the zips Canvas and Moodle hand out.

``nbgrader zip_collect CHAPTER`` extracts ``downloaded/CHAPTER/archive/*.zip``
and asks the collector plugin whose each file is. ``nbgrader_config.py`` sets
the plugin below, which reads names by the same rules as ``nnfs-grade
collect`` (:mod:`autograder.workflow.canvas`, :mod:`autograder.workflow.moodle`): a Canvas file
is filed under the student's Canvas user id (``anon_<id>`` when anonymous), a
Moodle file under its participant id. Other names go through
``FileNameCollectorPlugin.named_regexp`` (set to :data:`CANVAS_PATTERN`, so a
regular expression of one's own still works). It adds what nbgrader leaves to
the instructor:

* a submitted notebook under another name (Canvas appends ``-1`` to a
  re-upload; students rename files) is collected as the chapter's notebook
  when it is the only notebook of that student, instead of being copied under
  its own name, where ``nbgrader autograde`` would never look;
* macOS resource files (``__MACOSX/``, ``._*``) and checkpoints are skipped;
* a student id nbgrader cannot use safely is reported and skipped.

``nnfs-grade collect`` does more (it names everything not collected, reads
only regular files, caps sizes); prefer it.
"""

import os
from glob import glob

from nbgrader.plugins import FileNameCollectorPlugin

from autograder.course import student_id_problem
from autograder.workflow import canvas, moodle
from autograder.workflow.collect import SKIPPED_PARTS

#: Canvas's names as a regular expression: the first ``_<digits>_<digits>_`` holds the user and attachment
#: ids (``infer_comment_context_from_filename``); anonymous grading writes ``anon_<id>`` instead.
CANVAS_PATTERN = (
    r"^(?:.*[/\\])?(?:(?:(?!_[0-9]+_).)*?_)??(?:LATE_)?"
    r"(?P<student_id>anon_[1-9A-HJ-NP-Za-km-z]{5}|[0-9]+)_[0-9]+_(?P<file_id>[^/\\]+)$"
)


def owner(path):
    """``(student id, file name)`` by Canvas's or Moodle's naming, or ``None``."""
    parts = path.replace("\\", "/").split("/")
    for part in parts[:-1]:
        found = moodle.parse_folder(part)
        if found:
            return found[0], parts[-1]
    member = moodle.parse_member(parts[-1:]) or canvas.parse_member(parts[-1])
    return (member.key, member.file) if member else None


class ChapterNotebookCollector(FileNameCollectorPlugin):
    """Reads Canvas and Moodle names; files a student's only notebook under the chapter's notebook name."""

    def _chapter_notebooks(self):
        coursedir = self.parent.coursedir
        released = coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id)
        return sorted(os.path.basename(path) for path in glob(os.path.join(released, "*.ipynb")))

    def _info(self, submitted_file):
        found = owner(submitted_file)
        if found:
            return {"student_id": found[0], "file_id": found[1]}
        info = super().collect(submitted_file)
        return (
            {key: value for key, value in info.items() if key in ("student_id", "file_id", "timestamp")}
            if info
            else None
        )

    def _notebooks_of(self, student_id, folder):
        found = []
        for top, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(top, name)
                info = self._info(path) if name.endswith(".ipynb") and not name.startswith("._") else None
                if info and info["student_id"] == student_id:
                    found.append(path)
        return found

    def collect(self, submitted_file):
        parts = submitted_file.replace("\\", "/").split("/")
        if any(part in SKIPPED_PARTS for part in parts) or parts[-1].startswith("._"):
            self.log.info("Skipping %s (not a submission)", submitted_file)
            return None
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        info = self._info(submitted_file)
        if not info:
            return None
        problem = student_id_problem(info["student_id"])
        if problem:
            self.log.warning("Skipped %s: %s", submitted_file, problem)
            return None
        chapter_notebooks = self._chapter_notebooks()
        if (
            submitted_file.endswith(".ipynb")
            and len(chapter_notebooks) == 1
            and info["file_id"] not in chapter_notebooks
        ):
            extracted = self.parent._format_collect_path(self.parent.extracted_directory)
            if len(self._notebooks_of(info["student_id"], extracted)) == 1:
                self.log.warning("Collecting %s of %s as %s", info["file_id"], info["student_id"], chapter_notebooks[0])
                info["file_id"] = chapter_notebooks[0]
        return info

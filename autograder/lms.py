"""Stock ``nbgrader zip_collect`` for the zips an LMS (Canvas and the like) hands out.

``nbgrader zip_collect CHAPTER`` extracts ``downloaded/CHAPTER/archive/*.zip``
and reads each file name with ``FileNameCollectorPlugin.named_regexp``;
``nbgrader_config.py`` sets it to :data:`CANVAS_PATTERN`, the Canvas naming
``<id>[_LATE]_<number>_<number>_<file>``. The collector below adds what
nbgrader leaves to the instructor:

* a submitted notebook under another name (Canvas appends ``-1`` to a
  resubmission; students rename files) is collected as the chapter's
  notebook when it is the only notebook of that student, instead of being
  copied under its own name, where ``nbgrader autograde`` would never look;
* macOS resource files (``__MACOSX/``, ``._*``) and checkpoints are skipped;
* a student id nbgrader cannot use safely is reported and skipped.
"""

import os
import re
from glob import glob

from nbgrader.plugins import FileNameCollectorPlugin

from .collect import CANVAS_FILE, SKIPPED_PARTS
from .course import student_id_problem

#: The same names as ``nnfs-grade collect`` reads, with nbgrader's group names, in any folder.
CANVAS_PATTERN = r"^(?:.*[/\\])?" + CANVAS_FILE.replace("<student>", "<student_id>").replace("<file>", "<file_id>") + "$"


class ChapterNotebookCollector(FileNameCollectorPlugin):
    """``FileNameCollectorPlugin`` that files a student's only notebook under the chapter's notebook name."""

    def _chapter_notebooks(self):
        coursedir = self.parent.coursedir
        released = coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id)
        return sorted(os.path.basename(path) for path in glob(os.path.join(released, "*.ipynb")))

    def _notebooks_of(self, student_id, folder):
        found = []
        for name in os.listdir(folder):
            match = re.match(self.named_regexp, os.path.join(folder, name))
            if match and match.group("student_id") == student_id and name.endswith(".ipynb"):
                found.append(name)
        return found

    def collect(self, submitted_file):
        parts = submitted_file.replace("\\", "/").split("/")
        if any(part in SKIPPED_PARTS for part in parts) or parts[-1].startswith("._"):
            self.log.info("Skipping %s (not a submission)", submitted_file)
            return None
        info = super().collect(submitted_file)
        if not info:
            return None
        info = {key: value for key, value in info.items() if key in ("student_id", "file_id", "timestamp")}
        problem = student_id_problem(info["student_id"])
        if problem:
            self.log.warning("Skipped %s: %s", submitted_file, problem)
            return None
        chapter_notebooks = self._chapter_notebooks()
        if submitted_file.endswith(".ipynb") and len(chapter_notebooks) == 1 \
                and info["file_id"] not in chapter_notebooks:
            mine = self._notebooks_of(info["student_id"], os.path.dirname(submitted_file))
            if len(mine) == 1:
                self.log.warning("Collecting %s of %s as %s", info["file_id"], info["student_id"],
                                 chapter_notebooks[0])
                info["file_id"] = chapter_notebooks[0]
        return info

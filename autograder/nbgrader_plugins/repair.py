"""Sanitize preprocessors that repair what students' tools do to a submission before grading.

Both run in ``nbgrader autograde`` (and so in ``nnfs-grade grade``), configured
in ``nbgrader_config.py`` before ``RestoreMissingCells`` and ``OverwriteCells``:

* :class:`MatchStrippedCells`: some editors and converters drop the cells'
  ``nbgrader`` metadata. nbgrader then finds none of the exercise or test
  cells, the hidden tests are put back at the top of the notebook, before the
  student's functions exist, and every exercise scores 0 without a word. The
  cells are matched back to the release instead: an exercise cell by the
  ``def`` line of its function, a locked cell (visible and hidden tests,
  setup) by its released text, in the order of the release. A notebook with
  no metadata and not one exercise to match is refused with a message that
  names the student and says what to do.
* :class:`RestoreHiddenTestSource`: the release holds the hidden test cells
  without their hidden tests, so their checksums differ from the gradebook's
  and ``OverwriteCells`` warns "checksum has changed" for every hidden test
  cell of every unmodified submission. A locked cell that is exactly as
  released gets its source from the gradebook first; a cell the student
  really changed is still reported (and restored) by ``OverwriteCells``.
"""

import copy
import os
import re
import sys

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Unicode, default


class StrippedNotebookError(RuntimeError):
    """A submission without nbgrader metadata whose exercises cannot be found."""


def _released_text(preprocessor, source):
    """``source`` as the student version shows it: without the hidden tests region."""
    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests(parent=preprocessor)._remove_hidden_test_region(cell)
    return cell.source.strip()


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _defines(cell, name):
    return cell.cell_type == "code" and re.search(rf"^def\s+{re.escape(name)}\s*\(", cell.source, re.M)


class MatchStrippedCells(NbGraderPreprocessor):
    """Give cells that lost their nbgrader metadata the metadata of the release's cell they are."""

    source_directory = Unicode(
        help="Absolute path of the nbgrader source directory (default: the one RestoreMissingCells reads)."
    ).tag(config=True)

    @default("source_directory")
    def _default_source_directory(self):
        section = self.config.get("RestoreMissingCells", {})
        return section.get("source_directory", "") if hasattr(section, "get") else ""

    def _source_notebook(self, resources):
        info = resources["nbgrader"]
        path = os.path.join(self.source_directory, info["assignment"], f"{info['notebook']}.ipynb")
        return nbformat.read(path, as_version=4)

    def _matches(self, source_cell, cell):
        meta = source_cell.metadata.nbgrader
        if meta.get("solution"):
            name = re.search(r"^def\s+(\w+)\s*\(", source_cell.source, re.M)
            return bool(name) and bool(_defines(cell, name.group(1)))
        return cell.cell_type == source_cell.cell_type and cell.source.strip() == _released_text(
            self, source_cell.source
        )

    def preprocess(self, nb, resources):
        if not self.source_directory:
            return nb, resources
        source = self._source_notebook(resources)
        wanted = [cell for cell in source.cells if _grade_id(cell)]
        present = {_grade_id(cell): index for index, cell in enumerate(nb.cells) if _grade_id(cell)}
        if all(_grade_id(cell) in present for cell in wanted):
            return nb, resources
        stripped = not present  # not one cell kept its metadata
        free = [index for index, cell in enumerate(nb.cells) if not _grade_id(cell)]
        cursor, matched, exercises = -1, 0, 0
        for source_cell in wanted:
            grade_id = _grade_id(source_cell)
            if grade_id in present:
                cursor = present[grade_id]
                continue
            # the first free cell after the previous match, else any free cell (moved cells)
            candidates = [i for i in free if i > cursor] + [i for i in free if i <= cursor]
            found = next((i for i in candidates if self._matches(source_cell, nb.cells[i])), None)
            if found is None:
                continue
            nb.cells[found].metadata["nbgrader"] = copy.deepcopy(source_cell.metadata.nbgrader)
            free.remove(found)
            present[grade_id] = cursor = found
            matched += 1
            exercises += bool(source_cell.metadata.nbgrader.get("solution"))
        student = resources["nbgrader"].get("student", "?")
        notebook = f"{resources['nbgrader']['notebook']}.ipynb"
        if matched:
            self.log.warning(
                "%s: %d cells of %s had lost their nbgrader metadata; matched them to the release "
                "by their def lines and text",
                student,
                matched,
                notebook,
            )
        if stripped and exercises == 0 and any(cell.metadata.nbgrader.get("solution") for cell in wanted):
            message = (
                f"student {student}: {notebook} has lost its nbgrader metadata (an editor or converter "
                f"removed it) and none of its cells defines an exercise function of "
                f"{resources['nbgrader']['assignment']}, so it cannot be graded. Ask {student} to "
                f"download the chapter again, copy their functions into its exercise cells, keep "
                f"the function names, and submit that notebook."
            )
            print(f"nnfs: ERROR: {message}", file=sys.stderr)
            raise StrippedNotebookError(message)
        return nb, resources


class RestoreHiddenTestSource(NbGraderPreprocessor):
    """A locked cell exactly as released gets the gradebook's source (with its hidden tests) back."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            for cell in nb.cells:
                grade_id = _grade_id(cell)
                if not grade_id or not utils.is_locked(cell):
                    continue
                try:
                    source_cell = gradebook.find_source_cell(grade_id, info["notebook"], info["assignment"])
                except MissingEntry:
                    continue
                if (
                    source_cell.locked
                    and cell.cell_type == source_cell.cell_type
                    and cell.source.strip() == _released_text(self, source_cell.source)
                ):
                    cell.source = source_cell.source
        return nb, resources

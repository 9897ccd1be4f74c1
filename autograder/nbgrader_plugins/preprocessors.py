"""nbgrader preprocessors the course adds to autograding and feedback.

Both are switched on in ``nbgrader_config.py``, so they apply to the stock
``nbgrader autograde`` / ``generate_feedback`` commands as well as to
``nnfs-grade``.
"""

import copy
import os

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor
from traitlets import Unicode

from autograder.course import grade_id

RESTORED_NOTE = "(restored by the grader: this cell was missing from the submission)"


class RestoreMissingCells(NbGraderPreprocessor):
    """Put back every nbgrader cell (exercise, locked, test) the student deleted.

    nbgrader's own ``add_missing_cells`` re-adds only grade cells and fails with
    a ``KeyError`` when the cell before the deleted one is a locked or deleted
    cell. This walks the source notebook in order and inserts each missing cell
    right after the nearest earlier source cell that the submission has, so it
    lands where it was. A deleted exercise cell comes back as the student's
    stub (the function is then undefined and its tests score 0); test cells
    get their source back from the gradebook in ``OverwriteCells`` next. A
    copy of a test cell (emptied by ``DeduplicateIds``) becomes a plain cell.
    """

    source_directory = Unicode("", help="Absolute path of the nbgrader source directory.").tag(config=True)

    def _source_notebook(self, resources):
        info = resources["nbgrader"]
        path = os.path.join(self.source_directory, info["assignment"], f"{info['notebook']}.ipynb")
        return nbformat.read(path, as_version=4)

    def _as_released(self, cell):
        cell = nbformat.from_dict(copy.deepcopy(cell))
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            ClearSolutions(parent=self)._replace_solution_region(cell, "python")
            cell.source = f"# {RESTORED_NOTE}\n{cell.source}"
        return cell

    def preprocess(self, nb, resources):
        # DeduplicateIds leaves a copied test cell with empty nbgrader metadata,
        # which OverwriteCells cannot handle: make it an ordinary cell.
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and not cell.metadata.nbgrader.get("grade_id"):
                del cell.metadata["nbgrader"]
        if not self.source_directory:
            return nb, resources
        source = self._source_notebook(resources)
        anchor = -1  # index in nb.cells after which the next missing cell goes
        for source_cell in source.cells:
            wanted = grade_id(source_cell)
            if not wanted:
                continue
            present = [i for i, cell in enumerate(nb.cells) if grade_id(cell) == wanted]
            if present:
                anchor = present[0]
                continue
            self.log.warning("Restoring missing cell %s", wanted)
            anchor += 1
            nb.cells.insert(anchor, self._as_released(source_cell))
        return nb, resources


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    """In feedback, shorten errors of cells with hidden tests to ``Name: message``.

    An IPython traceback quotes the lines around the failing one, which in a
    hidden test cell are the hidden tests themselves. Runs before
    ``ClearHiddenTests`` (which removes the hidden code from the source).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and "BEGIN HIDDEN TESTS" in cell.source:
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources

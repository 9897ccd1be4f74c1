"""Collect reads only what a student really uploaded: no links, no special files, nothing oversized.

Each attack sits beside an honest student, who must still be collected; the
attacker's file is reported with the reason and never reaches ``submitted/``.
"""

import json
import os
import stat
import struct
import zipfile

import nbformat
import pytest

from autograder.course import ROOT
from autograder.workflow import collect

CH1 = "ch01_linear_classifiers"
SOURCE = ROOT / "chapters" / CH1 / f"{CH1}.ipynb"


def honest(folder, student="honest"):
    (folder / student).mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / student / f"{CH1}.ipynb")


def submitted(root):
    base = root / "submitted"
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


def problems_of(report, start):
    return [p for p in report.problems if p.startswith(start)]


@pytest.fixture
def downloads(tmp_path):
    folder = tmp_path / "downloads"
    honest(folder)
    return folder


def test_a_notebook_that_is_a_symlink_is_not_collected(tmp_path, downloads):
    (downloads / "mallory").mkdir()
    os.symlink(SOURCE, downloads / "mallory" / f"{CH1}.ipynb")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "symbolic link" in problem and "not collected" in problem


def test_a_student_folder_that_is_a_symlink_is_not_collected(tmp_path, downloads):
    os.symlink(SOURCE.parent, downloads / "mallory")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    assert problems_of(report, "mallory: is a symbolic link")


def test_a_symlinked_subfolder_is_not_followed(tmp_path, downloads):
    (downloads / "mallory").mkdir()
    os.symlink(SOURCE.parent, downloads / "mallory" / "work")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    assert problems_of(report, "mallory/work: is a symbolic link")
    assert problems_of(report, "mallory: no notebook")


def test_a_hard_link_to_the_course_notebook_is_not_collected(tmp_path, downloads):
    (downloads / "mallory").mkdir()
    copy = tmp_path / "elsewhere.ipynb"  # a hard link needs the same file system: link a copy
    copy.write_bytes(SOURCE.read_bytes())
    os.link(copy, downloads / "mallory" / f"{CH1}.ipynb")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "hard link" in problem


def test_a_fifo_does_not_hang_collect(tmp_path, downloads):
    (downloads / "mallory").mkdir()
    os.mkfifo(downloads / "mallory" / f"{CH1}.ipynb")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "not a regular file" in problem


def test_an_oversized_notebook_is_refused(tmp_path, downloads):
    (downloads / "mallory").mkdir()
    with open(downloads / "mallory" / f"{CH1}.ipynb", "wb") as handle:
        handle.truncate(collect.MAX_NOTEBOOK_BYTES + 1)
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "larger than 20 MiB" in problem


def test_a_notebook_of_countless_cells_is_kept_with_a_warning_not_validated(tmp_path, downloads):
    """150,000 one-character cells fit in 20 MiB; validating them would cost the coordinator seconds."""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "1"}
    bomb = {"cells": [cell] * 150_000, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    (downloads / "mallory").mkdir()
    (downloads / "mallory" / f"{CH1}.ipynb").write_text(json.dumps(bomb, separators=(",", ":")))
    assert (downloads / "mallory" / f"{CH1}.ipynb").stat().st_size < collect.MAX_NOTEBOOK_BYTES
    report = collect.collect_folder(CH1, downloads, tmp_path)
    # Kept (nothing a student uploads is dropped silently) with the warning, as a broken notebook is;
    # grading reports it and does not run it.
    note = dict(report.collected)["mallory"]
    assert f"WARNING: a notebook of 150000 cells (at most {collect.MAX_NOTEBOOK_CELLS} are accepted)" in note
    assert collect.notebook_problem((tmp_path / "submitted" / "mallory" / CH1 / f"{CH1}.ipynb").read_bytes())


@pytest.mark.parametrize("name", ["mallory\n", "mallory\nx", "mallory;rm", "-rf", "mallory*"])
def test_odd_folder_names_are_refused_in_full(tmp_path, downloads, name):
    folder = downloads / name
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), folder / f"{CH1}.ipynb")
    report = collect.collect_folder(CH1, downloads, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    assert any("not a usable student id" in p for p in report.problems), report.problems


# ---------------------------------------------------------------- LMS zips


def zip_with(path, members):
    """A zip with ``members``: ``(name, bytes)`` or ``(ZipInfo, bytes)``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"honest/{CH1}.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
        for name, data in members:
            zf.writestr(name, data)
    return path


def test_a_symlink_member_is_not_collected(tmp_path):
    link = zipfile.ZipInfo(f"mallory/{CH1}.ipynb")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_with(tmp_path / "lms.zip", [(link, str(SOURCE))])
    report = collect.collect_zip(CH1, archive, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "symbolic link" in problem


def test_a_deflate_bomb_is_refused_without_unpacking_it(tmp_path):
    bomb = zipfile.ZipInfo(f"mallory/{CH1}.ipynb")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"honest/{CH1}.ipynb", nbformat.writes(nbformat.v4.new_notebook()))
        with zf.open(bomb, "w", force_zip64=True) as handle:
            block = b"\0" * 2**20
            for _ in range(64):  # 64 MiB of zeros: 64 kB zipped
                handle.write(block)
    assert archive.stat().st_size < 2**20
    report = collect.collect_zip(CH1, archive, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "larger than 20 MiB" in problem


def test_a_member_larger_than_its_header_says_is_refused(tmp_path):
    archive = zip_with(tmp_path / "lms.zip", [(f"mallory/{CH1}.ipynb", b"{" + b" " * (30 * 2**20) + b"}")])
    data = bytearray(archive.read_bytes())
    # The central directory's entry of the second member: declare 100 bytes once unpacked.
    entry = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[entry + 24 : entry + 28] = struct.pack("<I", 100)
    archive.write_bytes(bytes(data))
    report = collect.collect_zip(CH1, archive, tmp_path)
    assert submitted(tmp_path) == ["honest"]
    [problem] = problems_of(report, f"mallory/{CH1}.ipynb")
    assert "cannot be unpacked" in problem

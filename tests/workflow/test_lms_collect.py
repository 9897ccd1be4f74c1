"""Collect reads Canvas and Moodle downloads as those systems write them, and never drops anyone silently.

The zips are built by ``tests/lms_fixtures.py`` from the LMSs' own naming
code (each rule cites its source file): a class of 22 with names in Latin,
Vietnamese, Chinese, Cyrillic and Icelandic letters, two students called Jo
Smith, late submissions, re-uploads Canvas renamed ``…-1.ipynb``, a renamed
notebook, an extra data file, a name that is a spreadsheet formula. Every
student's notebook must land in their own folder (each notebook says whose it
is), under the LMS's stable id, with the name kept for display. No grading is
needed here.
"""

import json
import zipfile

import nbformat
import pytest
from lms_fixtures import CH1, REUPLOADED, canvas_filename, canvas_zip, moodle_member, moodle_zip, notebook_of, the_class

from autograder import cli
from autograder.workflow import canvas, collect, moodle


@pytest.fixture
def course(tmp_path):
    """A course folder that knows chapter 1 (the CLI checks chapter names; nothing is graded)."""
    root = tmp_path / "course"
    (root / "chapters" / CH1).mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), root / "chapters" / CH1 / f"{CH1}.ipynb")
    return root


def collected(root, key):
    folder = root / "submitted" / key / CH1
    return (folder / f"{CH1}.ipynb").read_bytes(), json.loads((folder / "submission.json").read_text("utf-8"))


def run(root, *args):
    return cli.main(["--course-dir", str(root), *args])


# ---------------------------------------------------------------- Canvas


def test_the_canvas_rules_give_the_names_canvas_gives():
    """Spot checks of the fixture's rules against names Canvas writes (``content_zipper.rb``)."""
    zoe, jo, amelie = the_class()[0], the_class()[3], the_class()[7]
    assert canvas_filename(zoe) == "ångströmzoë_20101"
    assert canvas_filename(jo) == "smithjo_20104"
    assert canvas_filename(amelie) == "dupont7martinamélie_20108"  # "_7_" lost its underscores first
    late = the_class()[4]
    assert canvas_filename(late) == "smithjo_LATE_20105"
    assert canvas_filename(late, anonymous_id="Ab3xY") == "LATE_anon_Ab3xY"


@pytest.mark.parametrize(
    "name, key, person, file, late, anonymous",
    [
        (f"ångströmzoë_20101_900001_{CH1}.ipynb", "20101", "ångströmzoë", f"{CH1}.ipynb", False, False),
        (f"王小明_LATE_20103_900003_{CH1}-1.ipynb", "20103", "王小明", f"{CH1}-1.ipynb", True, False),
        (f"anon_Ab3xY_900004_{CH1}.ipynb", "anon_Ab3xY", "", f"{CH1}.ipynb", False, True),
        (f"LATE_anon_Zz9pQ_900005_{CH1}.ipynb", "anon_Zz9pQ", "", f"{CH1}.ipynb", True, True),
        ("smithjo_20104_text.html", "20104", "smithjo", "text.html", False, False),
        (f"o_brien_20106_900006_my_{CH1}.ipynb", "20106", "o_brien", f"my_{CH1}.ipynb", False, False),
    ],
)
def test_canvas_member_names_are_read_as_canvas_reads_them(name, key, person, file, late, anonymous):
    """``Assignment#infer_comment_context_from_filename``: the first two all-digit parts are user and file ids."""
    member = canvas.parse_member(name)
    assert (member.key, member.name, member.file, member.late, member.anonymous) == (key, person, file, late, anonymous)


def test_a_canvas_zip_of_22_is_collected_whole(course, tmp_path, capsys):
    students = the_class()
    contents = {s.canvas_id: notebook_of(s.canvas_id) for s in students}
    archive = canvas_zip(tmp_path / "canvas.zip", students, contents)
    names = zipfile.ZipFile(archive).namelist()
    assert f"nguyễnvăna_20102_900002_{CH1}.ipynb" in names and f"王小明_20103_900003_{CH1}.ipynb" in names
    assert f"nordmannola_20109_900009_{CH1}-1.ipynb" in names  # the re-upload, renamed by Canvas
    assert run(course, "collect", CH1, "--from-zip", str(archive)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "22 of 22 students collected from canvas.zip"
    for s in students:
        data, info = collected(course, s.canvas_id)
        assert data == contents[s.canvas_id], s.canvas_id  # nobody's notebook replaced another's
        assert (info["lms"], info["late"], info["anonymous"]) == ("canvas", s.late, False)
        assert info["name"] == canvas.parse_member(canvas_filename(s) + "_1_x.ipynb").name
    assert collected(course, "20104")[0] != collected(course, "20105")[0]  # the two Jo Smiths
    assert "Lena" not in out and "data.csv is not a notebook; not needed" in out
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(s.canvas_id for s in students)
    assert REUPLOADED <= {p.name for p in (course / "submitted").iterdir()}
    # Collecting the same zip again changes nothing and says so.
    assert run(course, "collect", CH1, "--from-zip", str(archive)) == 0
    assert capsys.readouterr().out.count(": unchanged (") == 22


def test_an_anonymous_canvas_zip_is_collected_by_anonymous_id(course, tmp_path):
    students = the_class()[:5]
    anonymous = {s.canvas_id: f"Ab{n}xY" for n, s in enumerate(students, 2)}
    contents = {f"anon_{anonymous[s.canvas_id]}": notebook_of(s.canvas_id) for s in students}
    archive = canvas_zip(tmp_path / "anon.zip", students, contents, anonymous_ids=anonymous)
    report = collect.collect_zip(CH1, archive, course)
    assert report.complete and report.students == 5
    for s in students:
        data, info = collected(course, f"anon_{anonymous[s.canvas_id]}")
        assert data == contents[f"anon_{anonymous[s.canvas_id]}"]
        assert info["anonymous"] and info["name"] == "" and info["late"] == s.late


# ---------------------------------------------------------------- Moodle


@pytest.mark.parametrize("layout", ["folders", "folders-3", "flat"])
def test_a_moodle_zip_of_22_is_collected_whole_in_every_layout(course, tmp_path, layout, capsys):
    students = the_class()
    contents = {s.moodle_id: notebook_of(s.moodle_id) for s in students}
    archive = moodle_zip(tmp_path / f"moodle-{layout}.zip", students, contents, layout, subfolder="4821790")
    names = zipfile.ZipFile(archive).namelist()
    expected = {
        "folders": f"Zoë Ångström_4821765_assignsubmission_file/{CH1}.ipynb",
        "folders-3": f"Zoë Ångström_4821765_assignsubmission_file_/{CH1}.ipynb",
        "flat": f"Zoë Ångström_4821765_assignsubmission_file_{CH1}.ipynb",
    }[layout]
    assert expected in names
    assert run(course, "collect", CH1, "--from-zip", str(archive)) == 0
    assert capsys.readouterr().out.startswith(f"22 of 22 students collected from moodle-{layout}.zip\n")
    for s in students:
        data, info = collected(course, s.moodle_id)
        assert data == contents[s.moodle_id], s.moodle_id
        assert (
            info["lms"] == "moodle"
            and info["name"] == moodle.parse_folder(moodle_member(s, "x", "folders").split("/")[0])[1]
        )
    assert collected(course, "4821765")[1]["name"] == "Zoë Ångström"
    assert collected(course, "4821767")[1]["name"] == "小明 王"
    assert collected(course, "4821772")[1]["name"] == "Amélie Dupont 7 Martin"  # Moodle turned "_" into spaces
    assert collected(course, "4821770")[1]["name"] == "Seán OBrien-Murphy"  # clean_filename drops the apostrophe


def test_moodle_files_in_subfolders_and_blind_marking(course, tmp_path):
    students = the_class()[:4]
    contents = {s.moodle_id: notebook_of(s.moodle_id) for s in students}
    archive = moodle_zip(tmp_path / "blind.zip", students, contents, "folders", blind=True, subfolder="4821766")
    assert f"Participant_4821766_assignsubmission_file/work/{CH1}.ipynb" in zipfile.ZipFile(archive).namelist()
    report = collect.collect_zip(CH1, archive, course)
    assert report.complete and report.students == 4
    data, info = collected(course, "4821766")
    assert data == contents["4821766"] and info["anonymous"]


def test_an_extracted_moodle_download_collects_like_its_zip(course, tmp_path):
    students = the_class()[:6]
    contents = {s.moodle_id: notebook_of(s.moodle_id) for s in students}
    archive = moodle_zip(tmp_path / "m.zip", students, contents, "folders")
    zipfile.ZipFile(archive).extractall(tmp_path / "extracted")
    report = collect.collect_folder(CH1, tmp_path / "extracted", course)
    assert report.complete and report.students == 6
    assert all(collected(course, s.moodle_id)[0] == contents[s.moodle_id] for s in students)


def test_an_extracted_canvas_download_collects_like_its_zip(course, tmp_path):
    students = the_class()[:6]
    contents = {s.canvas_id: notebook_of(s.canvas_id) for s in students}
    zipfile.ZipFile(canvas_zip(tmp_path / "c.zip", students, contents)).extractall(tmp_path / "extracted")
    report = collect.collect_folder(CH1, tmp_path / "extracted", course)
    assert report.complete and report.students == 6
    assert all(collected(course, s.canvas_id)[0] == contents[s.canvas_id] for s in students)


# ---------------------------------------------------------------- never silent


def test_whatever_is_not_collected_is_named_and_collect_fails(course, tmp_path, capsys):
    """Two notebooks of one student, none at all, a file nobody owns: named, with what to do; exit 1."""
    nb = notebook_of("x")
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"ok_20001_1_{CH1}.ipynb", nb)
        zf.writestr("twice_20002_2_draft.ipynb", nb)
        zf.writestr("twice_20002_3_final.ipynb", nb)
        zf.writestr(f"pair_20003_4_{CH1}.ipynb", nb)
        zf.writestr(f"pair_20003_5_{CH1}-1.ipynb", b"{}")
        zf.writestr("textonly_20004_text.html", "<p>my answer</p>")
        zf.writestr("stray.ipynb", nb)
    assert run(course, "collect", CH1, "--from-zip", str(archive)) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "2 of 4 students collected from mixed.zip; NOT collected: 4 (below, with what to do)"
    )
    problems = [line for line in out.splitlines() if line.startswith("problem: ")]
    assert any(
        "twice (20002): several notebooks and none is" in p
        and "twice_20002_2_draft.ipynb" in p
        and "twice_20002_3_final.ipynb" in p
        and "ask the student which one" in p
        for p in problems
    )
    assert any(
        p.startswith(f"problem: pair_20003_5_{CH1}-1.ipynb: not collected: another notebook of pair (20003)")
        for p in problems
    )
    assert any(p.startswith("problem: textonly (20004): no notebook") for p in problems)
    assert any(p.startswith("problem: stray.ipynb: cannot tell whose submission this is") for p in problems)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["20001", "20003"]
    assert collected(course, "20003")[0] == nb  # the one named as the chapter, not the other


def test_control_characters_in_names_are_not_printed(course, tmp_path, capsys):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"Evil\x1b[2J Name_1234_assignsubmission_file/{CH1}.ipynb", notebook_of("1234"))
    assert run(course, "collect", CH1, "--from-zip", str(archive)) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Evil?[2J Name (1234)" in out


def test_two_files_for_one_student_never_replace_each_other(course, tmp_path):
    """The same participant in both Moodle layouts of one zip (two downloads merged): both named, none collected."""
    archive = tmp_path / "merged.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"Zoë Ångström_4821765_assignsubmission_file/{CH1}.ipynb", notebook_of("first"))
        zf.writestr(f"Zoë Ångström_4821765_assignsubmission_file_{CH1}.ipynb", notebook_of("second"))
    report = collect.collect_zip(CH1, archive, course)
    assert not report.complete and report.collected == []
    [problem] = report.problems
    assert problem.startswith("Zoë Ångström (4821765): several notebooks and 2 are ")
    assert f"Zoë Ångström_4821765_assignsubmission_file/{CH1}.ipynb" in problem
    assert f"Zoë Ångström_4821765_assignsubmission_file_{CH1}.ipynb" in problem


def test_a_download_zipped_again_in_its_folder_is_read_the_same(course, tmp_path):
    """An instructor who extracted the LMS's zip and compressed the folder again (Finder, Explorer) adds a level."""
    students = the_class()[:5]
    contents = {s.canvas_id: notebook_of(s.canvas_id) for s in students}
    original = zipfile.ZipFile(canvas_zip(tmp_path / "c.zip", students, contents))
    with zipfile.ZipFile(tmp_path / "again.zip", "w") as zf:
        for name in original.namelist():
            zf.writestr(f"NNFS-ch01 submissions/{name}", original.read(name))
    report = collect.collect_zip(CH1, tmp_path / "again.zip", course)
    assert report.complete and report.students == 5
    assert all(collected(course, s.canvas_id)[0] == contents[s.canvas_id] for s in students)
    # A zip of one student's folder is still that student's folder.
    with zipfile.ZipFile(tmp_path / "one.zip", "w") as zf:
        zf.writestr(f"alice/{CH1}.ipynb", notebook_of("alice"))
    assert collect.collect_zip(CH1, tmp_path / "one.zip", course).collected[0][0] == "alice"

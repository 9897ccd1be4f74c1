"""Grading at scale: serially, in a process pool, on a Dask cluster, into PostgreSQL.

One small class of chapter 1 (full, blank, partial, an endless loop, a kernel
killer) is graded in each mode from identical copies of a course folder; the
CSV exports must be byte-identical. A Dask worker killed while grading still
leaves every grade present exactly once. Two graders writing to one
PostgreSQL gradebook at once lose nothing.
"""

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from grading_helpers import postgres_binaries, with_sources

from autograder import cli
from autograder.course import ROOT, grade_id
from autograder.judging.chapters import CHAPTERS
from autograder.workflow import export, grading

CH1 = "ch01_linear_classifiers"
FULL = float(sum(e.points for e in CHAPTERS[CH1]))
LOOP = "def accuracy(y_pred, y_true):\n    while True:\n        pass\n"
KILL = "import os\ndef accuracy(y_pred, y_true):\n    return float(np.mean(y_pred == y_true))\nos._exit(1)\n"
NO_BIAS = "def linear_scores(X, W, b):\n    return X @ W\n"
EXPECTED = {"full": FULL, "blank": 0.0, "partial": FULL - 2, "loop": FULL - 2, "killer": FULL - 2}
#: A submission whose grading takes far longer than the limit for one submission (40 cells of 4 s,
#: each under the cell time limit): it is not graded, and the others are. The class's other tests
#: run under SUBMISSION_LIMIT; the test of the limit itself under the shorter SLOW_LIMIT, still
#: several times what an honest submission of chapter 1 takes.
SLOW_CELLS, SUBMISSION_LIMIT, SLOW_LIMIT = 40, 60, 20


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A released course with the class collected (the same bytes and timestamps for every copy)."""
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns("__pycache__"))
    assert cli.main(["--course-dir", str(root), "release", CH1]) == 0
    source = nbformat.read(ROOT / "chapters" / CH1 / f"{CH1}.ipynb", as_version=4)
    released = nbformat.read(root / "release" / CH1 / f"{CH1}.ipynb", as_version=4)
    answers = {grade_id(c): c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    full = with_sources(released, **answers)
    notebooks = {
        "full": full,
        "blank": released,
        "partial": with_sources(full, linear_scores=NO_BIAS),
        "loop": with_sources(full, accuracy=LOOP),
        "killer": with_sources(full, accuracy=KILL),
    }
    slow = nbformat.from_dict(full)
    slow.cells[2:2] = [nbformat.v4.new_code_cell("import time\ntime.sleep(4)") for _ in range(SLOW_CELLS)]
    notebooks["slow"] = slow  # graded only by the tests of the time limit
    downloads = root / "downloads"
    for student, nb in notebooks.items():
        (downloads / student).mkdir(parents=True)
        nbformat.write(nb, downloads / student / f"{CH1}.ipynb")
        os.utime(downloads / student / f"{CH1}.ipynb", (1_800_000_000, 1_800_000_000))
    assert cli.main(["--course-dir", str(root), "collect", CH1, "--from-dir", str(downloads)]) == 0
    return root


@pytest.fixture(autouse=True)
def short_limits(monkeypatch):
    monkeypatch.setenv("NNFS_CELL_TIMEOUT", "6")
    monkeypatch.setenv("NNFS_PROBE_TIMEOUT", "3")
    monkeypatch.setenv("NNFS_SUBMISSION_TIMEOUT", str(SUBMISSION_LIMIT))


CLASS = sorted(EXPECTED)


def copy_of(template, tmp_path, name):
    target = tmp_path / name
    shutil.copytree(template, target, symlinks=True)
    return target


def scores(results):
    return {r.student: (r.status, r.score) for r in results}


def csv_bytes(root, tmp_path, name):
    path = tmp_path / f"{name}.csv"
    export.export(path, root, chapter=CH1)
    return path.read_bytes()


WANTED = {student: ("graded", score) for student, score in EXPECTED.items()}


def test_serial_pool_and_dask_give_the_same_grades_and_csv(template, tmp_path):
    exports = {}
    for mode, options in {
        "serial": {"jobs": 1},
        "pool": {"jobs": 2},
        "dask": {"jobs": 2, "scheduler": "local"},
    }.items():
        root = copy_of(template, tmp_path, mode)
        results = grading.grade_chapter(CH1, CLASS, root=root, **options)
        assert scores(results) == WANTED, (mode, [r.notes for r in results])
        exports[mode] = csv_bytes(root, tmp_path, mode)
    assert exports["pool"] == exports["serial"] and exports["dask"] == exports["serial"]
    rows = list(csv.DictReader(exports["serial"].decode("utf-8-sig").splitlines()))
    assert [(r["student"], float(r["total"])) for r in rows] == sorted(EXPECTED.items())


def test_a_worker_killed_mid_run_costs_a_retry_not_a_grade(template, tmp_path):
    from dask.distributed import Client, LocalCluster

    root = copy_of(template, tmp_path, "killed")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    killed = []

    def kill_a_worker(done, total, student):
        if student is not None and not killed:  # after the first grade, while others run
            pids = client.run(os.getpid)
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    try:
        results = grading.grade_chapter(
            CH1, CLASS, root=root, jobs=2, scheduler=cluster.scheduler_address, progress=kill_a_worker
        )
    finally:
        client.close()
        cluster.close()
    assert killed
    assert scores(results) == WANTED, [r.notes for r in results]
    with grading.nbgrader_api(root).gradebook as gb:
        submissions = gb.assignment_submissions(CH1)
        assert sorted(s.student_id for s in submissions) == sorted(EXPECTED)
        assert {s.student_id: s.score for s in submissions} == EXPECTED


def test_a_submission_past_its_time_limit_is_not_graded_and_the_run_goes_on(template, tmp_path, monkeypatch):
    monkeypatch.setenv("NNFS_SUBMISSION_TIMEOUT", str(SLOW_LIMIT))
    root = copy_of(template, tmp_path, "slow")
    results = grading.grade_chapter(CH1, ["full", "slow"], root=root, jobs=2)
    assert scores(results) == {"full": ("graded", FULL), "slow": ("failed", 0.0)}, [r.notes for r in results]
    assert results[1].notes == [f"not graded: grading took longer than {SLOW_LIMIT} s (the limit for one submission)"]
    assert cli.main(["--course-dir", str(root), "grade", CH1, "--student", "slow"]) == 1  # work left undone


@pytest.mark.parametrize("daemonic", [False, True], ids=["fork server", "fresh interpreter (daemonic worker)"])
def test_the_limit_ends_the_grading_process_and_everything_it_started(template, daemonic, monkeypatch):
    """Both ways of starting a grading process stop at the limit and leave no process, mount or file."""
    from autograder.workflow import jobs

    if daemonic:
        monkeypatch.setattr(jobs, "_context", lambda: None)
    notebook = (template / "submitted" / "slow" / CH1 / f"{CH1}.ipynb").read_bytes()
    material, material_id = jobs.chapter_material(CH1, template)
    job = jobs.Job(CH1, "slow", notebook, "", material, material_id, jobs.released_gradebook(CH1, template))
    start = time.monotonic()
    outcome = jobs.grade_job_limited(job, seconds=8)
    elapsed = time.monotonic() - start
    assert (outcome.status, outcome.notes) == (
        "failed",
        ["not graded: grading took longer than 8 s (the limit for one submission)"],
    )
    assert elapsed < 8 + 10
    time.sleep(1)
    # Its sandboxes' folders and mounts were all under the job's own temporary folder.
    assert list(Path(tempfile.gettempdir()).glob("nnfs-job-slow-*")) == []
    assert "nnfs-job-slow" not in Path("/proc/self/mounts").read_text()
    leftovers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and "nnfs-job-slow" in _cmdline(p)]
    assert leftovers == []


def _cmdline(proc):
    try:
        return (proc / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def postgres():
    """A PostgreSQL server of the operating system, started for this test on a Unix socket."""
    binaries = postgres_binaries()
    assert binaries is not None, "PostgreSQL is needed: apt-get install postgresql (make os-packages)"
    folder = Path(tempfile.mkdtemp(prefix="nnfs-postgres-"))  # in /tmp: reachable by another user
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_user = []
    if os.geteuid() == 0:  # the server refuses to run as root
        for path in (folder, sockets):
            os.chown(path, 65534, 65534)
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    subprocess.run(
        as_user + [str(binaries / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust"],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        as_user
        + [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(folder / "server.log"),
            "-o",
            f"-k {sockets} -c listen_addresses=''",
            "start",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        subprocess.run(
            as_user + [str(binaries / "createdb"), "-h", str(sockets), "-U", "grader", "gradebook"],
            check=True,
            capture_output=True,
            env=env,
        )
        yield f"postgresql+psycopg2://grader@/gradebook?host={sockets}"
    finally:
        subprocess.run(
            as_user + [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_two_graders_write_one_postgresql_gradebook_at_once(template, tmp_path, postgres):
    root = copy_of(template, tmp_path, "postgres")
    assert cli.main(["--course-dir", str(root), "--db", postgres, "release", CH1]) == 0
    halves = [["blank", "full", "loop"], ["killer", "partial"]]  # "slow" is not graded here
    graders = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder",
                "--course-dir",
                str(root),
                "--db",
                postgres,
                "grade",
                CH1,
                "--jobs",
                "1",
                *[arg for s in half for arg in ("--student", s)],
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for half in halves
    ]
    outputs = [grader.communicate(timeout=600)[0] for grader in graders]
    assert [grader.returncode for grader in graders] == [0, 0], "\n".join(outputs)  # whole, not cut
    out = tmp_path / "pg.csv"
    assert cli.main(["--course-dir", str(root), "--db", postgres, "export", CH1, "--to", str(out)]) == 0
    rows = {r["student"]: float(r["total"]) for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows == EXPECTED
    with grading.nbgrader_api(root).gradebook as sqlite:  # nothing went to the SQLite gradebook
        assert sqlite.assignment_submissions(CH1) == []

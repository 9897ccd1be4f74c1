"""The course's grading secret: made once, whole, and the same for every grader."""

import multiprocessing
import stat

import pytest

from autograder.engine import secret


def test_the_first_use_makes_a_private_secret_that_later_uses_read_back(tmp_path):
    path = tmp_path / secret.FILE_NAME
    made = secret.course_secret(path)
    assert len(made) == 64 and bytes.fromhex(made.decode()) and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret.course_secret(path) == made
    assert sorted(p.name for p in tmp_path.iterdir()) == [secret.FILE_NAME]  # no temporary file left


def _read_when_released(path, barrier, answers):
    barrier.wait()
    try:
        answers.put(secret.course_secret(path))
    except SystemExit as error:
        answers.put(str(error))


@pytest.mark.parametrize("attempt", range(3))
def test_graders_started_at_once_all_get_the_same_whole_secret(tmp_path, attempt):
    """Two graders of one course started together (the PostgreSQL set-up) once read a file made but
    not yet written, and one of them stopped with 'holds no usable grading secret'."""
    context = multiprocessing.get_context("fork")
    path, barrier, answers = tmp_path / secret.FILE_NAME, context.Barrier(12), context.Queue()
    workers = [context.Process(target=_read_when_released, args=(path, barrier, answers)) for _ in range(12)]
    for worker in workers:
        worker.start()
    got = [answers.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert len(set(got)) == 1 and got[0] == path.read_text().strip().encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == [secret.FILE_NAME]


@pytest.mark.parametrize("content", ["", "abc\n"])
def test_a_damaged_secret_stops_grading_and_says_which_file_and_what_to_do(tmp_path, content):
    path = tmp_path / secret.FILE_NAME
    path.write_text(content)
    with pytest.raises(SystemExit, match=rf"{path} holds no usable grading secret; delete it to make a new one"):
        secret.course_secret(path)
    assert path.read_text() == content  # nothing replaced behind the instructor's back

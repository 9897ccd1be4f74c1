"""Reading bytes that a student controls: one home for the checks every such read needs.

Two kinds of files reach the grader from students: what they upload (a folder
or an LMS zip, read by :mod:`autograder.workflow.collect`) and what their code writes
inside the sandbox (the probe's result files, read by
:mod:`autograder.engine.probes`). Either may be a symbolic link to a file of the
grading machine, a FIFO that blocks a reader for ever, a device such as
``/dev/zero``, a hard link to the course's own notebook, or far larger than it
claims. Every read here

* opens without following a symbolic link (``O_NOFOLLOW``, also for the
  folder it is in when read relative to a folder descriptor) and without
  blocking on a FIFO (``O_NONBLOCK``);
* accepts only a regular file, checked on the open descriptor (``fstat``),
  so the file cannot be swapped between the check and the read;
* reads at most ``limit`` bytes, whatever size the file or a zip's directory
  declares, and fails if there is more.

A refusal is an :class:`Refused` error whose message says what the file was
and why it is not read, for the instructor's report.
"""

import errno
import os
import stat
import zipfile

__all__ = ["Refused", "read_file", "read_at", "open_folder", "read_member", "read_npz", "member_kind", "megabytes"]


class Refused(ValueError):
    """A file a student controls that is not read (the message says why)."""


def megabytes(limit):
    return f"{limit / 2**20:g} MiB"


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "of an unknown kind"


def _read_fd(fd, limit, single_link):
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"is {_kind(info.st_mode)}, not a regular file")
    if single_link and info.st_nlink > 1:
        raise Refused("is a hard link to a file elsewhere (copy the file instead of linking it)")
    if info.st_size > limit:
        raise Refused(f"is larger than {megabytes(limit)} ({info.st_size} bytes)")
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise Refused(f"is larger than {megabytes(limit)}")
    return b"".join(chunks)


def _open(path, dir_fd=None):
    try:
        return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused("is a symbolic link, not a regular file") from None
        if error.errno in (errno.ENXIO, errno.EWOULDBLOCK):
            raise Refused("is a socket or a FIFO, not a regular file") from None
        raise


def read_file(path, limit, single_link=True):
    """The bytes of the regular file ``path`` (not a link of either kind), at most ``limit`` of them.

    Raises :class:`Refused` for anything else and ``OSError`` if it cannot be
    opened at all. A symbolic link among the folders above ``path`` is the
    caller's to refuse (see :func:`open_folder`).
    """
    fd = _open(path)
    try:
        return _read_fd(fd, limit, single_link)
    finally:
        os.close(fd)


def open_folder(name, dir_fd=None):
    """A descriptor of the folder ``name`` (relative to ``dir_fd``), refusing a symbolic link.

    Close it with ``os.close``. Reading the files below it with
    :func:`read_at` never leaves it through a link.
    """
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Refused("is not a folder (a symbolic link or a file)") from None
        raise


def read_at(dir_fd, name, limit):
    """The bytes of the regular file ``name`` in the folder ``dir_fd`` (see :func:`read_file`).

    ``name`` must be a plain name, not a path.
    """
    if "/" in name or name in ("", ".", ".."):
        raise Refused(f"{name!r} is not a file name")
    fd = _open(name, dir_fd=dir_fd)
    try:
        return _read_fd(fd, limit, single_link=False)
    finally:
        os.close(fd)


def member_kind(info):
    """``None`` for a zip member that is a regular file, else what it is (a link, a device...)."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir():
        return "a folder"
    if info.create_system == 3 and kind and kind != stat.S_IFREG:  # made on Unix, with a file type
        return _kind(kind)
    return None


def read_member(zf, info, limit):
    """The bytes of zip member ``info``, at most ``limit``, however large its header says it is."""
    kind = member_kind(info)
    if kind:
        raise Refused(f"is {kind}, not a regular file")
    if info.file_size > limit:
        raise Refused(f"is larger than {megabytes(limit)} ({info.file_size} bytes once unpacked)")
    try:
        with zf.open(info) as handle:
            data = handle.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        RuntimeError,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
    ) as error:  # corrupt, encrypted, or an unknown compression
        raise Refused(f"cannot be unpacked ({type(error).__name__}: {str(error)[:120]})") from None
    if len(data) > limit:
        raise Refused(f"unpacks to more than {megabytes(limit)}, more than its header declares")
    return data


def read_npz(data, limit):
    """The arrays of an ``.npz`` file's bytes, at most ``limit`` bytes of them once unpacked.

    Each member must be a plain ``.npy`` array of numbers or booleans (no
    pickles, no structured or object arrays); anything else raises
    :class:`Refused`.
    """
    import io

    import numpy as np

    arrays, left = {}, limit
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Refused(f"is not an array file ({error})") from None
    with archive:
        members = archive.infolist()
        if len(members) > 10_000:
            raise Refused(f"holds {len(members)} arrays, too many to read")
        for info in members:
            if not info.filename.endswith(".npy"):
                raise Refused(f"holds {info.filename!r}, which is not an array")
            raw = read_member(archive, info, left)
            left -= len(raw)
            try:
                array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
            except (ValueError, OSError, EOFError, TypeError) as error:
                raise Refused(f"holds a broken array {info.filename!r} ({str(error)[:120]})") from None
            if array.dtype.kind not in "biufc" or array.dtype.fields is not None:
                raise Refused(f"holds an array of dtype {array.dtype}, not numbers")
            arrays[info.filename[: -len(".npy")]] = array
    return arrays

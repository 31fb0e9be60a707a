"""The edge where file names and bytes come in: only regular files, within the
size limit, and names kept exactly as the OS gives them.

A name that is not UTF-8 (a GBK name from a Windows zip) reaches Python with
surrogate escapes, which no database column accepts; it is stored in a readable
form with the undecodable bytes escaped (`b-\\xb3\\xc7.txt`) next to its raw bytes.
"""
from __future__ import annotations

import os
import stat

from urbandb.loaders.errors import NotRegularFile, OverLimit, UnreadableFile
from urbandb.loaders.limits import Limits

KIND_OF_MODE = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def readable_name(path: str) -> str:
    """The name as valid text: undecodable bytes shown as `\\xNN`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def raw_name(path: str) -> bytes | None:
    """The name's bytes when its readable form is not the name itself, else None."""
    raw = os.fsencode(path)
    return raw if raw.decode("utf-8", "backslashreplace") != path else None


def read_input(path: str, limits: Limits) -> bytes:
    """The bytes of a regular file within the size limit.

    Pipes, devices and sockets are refused from `stat` alone, before any open;
    a symlink is judged by what it points to (a link to /dev/zero is a device).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile(f"no such file: {readable_name(path)}") from None
    except OSError as error:
        raise UnreadableFile(f"cannot read {readable_name(path)}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):  # a folder comes here only when it could not be listed
        raise UnreadableFile(f"cannot list the folder {readable_name(path)}: {why_unlisted(path)}")
    check_regular(info.st_mode)
    check_size(info.st_size, limits)
    try:
        # O_NONBLOCK: should the file be swapped for a pipe after the stat, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableFile(f"cannot read {readable_name(path)}: {error.strerror}") from None
    try:
        check_regular(os.fstat(fd).st_mode)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as error:
        raise UnreadableFile(f"cannot read {readable_name(path)}: {error.strerror}") from None
    finally:
        os.close(fd)
    check_size(len(data), limits)  # it grew after the stat
    return data


def why_unlisted(path: str) -> str:
    try:
        with os.scandir(path):
            return "it could not be read while the folders were walked"
    except OSError as error:
        return error.strerror or type(error).__name__


def check_regular(mode: int) -> None:
    for test, kind in KIND_OF_MODE:
        if test(mode):
            raise NotRegularFile(f"not a regular file but {kind}: not read")
    if not stat.S_ISREG(mode):
        raise NotRegularFile("not a regular file: not read")


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise OverLimit(
            f"{size / 1024 / 1024:.1f} MB is over the {limits.max_file_mb:g} MB limit per file (--max-file-mb): not read"
        )

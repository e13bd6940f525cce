"""One live run per output folder, and the leftovers of dead runs removed.

A run holds an exclusive ``flock`` on ``OUT/.ganbook.lock`` from before its first chapter to
after its last. The operating system drops the lock when the process ends, however it ends
(Ctrl-C, SIGTERM, SIGKILL, a crash), so a lock is never stale: a second run into the same
folder is refused only while the first is alive. Once it holds the lock, a run removes what a
dead run left behind: its work folders ``.NN_topic-XXXX/`` (a partial notebook) and the
temporary files of an unfinished ``results.json`` write, ``.NN_topic.results.json.XXXX.tmp``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

__all__ = ["LOCK_NAME", "OutFolderBusy", "OutFolderLock", "remove_leftovers"]

LOCK_NAME = ".ganbook.lock"
_WORK_FOLDER = re.compile(r"\.\d\d_[\w-]+-\w{8}")  # tempfile.mkdtemp(prefix=".NN_topic-")
_TEMP_FILE = re.compile(r"\.\d\d_[\w-]+\.results\.json\.\w+\.tmp")  # tempfile.mkstemp of execute.write_json


class OutFolderBusy(Exception):
    """Another live run holds the output folder."""


class OutFolderLock:
    """The lock of one output folder, held from :meth:`acquire` to the end of the ``with`` block."""

    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self._fd = None

    def acquire(self):
        """Create the folder if missing and lock it; :class:`OutFolderBusy` while another run holds it.

        OSError when the folder cannot be created or written. Removes the leftovers of dead runs.
        """
        import fcntl

        self.out_dir.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a link planted at the lock's fixed name must not make us write elsewhere
        fd = os.open(self.out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise OutFolderBusy(f"another run (pid {holder}) is writing into {self.out_dir}; wait for it") from None
        except OSError:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        remove_leftovers(self.out_dir)
        return self

    def release(self):
        """Let the next run in."""
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = None

    def __enter__(self):
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
        return False


def _holder(fd):
    """The pid that the holder of the lock wrote into it ("?" while it has not yet)."""
    return os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"


def remove_leftovers(out_dir):
    """Remove the work folders and temporary files that runs killed in ``out_dir`` left behind."""
    out_dir = Path(out_dir)
    for folder in (out_dir, out_dir / "failed"):
        for path in folder.glob(".[0-9][0-9]_*"):
            if _WORK_FOLDER.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            elif _TEMP_FILE.fullmatch(path.name):
                path.unlink(missing_ok=True)

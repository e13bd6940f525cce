"""Progress inside a chapter: the batches of runs that a long cell executes, shown while it runs.

papermill's bar moves once a cell, so a cell that trains a study of many runs would show nothing
for minutes. :func:`ganlib.batch.run_batch` appends its progress to the file named by the
environment variable ``GANLIB_PROGRESS`` (one JSON object ``{"desc", "done", "total"}`` a line);
:class:`BatchProgress` follows that file from a thread of the runner and shows a second bar on
stderr, below papermill's.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

__all__ = ["BatchProgress"]


class BatchProgress:
    """A context that shows the progress recorded in ``path`` as a bar while it is open (when ``show``)."""

    def __init__(self, path, show=True, every=0.5):
        self.path, self.show, self.every = Path(path), show, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="batch-progress", daemon=True)
        self._bar, self._offset = None, 0

    def __enter__(self):
        if self.show:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self.show:
            self._stop.set()
            self._thread.join()
            self._update()  # the last lines, written just before the chapter ended
            self._close_bar()
        return False

    def _follow(self):
        while not self._stop.wait(self.every):
            self._update()

    def _update(self):
        for entry in self._new_entries():
            self._show(entry)

    def _new_entries(self):
        """The entries appended since the last call; a line still being written waits for the next."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except OSError:  # no batch has started yet
            return []
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        entries = []
        for line in complete.splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue  # a line that is not ours is skipped, never fatal
        return entries

    def _show(self, entry):
        from tqdm import tqdm

        desc, done, total = entry.get("desc") or "runs", entry.get("done", 0), entry.get("total")
        if self._bar is None or (self._bar.desc, self._bar.total) != (desc, total):
            self._close_bar()
            self._bar = tqdm(total=total, desc=desc, unit="run", position=1, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def _close_bar(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

"""The Jupyter kernel a chapter runs in: its own log kept off the terminal, its processes ended with the run.

papermill starts one kernel a chapter, in a session of its own (Ctrl-C at the terminal does not
reach it), and the kernel starts the worker processes of the chapter's batches in its process
group. Left to themselves, the kernel prints its own log on the runner's stderr (a warning about
plain TCP at every start, tracebacks when it is stopped mid-cell), and a runner interrupted while
a cell runs gives papermill no chance to stop the kernel, whose workers then run on.
"""

from __future__ import annotations

import contextlib
import os
import signal

__all__ = ["kernel_manager"]


@contextlib.contextmanager
def kernel_manager(log_path):
    """A kernel manager class for papermill's ``kernel_manager_class``, valid while the context is open.

    Its kernels write their own log (never the notebook's output, which papermill records) to
    ``log_path``. A kernel still running when the context closes (the runner was interrupted) is
    killed with its whole process group: the kernel and the workers of its batches.
    """
    from jupyter_client.manager import AsyncKernelManager

    started = []
    with open(log_path, "ab") as log:

        class KernelLoggingToFile(AsyncKernelManager):
            async def start_kernel(self, **kw):
                kw.setdefault("stdout", log)
                kw.setdefault("stderr", log)
                await super().start_kernel(**kw)
                started.append(self.provisioner.process)

        try:
            yield KernelLoggingToFile
        finally:
            for process in started:
                _kill_session(process)


def _kill_session(process):
    """SIGKILL ``process`` while it is alive, with its process group when it leads one (jupyter_client's kernels do)."""
    # poll() is None only while the kernel is an unreaped child of ours, so its pid cannot name another process
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    process.wait()

"""Run gunicorn on a free loopback port for the bench and the fault tests, and always stop it.

Start-up waits on readiness, not on a guess: workers import Django before they
answer (slower on a fresh clone, with no compiled bytecode, on a busy machine),
so a health check may be refused, reset or time out many times before the
first 200. Only a deadline ends the wait; on any failure the whole process
group (arbiter and workers) is stopped, so nothing outlives the caller.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
START_DEADLINE = 180.0  # seconds; generous because CI machines are shared and noisy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, deadline: float = START_DEADLINE) -> None:
    """Poll /healthz until it answers 200; raise if the process dies or the deadline passes."""
    end = time.monotonic() + deadline
    last = "no answer yet"
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode} before it was ready")
        try:
            response = requests.get(f"{url}/healthz", timeout=5)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as error:  # refused, reset or timed out while workers boot
            last = type(error).__name__
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn was not ready within {deadline:.0f} s (last: {last})")


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the arbiter's process group, then SIGKILL whatever is left after `grace` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # workers too, even if the arbiter is gone
    process.wait(timeout=grace)


@contextmanager
def gunicorn(env: dict, workers: int, *extra: str, quiet: bool = False) -> Iterator[tuple[subprocess.Popen, str]]:
    """A ready gunicorn serving the app with `env`, as (process, url); stopped on leaving, whatever happened."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "quizsite.wsgi", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", *extra]  # fmt: skip
    output = subprocess.DEVNULL if quiet else None
    # A session of its own, so stop() can signal the arbiter and every worker as one group.
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", process)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        stop(process)

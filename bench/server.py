"""Start gunicorn on a free loopback port and wait until /healthz answers (bench and fault tests)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, workers: int, *extra: str, quiet: bool = False) -> tuple[subprocess.Popen, str]:
    """A gunicorn serving the app with `env`; returns the process and its URL once healthy."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "quizsite.wsgi", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", *extra]  # fmt: skip
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):  # up to about 30 s
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not come up within 30 s")

"""The bench's and fault tests' server start-up waits on readiness and never leaves a server behind."""

import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import pytest

from bench.server import stop, wait_until_healthy


class SlowThenHealthy(BaseHTTPRequestHandler):
    """Answers /healthz slower than the client's read timeout at first, as booting workers do."""

    slow_answers = 2

    def do_GET(self):
        if SlowThenHealthy.slow_answers > 0:
            SlowThenHealthy.slow_answers -= 1
            time.sleep(6)  # past the 5 s read timeout of one health check
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def sleeper():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    yield process
    stop(process, grace=5)


def test_read_timeouts_while_booting_are_waited_out(sleeper):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowThenHealthy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        wait_until_healthy(f"http://127.0.0.1:{server.server_port}", sleeper, deadline=60)
    finally:
        server.shutdown()
    assert SlowThenHealthy.slow_answers == 0


def test_a_server_that_never_answers_fails_at_the_deadline(sleeper):
    with pytest.raises(RuntimeError, match="not ready within 2 s"):
        wait_until_healthy("http://127.0.0.1:9", sleeper, deadline=2)


def test_a_server_that_dies_is_reported_at_once():
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(RuntimeError, match="exited with code 3"):
        wait_until_healthy("http://127.0.0.1:9", process, deadline=60)


def test_stop_ends_the_whole_process_group():
    code = textwrap.dedent(
        """
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    deadline = time.monotonic() + 30
    while not psutil.Process(parent.pid).children() and time.monotonic() < deadline:
        time.sleep(0.05)
    children = psutil.Process(parent.pid).children()
    assert children, "the child process never started"
    stop(parent, grace=5)
    assert parent.poll() is not None
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive

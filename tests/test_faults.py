"""No answer lost, none counted twice: gunicorn on PostgreSQL, workers killed mid-load.

This runs against a database of its own on the local PostgreSQL server (even
when the rest of the suite runs on SQLite), because the point is real
concurrency: several worker processes, real transactions, real crashes.
Every loop here is bounded in count and time, and all traffic stays on loopback.
"""

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest
import requests

from bench.server import gunicorn

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("FAULT_TEST_PG", "postgres://postgres@127.0.0.1:5432")
CLIENTS, QUESTIONS, MAX_KILLS, TIME_LIMIT = 8, 20, 12, 120  # every quiz is answered to the end


@pytest.fixture(scope="module")
def server():
    name = f"quiz_fault_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{PG}/{name}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DATABASE_URL": dsn,
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    try:
        subprocess.run([*manage, "prepare", "--no-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        with gunicorn(env, 3, "--timeout", "20", "--graceful-timeout", "2", quiet=True) as (process, url):
            yield url, dsn, process
    finally:  # the server is stopped by its context; the database goes whatever failed
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def retrying(call, attempts: int = 8):
    """Repeat a request that a killed worker cut off; the app makes repeats safe."""
    for i in range(attempts):
        try:
            return call()
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1 * (i + 1))
    return None


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def answer_for(html: str) -> dict:
    """Some valid answer for whatever kind of question the page shows (parts have opaque keys)."""
    if m := re.search(r'name="option" value="(k[0-9a-f]+)"', html):
        return {"option": m.group(1)}
    if rows := re.findall(r'name="(row-k[0-9a-f]+)" value="(k[0-9a-f]+)"', html):
        return dict(reversed(rows))  # one column per row (the first of each)
    if places := re.findall(r'name="(place-k[0-9a-f]+)"', html):
        return {place: str(i) for i, place in enumerate(places, start=1)}
    blanks = re.findall(r'<select name="(blank-\d+)"[^>]*>(.*?)</select>', html, re.S)
    return {name: re.search(r'<option value="(k[0-9a-f]+)"', options).group(1) for name, options in blanks}


def start(url: str) -> tuple[requests.Session, int]:
    session = requests.Session()
    home = retrying(lambda: session.get(f"{url}/", timeout=10))
    data = {"csrfmiddlewaretoken": csrf(home.text), "count": 20}
    response = retrying(lambda: session.post(f"{url}/banks/bone-basics/start/", data=data, allow_redirects=False))
    return session, int(re.search(r"/attempts/(\d+)/", response.headers["Location"]).group(1))


def take_quiz(url, acked, statuses, lock):
    session, pk = start(url)
    for n in range(1, QUESTIONS + 1):
        page = retrying(lambda n=n: session.get(f"{url}/attempts/{pk}/questions/{n}/", timeout=10))
        if page is None:
            continue
        data = answer_for(page.text) | {"csrfmiddlewaretoken": csrf(page.text)}
        response = retrying(
            lambda n=n, data=data: session.post(
                f"{url}/attempts/{pk}/questions/{n}/answer/", data=data, headers={"HX-Request": "true"}, timeout=10
            )
        )
        with lock:
            statuses.append(None if response is None else response.status_code)
            if response is not None and response.status_code == 200:
                acked.add((pk, n))


def kill_workers(gunicorn, done: threading.Event, kills: list):
    rng = random.Random(7)
    deadline = time.monotonic() + TIME_LIMIT
    while not done.is_set() and len(kills) < MAX_KILLS and time.monotonic() < deadline:
        time.sleep(rng.uniform(0.15, 0.4))
        workers = psutil.Process(gunicorn.pid).children()
        if workers:
            victim = rng.choice(workers)
            os.kill(victim.pid, signal.SIGKILL)
            kills.append(victim.pid)


def test_every_acknowledged_answer_is_stored_exactly_once_while_workers_die(server):
    url, dsn, gunicorn = server
    acked, statuses, lock, kills, done = set(), [], threading.Lock(), [], threading.Event()
    killer = threading.Thread(target=kill_workers, args=(gunicorn, done, kills))
    clients = [threading.Thread(target=take_quiz, args=(url, acked, statuses, lock)) for _ in range(CLIENTS)]
    killer.start()
    for c in clients:
        c.start()
    for c in clients:
        c.join(timeout=TIME_LIMIT)
    done.set()
    killer.join(timeout=10)

    assert kills, "no worker was killed, so the test proved nothing"
    assert 500 not in statuses and 502 not in statuses
    assert len(acked) >= CLIENTS * QUESTIONS // 2, f"too few answers got through: {len(acked)}"
    with psycopg.connect(dsn) as conn:
        attempts = {
            pk: (ids, finished, score)
            for pk, ids, finished, score in conn.execute(
                "SELECT id, question_ids, finished, score FROM quizzes_attempt"
            )
        }
        stored = conn.execute("SELECT attempt_id, question_id, score FROM quizzes_response").fetchall()
    keys = [(a, q) for a, q, _ in stored]
    assert len(keys) == len(set(keys)), "an answer was stored twice"
    for pk, n in acked:
        assert (pk, attempts[pk][0][n - 1]) in set(keys), f"acknowledged answer {pk}/{n} was lost"
    for pk, (ids, finished, score) in attempts.items():
        mine = [s for a, _, s in stored if a == pk]
        assert (len(mine) == len(ids)) == (finished is not None), f"attempt {pk} is finished out of step"
        if finished is not None:
            assert score == pytest.approx(sum(mine) / len(ids))


def test_twenty_identical_posts_at_once_store_one_answer(server):
    url, dsn, _ = server
    session, pk = start(url)
    page = retrying(lambda: session.get(f"{url}/attempts/{pk}/questions/1/", timeout=10))
    data = answer_for(page.text) | {"csrfmiddlewaretoken": csrf(page.text)}
    barrier, bodies, lock = threading.Barrier(20), [], threading.Lock()

    def post():
        barrier.wait()
        response = retrying(
            lambda: session.post(
                f"{url}/attempts/{pk}/questions/1/answer/", data=data, headers={"HX-Request": "true"}, timeout=20
            )
        )
        with lock:
            bodies.append((response.status_code, response.text.split("<form")[0]))

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [status for status, _ in bodies] == [200] * 20
    assert len({body for _, body in bodies}) == 1  # everyone sees the same saved feedback
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM quizzes_response WHERE attempt_id = %s", [pk]).fetchone() == (1,)

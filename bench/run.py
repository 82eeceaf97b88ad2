"""`make bench`: seed PostgreSQL, serve it with gunicorn, load each page with locust, report.

One gunicorn server in production settings serves every phase; each phase
runs BENCH_CLIENTS closed-loop clients for BENCH_SECONDS against one page:
a bare constant view (the yardstick), the question page, the answer POST and
the dashboard. The table goes to stdout and to bench/results.md.
All traffic stays on 127.0.0.1; every phase ends by itself.
"""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.md"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
SIZES = {"questions": 2000, "learners": 10_000, "responses": 1_000_000}
PHASES = [("bare", "bare view"), ("question", "question page"), ("answer", "answer POST"), ("dashboard", "dashboard")]
SERVER_ENV = {
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quiz_bench"),
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-" + "b" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback, no TLS terminator in front
    "SECURE_COOKIES": "false",
    "BENCHMARK_VIEWS": "true",
    "LOG_LEVEL": "WARNING",
    "CONN_MAX_AGE": "600",
}


def ensure_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class MemorySampler(threading.Thread):
    """Peak resident memory of each gunicorn worker while the load runs."""

    def __init__(self, master_pid: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peaks, self.stop = psutil.Process(master_pid), {}, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for worker in self.master.children():
                try:
                    rss = worker.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peaks[worker.pid] = max(self.peaks.get(worker.pid, 0), rss)
            time.sleep(0.25)


def run_phase(tag: str, name: str, url: str) -> dict:
    prefix = DATA / tag
    command = [
        str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(CLIENTS), "-r", str(CLIENTS), "-t", f"{SECONDS}s", "--stop-timeout", "5", "--host", url,
        "--tags", tag, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = os.environ | {"BENCH_PLAN": str(DATA / "plan.json")}
    subprocess.run(command, env=env, check=False, capture_output=True, timeout=SECONDS + 60)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == name)
    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "bytes": float(row["Average Content Size"]),
    }


def queries_per_page(plan: dict) -> dict[str, int]:
    """Queries each page makes for a learner with a long history, counted in-process."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import Attempt

    learner = plan["learners"][0]
    user = User.objects.get(pk=Attempt.objects.get(pk=learner["view"][0]["pk"]).user_id)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    counts = {}
    view = learner["view"][-1]
    extra = Attempt.objects.create(user=user, question_ids=Attempt.objects.get(pk=view["pk"]).question_ids, seed=1)
    pages = {
        "bare view": ("get", "/bench/bare/", {}),
        "question page": ("get", f"/attempts/{view['pk']}/questions/1/", {}),
        "answer POST": ("post", f"/attempts/{extra.pk}/questions/1/answer/", {"option": view["options"][0]}),
        "dashboard": ("get", "/progress/", {}),
    }
    for name, (method, path, data) in pages.items():
        with CaptureQueriesContext(connection) as captured:
            getattr(client, method)(path, data, HTTP_HX_REQUEST="true" if method == "post" else "")
        counts[name] = len(captured.captured_queries)
    return counts


def main() -> int:
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    sys.path.insert(0, str(ROOT))
    DATA.mkdir(parents=True, exist_ok=True)
    ensure_database(SERVER_ENV["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from bench.seed import make_plan, seed, seeded
    from bench.server import gunicorn
    from quizzes.models import Question, Response

    print(f"Benchmark database: {SERVER_ENV['DATABASE_URL']}")
    call_command("prepare", "--no-demo", verbosity=0)
    if not seeded():
        print(f"Seeding {SIZES} (once; later runs reuse it)...")
        seed(**SIZES, players=CLIENTS)
    plan = make_plan(DATA / "plan.json", players=CLIENTS, answer_attempts=150, view_attempts=5)
    data_sizes = {
        "questions": Question.objects.count(),
        "learners": User.objects.count(),
        "responses": Response.objects.count(),
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)

    workers = 2 * (os.cpu_count() or 1) + 1
    with gunicorn(os.environ.copy(), workers, "--log-level", "warning") as (server, url):
        sampler = MemorySampler(server.pid)
        sampler.start()
        results = {}
        for tag, name in PHASES:
            print(f"Phase {name}: {CLIENTS} clients for {SECONDS} s...")
            results[name] = run_phase(tag, name, url)
        sampler.stop.set()
        sampler.join()
    queries = queries_per_page(plan)

    bare = results["bare view"]["rps"] or 1
    peak_mb = max(sampler.peaks.values()) / 2**20 if sampler.peaks else 0
    lines = [
        "| page | requests/s | ratio to bare view | p50 ms | p95 ms | p99 ms | errors | queries | bytes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, name in PHASES:
        r = results[name]
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / bare:.0%} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['errors']} | {queries[name]} | {r['bytes']:.0f} |"
        )
    targets = []
    for name in ("question page", "answer POST"):
        r = results[name]
        ratio_ok = "met" if r["rps"] / bare >= 0.5 else "MISSED"
        p95_ok = "met" if r["p95"] <= 50 else "MISSED"
        targets.append(
            f"- {name}: {r['rps'] / bare:.0%} of the bare view's throughput (target at least 50%): {ratio_ok}; "
            f"p95 {r['p95']:.0f} ms (target at most 50 ms): {p95_ok}."
        )
    errors = sum(r["errors"] for r in results.values())
    targets.append(f"- errors: {errors} (target 0): {'met' if errors == 0 else 'MISSED'}.")
    report = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {os.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, PostgreSQL.",
            f"Data: {data_sizes['questions']:,} questions, {data_sizes['learners']:,} users, "
            f"{data_sizes['responses']:,} responses.",
            f"Server: gunicorn, {workers} sync workers, production settings, on 127.0.0.1. "
            f"Load: locust, {CLIENTS} closed-loop clients per page for {SECONDS} s each, one page at a time, "
            "load generator on the same machine.",
            "",
            *lines,
            "",
            f"Peak memory per worker: {peak_mb:.0f} MiB (largest of {len(sampler.peaks)} worker processes).",
            "",
            "Targets:",
            *targets,
            "",
        ]
    )
    RESULTS.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The load `make bench` drives: one phase per page, each at a fixed number of clients.

Each simulated learner uses a session made by the seeding step (sessionid
cookie) and a CSRF secret of its own, so the timed window holds only the
requests being measured. Tags pick the phase: bare, question, answer, dashboard.
"""

import itertools
import json
import os
import random
import secrets
import string
from http.cookiejar import Cookie
from urllib.parse import urlparse

from locust import FastHttpUser, constant, tag, task

with open(os.environ["BENCH_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
NEXT_LEARNER = itertools.count()


def cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {})


class Learner(FastHttpUser):
    wait_time = constant(0)  # closed loop: each client sends its next request as soon as one returns

    def on_start(self) -> None:
        self.me = PLAN["learners"][next(NEXT_LEARNER) % len(PLAN["learners"])]
        host = urlparse(self.host).hostname
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.client.cookiejar.set_cookie(cookie("sessionid", self.me["session"], host))
        self.client.cookiejar.set_cookie(cookie("csrftoken", self.csrf, host))
        self.answers = ((a["pk"], n, opt) for a in self.me["answer"] for n, opt in enumerate(a["options"], start=1))

    @tag("bare")
    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare view")

    @tag("question")
    @task
    def question(self) -> None:
        attempt = random.choice(self.me["view"])
        self.client.get(f"/attempts/{attempt['pk']}/questions/{random.randint(1, 20)}/", name="question page")

    @tag("answer")
    @task
    def answer(self) -> None:
        pk, n, option = next(self.answers)  # a new answer every time: the write path
        self.client.post(
            f"/attempts/{pk}/questions/{n}/answer/",
            data={"option": option, "csrfmiddlewaretoken": self.csrf},
            headers={"HX-Request": "true"},
            name="answer POST",
        )

    @tag("dashboard")
    @task
    def dashboard(self) -> None:
        self.client.get("/progress/", name="dashboard")

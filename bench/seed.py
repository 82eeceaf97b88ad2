"""Fill the benchmark database: 2,000 questions, 10,000 learners, 1,000,000 responses.

Questions, options and users go in with bulk_create; attempts and responses,
the bulk of the data, with PostgreSQL's COPY. The learners the load test plays
get ready-made sessions (so no password hashing runs inside the timed window)
and pools of fresh attempts to answer; both are written to the plan file.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

from quizzes.models import Attempt, Citation, Option, Question, Response

PREFIX = "bench-"


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def seeded() -> bool:
    return User.objects.filter(username__startswith=PREFIX).exists()


def seed(*, questions: int, learners: int, responses: int, players: int, log=print) -> None:
    rng = random.Random(2026)
    started = time.monotonic()

    # Questions: clones of the bank's single-answer questions, each with its options and citation.
    templates = list(Question.objects.published().filter(kind="single").prefetch_related("options", "citations"))
    missing = questions - Question.objects.count()
    with transaction.atomic():
        clones = [
            Question(
                key=f"{PREFIX}{i}", topic_id=t.topic_id, kind=t.kind, stem=f"{t.stem} ({i})",
                explanation=t.explanation, plain_explanation=t.plain_explanation, difficulty=t.difficulty,
                audience=t.audience, status=Question.Status.PUBLISHED,
            )
            for i, t in ((i, templates[i % len(templates)]) for i in range(missing))
        ]  # fmt: skip
        Question.objects.bulk_create(clones, batch_size=1000)
        options, citations = [], []
        for i, clone in enumerate(clones):
            template = templates[i % len(templates)]
            for o in template.options.all():
                options.append(Option(question=clone, position=o.position, text=o.text, is_correct=o.is_correct,
                                      rationale=o.rationale))  # fmt: skip
            for c in template.citations.all():
                if c.option_id is None:
                    citations.append(
                        Citation(question=clone, passage_id=c.passage_id, quote=c.quote, position=c.position)
                    )
        Option.objects.bulk_create(options, batch_size=5000)
        Citation.objects.bulk_create(citations, batch_size=5000)
    log(f"  questions: {Question.objects.count()} ({time.monotonic() - started:.0f} s)")

    # Learners: one password hash shared by all, made once.
    password = make_password("bench-password-2026")
    User.objects.bulk_create(
        [User(username=f"{PREFIX}{i:05d}", password=password) for i in range(learners)], batch_size=5000
    )
    user_ids = list(User.objects.filter(username__startswith=PREFIX).order_by("id").values_list("id", flat=True))
    log(f"  learners: {len(user_ids)} ({time.monotonic() - started:.0f} s)")

    # History: finished tutor attempts of 10 questions, 1,000,000 answers in all.
    question_ids = list(Question.objects.published().values_list("id", flat=True))
    per_attempt = 10
    now = timezone.now()
    first_attempt = _next_id("quizzes_attempt")
    attempts, answers = [], []
    for k in range(responses // per_attempt):
        attempt_id = first_attempt + k
        user_id = user_ids[k % len(user_ids)]
        chosen = rng.sample(question_ids, per_attempt)
        when = now - timedelta(days=rng.uniform(0, 60))
        scores = [1.0 if rng.random() < 0.7 else 0.0 for _ in chosen]
        attempts.append((attempt_id, user_id, "tutor", json.dumps(chosen), rng.randrange(1 << 30), when,
                         when + timedelta(minutes=5), sum(scores) / per_attempt, ""))  # fmt: skip
        for j, (qid, score) in enumerate(zip(chosen, scores, strict=True)):
            answers.append((attempt_id, qid, '{"option": 0}', score, 20, when + timedelta(seconds=30 * j)))
    with transaction.atomic():
        attempt_columns = ("id", "user_id", "mode", "question_ids", "seed", "started", "finished", "score", "label")
        _copy("quizzes_attempt", attempt_columns, attempts)
        _reset_sequence("quizzes_attempt")
        _copy("quizzes_response", ("attempt_id", "question_id", "answer", "score", "seconds", "created"), answers)
    log(f"  attempts: {len(attempts)}, responses: {Response.objects.count()} ({time.monotonic() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def make_plan(path: Path, *, players: int, answer_attempts: int, view_attempts: int) -> dict:
    """Sessions and fresh attempts for the learners the load test plays."""
    rng = random.Random(7)
    singles = list(
        Option.objects.filter(question__kind="single", question__status="published", is_correct=True).values_list(
            "question_id", "id"
        )
    )
    plan = {"learners": []}
    for user in User.objects.filter(username__startswith=PREFIX).order_by("id")[:players]:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()

        def fresh(count: int, user=user) -> list[dict]:
            made = []
            for _ in range(count):
                picked = rng.sample(singles, 20)
                attempt = Attempt.objects.create(
                    user=user, question_ids=[q for q, _ in picked], seed=rng.randrange(1000)
                )
                made.append({"pk": attempt.pk, "options": [o for _, o in picked]})
            return made

        plan["learners"].append(
            {"session": session.session_key, "answer": fresh(answer_attempts), "view": fresh(view_attempts)}
        )
    path.write_text(json.dumps(plan))
    return plan

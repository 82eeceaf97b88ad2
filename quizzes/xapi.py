"""xAPI statements of learning, for a Learning Record Store (LRS).

With settings.XAPI_ENDPOINT set, each answer of a learner with an account is an "answered" statement (its object
a cmi.interaction activity of the kind's interactionType, its result the success, the response in words, the
duration and the score), and each finished attempt a "completed" statement, then "passed" or "failed" (scaled
score against PASS_MARK). Every statement names the attempt as its registration and, in its context, the bank,
the mode and the cohort. They are written to an outbox (XapiStatement) in the transaction of the answer, so a
statement exists exactly when its answer does, and sent in batches by a task, retried while the LRS is down.
Visitors without an account (patients checking their understanding) are never sent anywhere.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from quizzes.models import Attempt, Question, Response, XapiStatement

VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
COURSE = "http://adlnet.gov/expapi/activities/course"
PASS_MARK = 0.7  # the scaled score an attempt "passed" with; the app itself grades no pass or fail
BATCH = 50
BACKOFF = timedelta(minutes=1)
VERSION = "1.0.3"


def enabled() -> bool:
    return bool(settings.XAPI_ENDPOINT)


def _iri(path: str) -> str:
    return f"{settings.XAPI_BASE_IRI}/{path.lstrip('/')}"


def registration(attempt: Attempt) -> str:
    """The attempt as an xAPI registration: a UUID that is the same for every statement of the attempt."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, _iri(f"attempts/{attempt.pk}")))


def _actor(attempt: Attempt) -> dict:
    user = attempt.user
    return {"objectType": "Agent", "name": user.get_full_name() or user.get_username(),
            "account": {"homePage": settings.XAPI_BASE_IRI, "name": user.get_username()}}  # fmt: skip


def _context(attempt: Attempt) -> dict:
    cohort = attempt.assignment.cohort.name if attempt.assignment_id else ""
    bank = {"objectType": "Activity", "id": _iri(f"banks/{attempt.topic.slug}" if attempt.topic_id else "banks/mixed"),
            "definition": {"type": COURSE, "name": {"en-US": attempt.title}}}  # fmt: skip
    extensions = {_iri("xapi/extensions/mode"): attempt.mode, _iri("xapi/extensions/bank"): attempt.title}
    if cohort:
        extensions[_iri("xapi/extensions/cohort")] = cohort
    return {
        "registration": registration(attempt),
        "contextActivities": {"parent": [_attempt_activity(attempt)], "grouping": [bank]},
        "extensions": extensions,
        "platform": "Bone metastasis quiz",
        "language": "en-US",
    }


def _attempt_activity(attempt: Attempt) -> dict:
    return {"objectType": "Activity", "id": _iri(f"attempts/{attempt.pk}"),
            "definition": {"type": ASSESSMENT, "name": {"en-US": attempt.title}}}  # fmt: skip


def _statement(attempt: Attempt, verb: str, obj: dict, result: dict, when) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": _actor(attempt),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "result": result,
        "context": _context(attempt),
        "timestamp": when.isoformat(),
        "version": VERSION,
    }


def _score(score: float) -> dict:
    return {"raw": round(score, 4), "min": 0, "max": 1, "scaled": round(score, 4)}


def _save(attempt: Attempt, statements: list[dict]) -> None:
    XapiStatement.objects.bulk_create(
        [XapiStatement(statement_id=s["id"], statement=s, attempt=attempt) for s in statements]
    )
    transaction.on_commit(lambda: send_statements.enqueue())


def record_answer(attempt: Attempt, question: Question, response: Response) -> None:
    """The "answered" statement of one answer, in the caller's (the answer's) transaction."""
    if not enabled() or attempt.user_id is None:
        return
    obj = {"objectType": "Activity", "id": _iri(f"questions/{question.key}"),
           "definition": {"type": INTERACTION, "name": {"en-US": question.stem[:500]},
                          "interactionType": question.kind_obj.xapi_interaction}}  # fmt: skip
    result = {"success": response.score >= 1.0, "response": question.describe_answer(response.answer)[:1000],
              "duration": f"PT{response.seconds}S", "score": _score(response.score)}  # fmt: skip
    _save(attempt, [_statement(attempt, "answered", obj, result, response.created)])


def record_finish(attempt: Attempt) -> None:
    """The "completed" statement of a finished attempt, then "passed" or "failed" with its scaled score."""
    if not enabled() or attempt.user_id is None or attempt.score is None:
        return
    when = attempt.finished or timezone.now()
    seconds = int((when - attempt.started).total_seconds())
    result = {"completion": True, "duration": f"PT{max(0, seconds)}S", "score": _score(attempt.score)}
    verdict = "passed" if attempt.score >= PASS_MARK else "failed"
    activity = _attempt_activity(attempt)
    _save(attempt, [
        _statement(attempt, "completed", activity, result, when),
        _statement(attempt, verdict, activity, result | {"success": verdict == "passed"}, when),
    ])  # fmt: skip


@task
def send_statements() -> str:
    """Post the outbox's unsent statements to the LRS, oldest first, a batch at a time; a failure leaves them in
    the outbox and tries again in a minute."""
    if not enabled():
        return "no LRS"
    with transaction.atomic():
        batch = list(XapiStatement.objects.select_for_update(skip_locked=True).filter(sent__isnull=True)[:BATCH])
        if not batch:
            return "nothing to send"
        try:
            answer = requests.post(
                settings.XAPI_ENDPOINT.rstrip("/") + "/statements",
                json=[s.statement for s in batch],
                auth=(settings.XAPI_USERNAME, settings.XAPI_PASSWORD) if settings.XAPI_USERNAME else None,
                headers={"X-Experience-API-Version": VERSION},
                timeout=10,
            )
            ok = answer.status_code in (200, 204) or answer.status_code == 409  # 409: the LRS has them already
            error = "" if ok else f"The LRS answered {answer.status_code}: {answer.text[:300]}"
        except requests.RequestException as exc:
            ok, error = False, f"{type(exc).__name__}: {exc}"[:400]
        ids = [s.pk for s in batch]
        if ok:
            XapiStatement.objects.filter(pk__in=ids).update(sent=timezone.now(), last_error="")
            more = XapiStatement.objects.filter(sent__isnull=True).exists()
            if more:
                transaction.on_commit(lambda: send_statements.enqueue())
            return f"sent {len(batch)}"
        for statement in batch:
            statement.tries += 1
            statement.last_error = error
        XapiStatement.objects.bulk_update(batch, ["tries", "last_error"])
        transaction.on_commit(lambda: send_statements.using(run_after=timezone.now() + BACKOFF).enqueue())
        return error

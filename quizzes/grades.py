"""Scores back to the LMS gradebook: LTI Assignment and Grade Services, sent by a background task.

When an LMS-launched attempt ends (submitted, finished, or closed by the server at its deadline), `queue_score`
writes a ScoreSend in the same transaction and, once that commits, enqueues `send_score` on Django's tasks
framework (the database queue of django-tasks-db; the worker is `manage.py db_worker`). The task asks the LMS's
token URL for an access token (a JWT signed with the tool's key, as pylti1p3's ServiceConnector does) and posts
the score to the line item's `/scores` endpoint.

- The LMS down, a timeout or a 5xx answer: tried again later, after 30 s, 2, 8 and 30 minutes, 2 hours; then
  given up, said so in the admin (where an instructor can resend).
- A 4xx answer: not retried; the reason is kept.
- The grade is fixed when the attempt ends: every try and every resend sends that same score. Each send carries
  a timestamp later than the one before, as the AGS spec asks.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from lti_tool.models import LtiRegistration
from pylti1p3.exception import LtiServiceException
from pylti1p3.service_connector import ServiceConnector

from quizzes.models import Attempt, LtiAttempt, ScoreSend

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=8), timedelta(minutes=30),
           timedelta(hours=2))  # fmt: skip
TIMEOUT = 10  # seconds for each request to the LMS: a worker never hangs on one


class _TimedSession(requests.Session):
    """pylti1p3 makes its requests through a session with no timeout; this one has one."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def queue_score(attempt: Attempt) -> ScoreSend | None:
    """Record a finished LMS attempt's score for sending, and send it once the transaction commits."""
    lti = LtiAttempt.objects.filter(attempt=attempt).exclude(lineitem_url="").first()
    if lti is None or attempt.score is None:
        return None
    send, _ = ScoreSend.objects.update_or_create(
        lti_attempt=lti,
        defaults={"score_given": round(attempt.score, 6), "score_maximum": 1.0, "state": ScoreSend.State.PENDING,
                  "tries": 0, "last_error": "", "timestamp": attempt.finished or timezone.now()},
    )  # fmt: skip
    transaction.on_commit(lambda: send_score.enqueue(send.pk))
    return send


def resend(send: ScoreSend) -> None:
    """Send the same score again (an instructor's resend from the admin)."""
    ScoreSend.objects.filter(pk=send.pk).update(state=ScoreSend.State.PENDING, tries=0, last_error="")
    transaction.on_commit(lambda: send_score.enqueue(send.pk))


def scores_url(lineitem_url: str) -> str:
    """The line item's scores endpoint: its path + /scores, keeping its query (Moodle puts the type there)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_body(send: ScoreSend, timestamp) -> dict:
    attempt = send.lti_attempt.attempt
    return {
        "userId": send.lti_attempt.lti_user.sub,
        "scoreGiven": send.score_given,
        "scoreMaximum": send.score_maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timestamp.isoformat(timespec="milliseconds"),
        "comment": f"{attempt.title}: {round(send.score_given / send.score_maximum * 100)}%",
    }


def _registration(send: ScoreSend) -> LtiRegistration:
    return send.lti_attempt.lti_user.registration


@task
def send_score(send_id: int) -> str:
    """Post one score to the LMS; on a failure that may pass, enqueue a later try. Returns the state reached."""
    with transaction.atomic():
        send = (
            # of=self: PostgreSQL cannot lock the nullable side of the outer joins (an attempt's topic)
            ScoreSend.objects.select_for_update(of=("self",))
            .select_related("lti_attempt__attempt__topic", "lti_attempt__lti_user__registration")
            .filter(pk=send_id)
            .first()
        )
        if send is None or send.state in (ScoreSend.State.SENT, ScoreSend.State.FAILED, ScoreSend.State.GAVE_UP):
            return send.state if send else "gone"  # a repeated task sends nothing twice
        # Strictly increasing: never earlier than, nor the same as, the last one sent for this score.
        timestamp = max(timezone.now(), send.timestamp + timedelta(milliseconds=1))
        connector = ServiceConnector(_registration(send).to_registration(), requests_session=_TimedSession())
        try:
            connector.make_service_request(
                [SCORE_SCOPE], scores_url(send.lti_attempt.lineitem_url), is_post=True,
                data=json.dumps(score_body(send, timestamp)), content_type=SCORE_TYPE,
            )  # fmt: skip
        except LtiServiceException as exc:
            status = exc.response.status_code
            if status < 500 and status != 429:  # the LMS refused it: trying again would be refused again
                return _record(send, ScoreSend.State.FAILED, f"The LMS answered {status}: {exc.response.text[:500]}")
            return _retry(send, f"The LMS answered {status}: {exc.response.text[:500]}")
        except (requests.RequestException, ValueError, KeyError) as exc:  # down, timed out, or a garbled token
            return _retry(send, f"{type(exc).__name__}: {exc}"[:600])
        send.timestamp, send.sent = timestamp, timezone.now()
        return _record(send, ScoreSend.State.SENT, "")


def _record(send: ScoreSend, state: str, error: str) -> str:
    send.state, send.last_error, send.tries = state, error, send.tries + 1
    send.save(update_fields=["state", "last_error", "tries", "timestamp", "sent"])
    return state


def _retry(send: ScoreSend, error: str) -> str:
    if send.tries >= len(BACKOFF):
        return _record(send, ScoreSend.State.GAVE_UP, error)
    delay = BACKOFF[send.tries]
    state = _record(send, ScoreSend.State.RETRYING, error)
    transaction.on_commit(lambda: send_score.using(run_after=timezone.now() + delay).enqueue(send.pk))
    return state

"""Scores back to the LMS (LTI Assignment and Grade Services), sent by the task worker: the score body, the
token request, retries with backoff while the LMS is down, no retry on a 4xx, the same grade on every try and
resend, and the server closing an exam at its deadline sending its score too."""

import json
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quizzes import grades
from quizzes.models import Attempt, ScoreSend
from tests.factories import QuestionFactory, TopicFactory, answer_form
from tests.lti_platform import CLIENT_ID, ISSUER, TOKEN_URL, WITH_WORKER, Platform, new_key

pytestmark = pytest.mark.django_db
LINEITEM = f"{ISSUER}/api/lineitems/7"
SCORES = f"{LINEITEM}/scores"


@pytest.fixture(scope="module")
def platform_key():
    return new_key()


@pytest.fixture
def registration(platform_key, db):
    platform = Platform(key=platform_key)
    registration = platform.register()
    topic = TopicFactory(slug="symptoms")
    for _ in range(3):
        QuestionFactory(topic=topic)
    return platform, registration


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST, TOKEN_URL, json={"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600}
        )
        yield rsps


def launched_attempt(client, registration, mock, **custom) -> Attempt:
    platform, reg = registration
    platform.launch(client, reg, mock, custom={"bank": "symptoms", "count": "3", **custom})
    return Attempt.objects.get()


def finish(client, attempt, django_capture_on_commit_callbacks, right=(True, True, False)) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for n, is_right in enumerate(right, start=1):
            question = attempt.question_at(n)
            option = question.options.filter(is_correct=is_right).first()
            client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": option.pk}))


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())


def score_posts(mock) -> list[dict]:
    return [json.loads(c.request.body) for c in mock.calls if c.request.url == SCORES]


@WITH_WORKER
def test_a_finished_lms_attempt_sends_its_score_from_the_worker(client, registration, mock,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    mock.add(responses.POST, SCORES, status=200)
    attempt = launched_attempt(client, registration, mock)
    finish(client, attempt, django_capture_on_commit_callbacks)
    send = ScoreSend.objects.get()
    assert send.state == "pending" and send.score_given == pytest.approx(2 / 3)
    assert score_posts(mock) == []  # not in the request: the answer's response is back before any send
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    send.refresh_from_db()
    assert send.state == "sent" and send.tries == 1 and send.sent is not None
    (body,) = score_posts(mock)
    assert body["userId"] == "user-1" and body["scoreGiven"] == pytest.approx(0.666667)
    assert body["scoreMaximum"] == 1.0
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    post = next(c.request for c in mock.calls if c.request.url == SCORES)
    assert post.headers["Authorization"] == "Bearer token-1"
    assert post.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    # the token request: client credentials with an assertion signed by the tool's published key
    token_request = next(c.request for c in mock.calls if c.request.url == TOKEN_URL)
    form = {k: v[0] for k, v in parse_qs(token_request.body).items()}
    assert form["grant_type"] == "client_credentials" and form["scope"] == grades.SCORE_SCOPE
    keys = {k["kid"]: k for k in client.get(reverse("lti_jwks")).json()["keys"]}
    kid = jwt.get_unverified_header(form["client_assertion"])["kid"]
    claims = jwt.decode(form["client_assertion"], jwt.algorithms.RSAAlgorithm.from_jwk(keys[kid]),
                        algorithms=["RS256"], audience=TOKEN_URL)  # fmt: skip
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    # a second worker run (or a repeated task) sends nothing twice
    grades.send_score.call(send.pk)
    assert len(score_posts(mock)) == 1


def test_the_lms_down_for_the_first_tries_gets_the_score_in_the_end(client, registration, mock,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    mock.add(responses.POST, SCORES, body=requests.exceptions.ConnectionError("refused"))
    mock.add(responses.POST, SCORES, status=503, body="down for maintenance")
    mock.add(responses.POST, SCORES, status=200)
    attempt = launched_attempt(client, registration, mock)
    finish(client, attempt, django_capture_on_commit_callbacks)
    send = ScoreSend.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert grades.send_score.call(send.pk) == "retrying"
    send.refresh_from_db()
    assert send.tries == 1 and "ConnectionError" in send.last_error
    later = DBTaskResult.objects.filter(status="READY", run_after__isnull=False).latest("enqueued_at")
    assert timedelta(seconds=25) < later.run_after - timezone.now() <= timedelta(seconds=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert grades.send_score.call(send.pk) == "retrying"
    send.refresh_from_db()
    assert send.tries == 2 and send.last_error == "The LMS answered 503: down for maintenance"
    assert grades.send_score.call(send.pk) == "sent"
    posts = score_posts(mock)
    assert len(posts) == 3 and len({p["scoreGiven"] for p in posts}) == 1  # the same grade on every try
    stamps = [p["timestamp"] for p in posts]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3  # strictly increasing


def test_a_refusal_is_not_retried_and_its_reason_is_kept(client, registration, mock,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    mock.add(responses.POST, SCORES, status=400, body='{"error": "unknown user"}')
    attempt = launched_attempt(client, registration, mock)
    finish(client, attempt, django_capture_on_commit_callbacks)
    send = ScoreSend.objects.get()
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert grades.send_score.call(send.pk) == "failed"
    send.refresh_from_db()
    assert send.last_error == 'The LMS answered 400: {"error": "unknown user"}'
    assert DBTaskResult.objects.count() == before  # no later try
    assert len(score_posts(mock)) == 1


def test_after_every_backoff_the_send_gives_up(client, registration, mock, django_capture_on_commit_callbacks):
    mock.add(responses.POST, SCORES, status=502)
    attempt = launched_attempt(client, registration, mock)
    finish(client, attempt, django_capture_on_commit_callbacks)
    send = ScoreSend.objects.get()
    states = [grades.send_score.call(send.pk) for _ in range(len(grades.BACKOFF) + 1)]
    assert states == ["retrying"] * len(grades.BACKOFF) + ["gave_up"]
    assert grades.send_score.call(send.pk) == "gave_up"  # and stays so
    assert len(score_posts(mock)) == len(grades.BACKOFF) + 1


@WITH_WORKER
def test_a_resend_sends_the_same_grade_later(client, registration, mock, django_capture_on_commit_callbacks):
    mock.add(responses.POST, SCORES, status=200)
    attempt = launched_attempt(client, registration, mock)
    finish(client, attempt, django_capture_on_commit_callbacks, right=(True, False, False))
    send = ScoreSend.objects.get()
    grades.send_score.call(send.pk)
    with django_capture_on_commit_callbacks(execute=True):
        grades.resend(send)
    run_worker()
    first, again = score_posts(mock)
    assert first["scoreGiven"] == again["scoreGiven"] == pytest.approx(1 / 3)
    assert again["timestamp"] > first["timestamp"]


def test_an_exam_the_server_closes_at_its_deadline_sends_its_score(client, registration, mock,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    attempt = launched_attempt(client, registration, mock, mode="exam", minutes="10")
    question = attempt.question_at(1)
    right = question.options.get(is_correct=True)
    client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": right.pk}))
    assert not ScoreSend.objects.exists()  # an open exam sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        Attempt.objects.close_expired(now=attempt.deadline + timedelta(seconds=1))
    send = ScoreSend.objects.get()
    assert send.score_given == pytest.approx(1 / 3) and send.state == "pending"


def test_a_practice_without_an_lms_sends_nothing(client, django_capture_on_commit_callbacks, db):
    question = QuestionFactory()
    attempt = Attempt.objects.create(question_ids=[question.pk], seed=1)
    session = client.session
    session["attempt_ids"] = [attempt.pk]
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        option = question.options.get(is_correct=True)
        client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": option.pk}))
    attempt.refresh_from_db()
    assert attempt.finished is not None and not ScoreSend.objects.exists()


def test_the_scores_url_keeps_the_line_items_query():
    assert grades.scores_url("https://m.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1") == (
        "https://m.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1"
    )

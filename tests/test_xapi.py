"""xAPI statements: one "answered" per answer (a cmi.interaction of the kind's type) and "completed" then
"passed" or "failed" per finished attempt, written in the answer's transaction, valid by ralph-malph's xAPI
models, sent to the LRS by a task that keeps them while the LRS is down; nothing for visitors without an account
or without an LRS."""

import json
from datetime import timedelta

import pytest
import requests
import responses
from django.urls import reverse
from django.utils import timezone
from ralph.models.xapi.base.statements import BaseXapiStatement

from quizzes import xapi
from quizzes.models import Assignment, Attempt, Cohort, Membership, XapiStatement
from tests.factories import QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db
LRS = "https://lrs.example.org/xapi/"


@pytest.fixture
def lrs(settings):
    settings.XAPI_ENDPOINT = LRS
    settings.XAPI_USERNAME, settings.XAPI_PASSWORD = "quiz", "lrs-secret"
    settings.XAPI_BASE_IRI = "https://quiz.example.edu"


def practice(client, kinds=("single", "matrix", "ordering"), user=True, **fields) -> Attempt:
    topic = TopicFactory(slug="symptoms", name="Symptoms")
    questions = [QuestionFactory(topic=topic, kind=k) for k in kinds]
    learner = UserFactory(first_name="Ada", last_name="Lovelace") if user else None
    if learner:
        client.force_login(learner)
    attempt = Attempt.objects.create(user=learner, topic=topic, question_ids=[q.pk for q in questions], seed=3,
                                     **fields)  # fmt: skip
    if not learner:
        session = client.session
        session["attempt_ids"] = [attempt.pk]
        session.save()
    return attempt


def answer_all(client, attempt, django_capture_on_commit_callbacks, right=True) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, attempt.total + 1):
            question = attempt.question_at(n)
            given = (
                question.correct_answer() if right or n > 1 else {"option": question.options.get(text="Osteoclasts").pk}
            )
            client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, given))


def test_each_answer_and_the_finish_are_statements_ralph_accepts(client, lrs, django_capture_on_commit_callbacks):
    attempt = practice(client)
    answer_all(client, attempt, django_capture_on_commit_callbacks, right=False)
    rows = list(XapiStatement.objects.order_by("created", "pk"))
    verbs = [r.statement["verb"]["display"]["en-US"] for r in rows]
    assert verbs == ["answered", "answered", "answered", "completed", "failed"]
    for row in rows:
        BaseXapiStatement(**row.statement)  # raises on anything xAPI 1.0.3 does not allow
        context = row.statement["context"]
        assert context["registration"] == xapi.registration(attempt)
        assert context["extensions"]["https://quiz.example.edu/xapi/extensions/mode"] == "tutor"
        assert context["contextActivities"]["grouping"][0]["id"] == "https://quiz.example.edu/banks/symptoms"
        assert row.statement["actor"]["account"] == {
            "homePage": "https://quiz.example.edu",
            "name": attempt.user.username,
        }
    first = rows[0].statement
    assert first["object"]["definition"]["interactionType"] == "choice"
    assert first["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert first["result"]["success"] is False and first["result"]["score"] == {
        "raw": 0,
        "min": 0,
        "max": 1,
        "scaled": 0,
    }
    assert first["result"]["response"] == "Osteoclasts" and first["result"]["duration"].startswith("PT")
    assert [r.statement["object"]["definition"]["interactionType"] for r in rows[1:3]] == ["matching", "sequencing"]
    failed = rows[4].statement
    assert failed["result"]["score"]["scaled"] == pytest.approx(0.6667) and failed["result"]["success"] is False


def test_the_context_names_the_cohort_of_an_assignment(client, lrs, django_capture_on_commit_callbacks):
    attempt = practice(client, kinds=("single",))
    cohort = Cohort.objects.create(name="NUR 101", owner=UserFactory())
    Membership.objects.create(cohort=cohort, user=attempt.user)
    assignment = Assignment.objects.create(cohort=cohort, title="Week 1", topic=attempt.topic, count=1,
                                           due=timezone.now() + timedelta(days=1))  # fmt: skip
    Attempt.objects.filter(pk=attempt.pk).update(assignment=assignment)
    attempt.refresh_from_db()
    answer_all(client, attempt, django_capture_on_commit_callbacks)
    extensions = XapiStatement.objects.first().statement["context"]["extensions"]
    assert extensions["https://quiz.example.edu/xapi/extensions/cohort"] == "NUR 101"
    assert [r.statement["verb"]["display"]["en-US"] for r in XapiStatement.objects.all()][-1] == "passed"


def test_nothing_is_written_for_a_visitor_without_an_account(client, lrs, django_capture_on_commit_callbacks):
    attempt = practice(client, user=False, mode=Attempt.Mode.PATIENT)
    answer_all(client, attempt, django_capture_on_commit_callbacks)
    attempt.refresh_from_db()
    assert attempt.finished is not None and not XapiStatement.objects.exists()


def test_nothing_is_written_without_an_lrs(client, django_capture_on_commit_callbacks):
    attempt = practice(client)
    answer_all(client, attempt, django_capture_on_commit_callbacks)
    assert not XapiStatement.objects.exists()


def test_the_task_sends_the_outbox_and_keeps_it_while_the_lrs_is_down(client, lrs, django_capture_on_commit_callbacks):
    attempt = practice(client, kinds=("single",))
    answer_all(client, attempt, django_capture_on_commit_callbacks)
    assert XapiStatement.objects.filter(sent__isnull=True).count() == 3
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, f"{LRS}statements", body=requests.exceptions.ConnectionError("down"))
        mock.add(responses.POST, f"{LRS}statements", status=503)
        mock.add(responses.POST, f"{LRS}statements", status=200, json=["a", "b", "c"])
        assert xapi.send_statements.call().startswith("ConnectionError")
        assert xapi.send_statements.call() == "The LRS answered 503: "
        assert XapiStatement.objects.filter(sent__isnull=True).count() == 3
        assert set(XapiStatement.objects.values_list("tries", flat=True)) == {2}
        assert xapi.send_statements.call() == "sent 3"
        sent = json.loads(mock.calls[-1].request.body)
        assert mock.calls[-1].request.headers["X-Experience-API-Version"] == "1.0.3"
        assert mock.calls[-1].request.headers["Authorization"].startswith("Basic ")
    assert [s["id"] for s in sent] == [str(r.statement_id) for r in XapiStatement.objects.order_by("created", "pk")]
    assert not XapiStatement.objects.filter(sent__isnull=True).exists()
    assert xapi.send_statements.call() == "nothing to send"

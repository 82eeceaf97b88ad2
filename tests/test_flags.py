"""Flagging a question for later, with an account or in the browser session."""

import pytest
from django.urls import reverse

from quizzes.models import Flag
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_learner_flags_and_unflags_with_htmx(client):
    user = UserFactory()
    client.force_login(user)
    question = QuestionFactory()
    url = reverse("toggle_flag", args=[question.pk])
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-pressed="true"' in html and "Flagged for later" in html and "<html" not in html
    assert Flag.objects.filter(user=user, question=question).exists()
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-pressed="false"' in html and not Flag.objects.exists()


def test_without_javascript_flagging_returns_to_the_page(client):
    client.force_login(UserFactory())
    question = QuestionFactory()
    response = client.post(reverse("toggle_flag", args=[question.pk]), {"next": "/attempts/1/questions/2/"})
    assert response["Location"] == "/attempts/1/questions/2/"


def test_visitor_flags_live_in_the_session(client):
    question = QuestionFactory()
    client.post(reverse("toggle_flag", args=[question.pk]))
    assert client.session["flagged_ids"] == [question.pk]
    assert not Flag.objects.exists()  # moving them into an account on login: tests/test_security_claim.py


def test_only_published_questions_can_be_flagged(client):
    client.force_login(UserFactory())
    draft = QuestionFactory(status="draft")
    assert client.post(reverse("toggle_flag", args=[draft.pk])).status_code == 404
    assert client.post(reverse("toggle_flag", args=[999999])).status_code == 404
    assert client.get(reverse("toggle_flag", args=[draft.pk])).status_code == 405
    assert not Flag.objects.exists()


def exam_of(user):
    from django.utils import timezone

    from tests.factories import AttemptFactory

    now = timezone.now()
    return AttemptFactory(user=user, mode="exam", started=now, deadline=now + timezone.timedelta(minutes=20))


def test_flagging_on_an_exam_page_updates_the_navigator_in_the_same_swap(client, learner):
    attempt = exam_of(learner)
    question = attempt.question_at(2)
    page = client.get(reverse("question", args=[attempt.pk, 2])).content.decode()
    assert f'name="attempt" value="{attempt.pk}"' in page  # the flag form says which exam it is on

    html = client.post(
        reverse("toggle_flag", args=[question.pk]), {"next": "/", "attempt": attempt.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Flagged for later" in html
    navigator = html[html.index('<nav id="navigator"') :]
    assert 'hx-swap-oob="true"' in navigator.split(">")[0]
    assert '2<span class="visually-hidden">: not answered, flagged</span>' in navigator
    assert '1<span class="visually-hidden">: not answered</span>' in navigator


def test_another_learners_exam_gets_no_navigator(client, learner):
    from tests.factories import UserFactory

    theirs = exam_of(UserFactory())
    question = theirs.question_at(1)
    html = client.post(
        reverse("toggle_flag", args=[question.pk]), {"attempt": theirs.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Flagged for later" in html and "navigator" not in html

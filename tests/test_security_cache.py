"""Finding 10: pages with a person's own work tell browsers and proxies not to keep them."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from quizzes.models import Attempt, Cohort, Membership
from tests.factories import AttemptFactory, UserFactory
from tests.test_instructor import make_assignment

pytestmark = pytest.mark.django_db


def assert_not_stored(response, label: str) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, f"{label}: {response.get('Cache-Control')!r}"


def test_a_learners_pages_are_private_and_not_stored(client, learner):
    attempt = AttemptFactory(user=learner)
    option = attempt.question_at(1).options.get(is_correct=True)
    data = attempt.form_data(attempt.question_at(1), {"option": option.pk})
    answered = client.post(reverse("answer", args=[attempt.pk, 1]), data, HTTP_HX_REQUEST="true")
    assert answered.status_code == 200
    assert_not_stored(answered, "answer")
    pages = {
        "home": reverse("home"),
        "question 1": reverse("question", args=[attempt.pk, 1]),
        "question 2": reverse("question", args=[attempt.pk, 2]),
        "results": reverse("results", args=[attempt.pk]),
        "review": reverse("review", args=[attempt.pk]),
        "progress": reverse("progress"),
        "profile": reverse("profile"),
    }
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, label
        assert_not_stored(response, label)
    saved = client.post(reverse("profile"), {"time_allowance": "1"})
    assert_not_stored(saved, "profile saved")


def test_a_visitors_attempt_pages_are_private_and_not_stored(client):
    attempt = AttemptFactory(user=None)
    session = client.session
    session["attempt_ids"] = [attempt.pk]
    session.save()
    for url in [reverse("question", args=[attempt.pk, 1]), reverse("results", args=[attempt.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response, url)


def test_the_gradebook_and_its_export_are_private_and_not_stored(client):
    UserFactory(username="teacher")
    call_command("make_instructor", "teacher")
    teacher = User.objects.get(username="teacher")
    client.force_login(teacher)
    cohort = Cohort.objects.create(name="Nursing 2027", owner=teacher)
    learner = UserFactory()
    Membership.objects.create(cohort=cohort, user=learner)
    assignment = make_assignment(cohort)
    Attempt.objects.create(user=learner, assignment=assignment, question_ids=assignment.draw_questions())
    for label, url in {
        "gradebook": reverse("gradebook", args=[cohort.pk]),
        "gradebook.csv": reverse("gradebook_csv", args=[cohort.pk]),
        "learner": reverse("learner_detail", args=[cohort.pk, learner.pk]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, label
        assert_not_stored(response, label)

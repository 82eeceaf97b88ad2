"""Every page, as a visitor, a learner and an instructor, with odd query values: never a 500."""

import pytest
from django.core.management import call_command
from django.test import Client

from quizzes.models import Attempt, Cohort, Passage, Question
from tests.factories import AttemptFactory, UserFactory

pytestmark = pytest.mark.django_db
# Numbers Python's int() or the database trip on: Unicode digits (str.isdigit() is true of "²" and int() refuses it;
# int("٣") is 3), a number beyond bigint (PostgreSQL raises, SQLite overflows), a sign, an exponent.
ODD_NUMBERS = ["²", "٣", "9" * 25, "-1", "1e5", ""]
ODD = ["0", "999999999", "abc", "%00", "' OR 1=1 --", "<script>", "ÿ" * 300, *ODD_NUMBERS]
HUGE = "9" * 25


@pytest.fixture
def everyone(bank):
    call_command("seed_demo", "--groups-only")
    learner = UserFactory()
    teacher = UserFactory()
    call_command("make_instructor", teacher.username)
    attempt = AttemptFactory(user=learner, question_ids=list(Question.objects.values_list("pk", flat=True)[:3]))
    cohort = Cohort.objects.create(name="C", owner=teacher)
    clients = {"visitor": Client()}
    for name, user in (("learner", learner), ("instructor", teacher)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients, attempt, cohort


def pages(attempt: Attempt, cohort: Cohort) -> list[str]:
    question = Question.objects.first()
    passage = Passage.objects.first()
    return [
        "/", "/practice/", "/check/", "/sources/", "/sources/staywell/", "/progress/", "/profile/",
        f"/attempts/{attempt.pk}/questions/1/", f"/attempts/{attempt.pk}/results/", f"/attempts/{attempt.pk}/review/",
        "/teach/", "/teach/items/", "/teach/reports/", f"/teach/cohorts/{cohort.pk}/",
        f"/teach/cohorts/{cohort.pk}/gradebook.csv", f"/teach/questions/{question.pk}/preview/",
        f"/teach/passages/{passage.pk}.json", f"/join/{cohort.join_code}/", "/join/NOPE/", "/healthz",
        "/accounts/login/", "/accounts/signup/", "/admin/", "/admin/quizzes/question/",
        "/admin/quizzes/attempt/", f"/admin/quizzes/attempt/{attempt.pk}/change/", "/admin/quizzes/report/",
        # ids in the path too large for any database column
        f"/attempts/{HUGE}/questions/1/", f"/attempts/{attempt.pk}/questions/{HUGE}/", f"/attempts/{HUGE}/results/",
        f"/teach/cohorts/{HUGE}/", f"/teach/cohorts/{cohort.pk}/learners/{HUGE}/", f"/teach/questions/{HUGE}/preview/",
        f"/teach/passages/{HUGE}.json", f"/admin/quizzes/attempt/{HUGE}/change/",
    ]  # fmt: skip


def test_no_page_answers_with_a_server_error(everyone):
    clients, attempt, cohort = everyone
    params = ["sort", "topic", "cohort", "cite", "page", "kinds", "pool", "count", "next", "topics", "difficulties",
              "minutes", "mode", "audience", "allowance"]  # fmt: skip
    for who, client in clients.items():
        for url in pages(attempt, cohort):
            assert client.get(url).status_code < 500, (who, url)
            for value in ODD:
                response = client.get(url, {p: value for p in params})
                assert response.status_code < 500, (who, url, value)
        for value in ODD_NUMBERS:  # the gradebook sorts by an assignment's column as "a<id>"
            for url in (f"/teach/cohorts/{cohort.pk}/", f"/teach/cohorts/{cohort.pk}/gradebook.csv"):
                response = client.get(url, {"sort": f"a{value}"})
                assert response.status_code < 500, (who, url, value)


def test_no_post_answers_with_a_server_error(everyone):
    clients, attempt, cohort = everyone
    question = Question.objects.first()
    posts = [
        "/practice/", "/practice/mistakes/", "/review/", f"/questions/{question.pk}/flag/",
        f"/questions/{question.pk}/report/", f"/attempts/{attempt.pk}/questions/1/answer/",
        f"/attempts/{attempt.pk}/submit/", "/join/", f"/join/{cohort.join_code}/", "/check/bone-basics/start/",
        "/banks/bone-basics/start/", "/profile/", "/teach/reports/", "/accounts/signup/",
        f"/questions/{HUGE}/flag/", f"/questions/{HUGE}/report/", f"/attempts/{HUGE}/questions/1/answer/",
        f"/attempts/{HUGE}/submit/", f"/assignments/{HUGE}/start/",
    ]  # fmt: skip
    fields = [
        "option", "count", "mode", "minutes", "allowance", "topics", "comment", "code", "report", "next",
        "time_allowance", "username", "password1", "password2", "kinds", "difficulties", "pool", "audience",
    ]  # fmt: skip
    for who, client in clients.items():
        for url in posts:
            for value in ODD:
                response = client.post(url, {f: value for f in fields})
                assert response.status_code < 500, (who, url, value)

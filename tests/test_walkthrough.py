"""Defects of a first walk-through (what a person meets), each through the client as the person's browser would."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Cohort, Membership, Report, Response
from tests.factories import AttemptFactory, QuestionFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_reporting_a_problem_after_an_htmx_answer_returns_to_the_question(client, learner):
    attempt = AttemptFactory(user=learner)
    question = attempt.question_at(1)
    right = question.options.get(is_correct=True)
    feedback = client.post(
        reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": right.pk}), **HTMX
    ).content.decode()
    report_form = re.search(r'<form method="post" action="/questions/\d+/report/">(.*?)</form>', feedback, re.S)
    assert report_form, "the feedback offers to report a problem"
    next_url = re.search(r'name="next" value="([^"]*)"', report_form.group(1)).group(1)
    question_url = reverse("question", args=[attempt.pk, 1])
    assert next_url == question_url

    response = client.post(reverse("report_question", args=[question.pk]), {"comment": "A typo", "next": next_url})
    assert response.status_code == 302 and response["Location"] == question_url
    page = client.get(question_url).content.decode()
    assert "Thank you: the instructors will check this question" in page
    assert Report.objects.get().comment == "A typo"


@pytest.mark.parametrize(
    "kind,answer,shown",
    [
        ("single", lambda q: {"option": q.options.get(position=2).pk}, "Osteoclasts"),
        ("multiple", lambda q: {"options": [q.options.get(position=1).pk, q.options.get(position=3).pk]},
         "Build new bone; Carry oxygen"),
        ("matrix", lambda q: {"rows": {str(o.pk): "Build" for o in q.options.all()}},
         "Osteoblasts: Build; Osteoclasts: Build"),
        ("ordering", lambda q: {"order": [o.pk for o in q.options.order_by("-position")]},
         "1. Third; 2. Second; 3. First"),
        ("cloze", lambda q: {"blanks": {"1": q.options.get(position=2).pk, "2": q.options.get(position=3).pk}},
         "blank 1: break down; blank 2: break down"),
        ("highlight", lambda q: {"options": [q.options.get(position=2).pk]}, "carry oxygen"),
    ],
)  # fmt: skip
def test_the_instructors_learner_page_shows_answers_in_words(client, kind, answer, shown):
    call_command("seed_demo", "--groups-only")
    instructor, learner = UserFactory(username="teacher"), UserFactory()
    call_command("make_instructor", "teacher")
    cohort = Cohort.objects.create(name="Class", owner=instructor)
    Membership.objects.create(cohort=cohort, user=learner)
    question = QuestionFactory(kind=kind)
    assignment = Assignment.objects.create(cohort=cohort, title="Week 1", due=timezone.now())
    attempt = Attempt.objects.create(user=learner, assignment=assignment, question_ids=[question.pk])
    Response.objects.create(
        attempt=attempt, question=question, answer=answer(question), score=question.score(answer(question)), seconds=125
    )
    client.force_login(instructor)
    page = client.get(reverse("learner_detail", args=[cohort.pk, learner.pk])).content.decode()
    assert f"<td>{shown}</td>" in page
    assert "2 min 5 s" in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw answer data


def test_the_review_shows_cloze_and_highlight_texts_as_the_learner_saw_them(client, learner):
    cloze, highlight = QuestionFactory(kind="cloze"), QuestionFactory(kind="highlight")
    attempt = Attempt.objects.create(user=learner, question_ids=[cloze.pk, highlight.pk], seed=4)
    build, wrong_build = cloze.options.get(position=1), cloze.options.get(position=4)
    client.post(
        reverse("answer", args=[attempt.pk, 1]),
        answer_form(attempt, 1, {"blanks": {"1": build.pk, "2": wrong_build.pk}}),
    )
    oxygen, bone = highlight.options.get(position=2), highlight.options.get(position=1)
    client.post(reverse("answer", args=[attempt.pk, 2]), answer_form(attempt, 2, {"options": [oxygen.pk, bone.pk]}))
    page = " ".join(client.get(reverse("review", args=[attempt.pk])).content.decode().split())
    assert "{1}" not in page and "{2}" not in page and "[[" not in page and "]]" not in page
    assert "Osteoblasts <span" in page  # the cloze reads as a sentence
    assert '<strong>build</strong><span class="tag"> (right)</span>' in page
    assert '<strong>build</strong><span class="tag"> (right answer: break down)</span>' in page
    assert 'carry oxygen</mark><span class="tag"> (you chose this, not right)</span>' in page
    assert 'build new bone</mark><span class="tag"> (you chose this, right)</span>' in page
    assert 'reabsorb old bone</span><span class="tag"> (a right answer you did not choose)</span>' in page

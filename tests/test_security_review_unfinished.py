"""Finding: the review of an unfinished practice showed every question's key and rationales."""

import pytest
from django.urls import reverse

from tests.factories import AttemptFactory, answer_form

pytestmark = pytest.mark.django_db


def test_an_unfinished_practice_reviews_only_what_was_answered(client, learner):
    attempt = AttemptFactory(user=learner)
    first, second = attempt.question_at(1), attempt.question_at(2)
    page = client.get(reverse("review", args=[attempt.pk])).content.decode()
    for question in (first, second):
        assert question.explanation not in page
        for option in question.options.all():
            assert option.rationale not in page
    assert "Right answer" not in page and "It is a right answer" not in page and "one to highlight" not in page
    assert "appear here once you answer it" in page

    right = first.options.get(is_correct=True)
    client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": right.pk}))
    page = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert first.explanation in page and right.rationale in page  # answered: its feedback is there
    # the factory's questions share texts, so count: one answered with feedback, the others none
    assert page.count("appear here once you answer it") == attempt.total - 1
    assert page.count("Your answer and the right answer") == 1


def test_a_finished_attempt_reviews_every_question(client, learner):
    attempt = AttemptFactory(user=learner)
    for n in range(1, attempt.total + 1):
        wrong = attempt.question_at(n).options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": wrong.pk}))
    attempt.refresh_from_db()
    assert attempt.finished is not None
    page = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert all(attempt.question_at(n).explanation in page for n in range(1, attempt.total + 1))

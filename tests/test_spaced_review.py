"""Spaced repetition with fsrs: answers schedule cards, the queue fills day by day."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, ReviewCard
from tests.factories import AttemptFactory, QuestionFactory, TopicFactory, answer_form

pytestmark = pytest.mark.django_db
START = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)


def answer(client, attempt, n, correct, after_seconds=40):
    """Answer question n after thinking for a while (fast right answers count as Easy)."""
    option = attempt.question_at(n).options.filter(is_correct=correct).first()
    with time_machine.travel(START + timedelta(seconds=after_seconds * n), tick=False):
        client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": option.pk}))


def test_answers_schedule_reviews_by_rating(client, learner):
    attempt = AttemptFactory(user=learner, started=START)
    answer(client, attempt, 1, correct=False)
    answer(client, attempt, 2, correct=True)
    cards = {c.question_id: c for c in ReviewCard.objects.all()}
    wrong, right = cards[attempt.question_ids[0]], cards[attempt.question_ids[1]]
    assert (wrong.due - START).days == 1  # Again: tomorrow
    assert (right.due - START).days == 2  # Good: in two days
    assert wrong.reviews == right.reviews == 1


def test_a_fast_right_answer_is_easy(client, learner):
    attempt = AttemptFactory(user=learner, started=START)
    answer(client, attempt, 1, correct=True, after_seconds=5)
    assert (ReviewCard.objects.get().due - START).days == 8


def test_visitors_get_no_cards(client):
    attempt = AttemptFactory(user=None, started=START)
    session = client.session
    session["attempt_ids"] = [attempt.pk]
    session.save()
    answer(client, attempt, 1, correct=True)
    assert not ReviewCard.objects.exists()


def test_the_queue_fills_as_days_pass(client, learner):
    attempt = AttemptFactory(user=learner, started=START)
    answer(client, attempt, 1, correct=False)
    answer(client, attempt, 2, correct=True)
    with time_machine.travel(START + timedelta(hours=1)):
        assert "Due today: 0 questions" in client.get(reverse("home")).content.decode()
    with time_machine.travel(START + timedelta(days=1, hours=1)):
        assert "Due today: 1 question" in client.get(reverse("home")).content.decode()
    with time_machine.travel(START + timedelta(days=2, hours=1)):
        assert "Due today: 2 questions" in client.get(reverse("home")).content.decode()
        response = client.post(reverse("review_due"))
        review = Attempt.objects.get(mode="review")
        assert response["Location"] == reverse("question", args=[review.pk, 1])
        assert review.question_ids == attempt.question_ids[:2]  # most overdue first


def test_reviewing_again_pushes_the_card_further(client, learner):
    attempt = AttemptFactory(user=learner, started=START)
    answer(client, attempt, 1, correct=True)
    first_due = ReviewCard.objects.get().due
    with time_machine.travel(first_due + timedelta(minutes=1)):
        client.post(reverse("review_due"))
    review = Attempt.objects.get(mode="review")
    option = review.question_at(1).options.get(is_correct=True)
    with time_machine.travel(first_due + timedelta(minutes=2)):
        client.post(reverse("answer", args=[review.pk, 1]), answer_form(review, 1, {"option": option.pk}))
    card = ReviewCard.objects.get()
    assert card.reviews == 2 and (card.due - first_due).days >= 8


def test_nothing_due_says_so(client, learner):
    response = client.post(reverse("review_due"), {"next": "/progress/"}, follow=True)
    assert "Nothing is due for review yet." in response.content.decode()
    assert not Attempt.objects.exists()


def test_review_queue_needs_an_account(client):
    response = client.post(reverse("review_due"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_foreign_next_url_is_ignored(client, learner):
    response = client.post(reverse("review_due"), {"next": "https://example.com/"})
    assert response["Location"] == reverse("home")


def test_review_my_mistakes_takes_the_last_wrong_answers(client, learner):
    attempt = AttemptFactory(user=learner, started=START)
    answer(client, attempt, 1, correct=False)
    answer(client, attempt, 2, correct=True)
    client.post(reverse("practise_mistakes"))
    mistakes = Attempt.objects.get(mode="mistakes")
    assert mistakes.question_ids == [attempt.question_ids[0]] and mistakes.title == "Review my mistakes"


def test_no_mistakes_says_so(client, learner):
    QuestionFactory()
    response = client.post(reverse("practise_mistakes"), follow=True)
    assert "There are no mistakes to review" in response.content.decode()


def test_after_wrong_answers_the_queue_says_when_they_come_back(client, learner):
    """Forty wrong answers are not "well done": each is due again the next day, and the page says so."""
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(4, topic=topic)
    attempt = AttemptFactory(user=learner, question_ids=[q.pk for q in questions])
    for n, question in enumerate(questions, start=1):
        wrong = question.options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": wrong.pk}))
    cards = ReviewCard.objects.filter(user=learner)
    assert cards.count() == 4
    assert all(timedelta(hours=1) < card.due - timezone.now() <= timedelta(days=1, minutes=5) for card in cards)

    response = client.post(reverse("review_due"), {"next": "/"}, follow=True)
    page = response.content.decode()
    assert "Nothing is due for review yet. Your next review is due tomorrow, with 4 questions." in page
    assert "Well done" not in page
    home = client.get(reverse("home")).content.decode()
    assert "Your next review is due tomorrow, with 4 questions." in home

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=10)):
        started = client.post(reverse("review_due"))
        assert started.status_code == 302 and Attempt.objects.filter(mode="review").get().total == 4


def test_with_no_cards_the_queue_says_how_it_fills(client, learner):
    page = client.get(reverse("home")).content.decode()
    assert "Questions you answer come back here for review" in page


def test_the_next_review_sentence_names_the_day():
    from datetime import datetime

    from quizzes.views import next_review_sentence

    now = timezone.make_aware(datetime(2026, 12, 3, 9, 0))
    later = timezone.make_aware(datetime(2026, 12, 3, 16, 5))
    assert next_review_sentence((later, 1), now) == "Your next review is due later today, from 16:05, with 1 question."
    friday = timezone.make_aware(datetime(2026, 12, 11, 8, 0))
    assert next_review_sentence((friday, 3), now) == "Your next review is due on Friday, December 11, with 3 questions."

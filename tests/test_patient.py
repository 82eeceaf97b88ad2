"""The patient self-check: plain words, no scores that shame, the disclaimer."""

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from tests.factories import QuestionFactory, TopicFactory, answer_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    topic = TopicFactory(name="Living with bone metastasis")
    QuestionFactory.create_batch(6, topic=topic, audience="patient")
    QuestionFactory.create_batch(2, topic=topic, audience="both")
    QuestionFactory.create_batch(5, topic=topic, audience="student")
    return topic


def test_the_home_page_offers_the_self_check(client, topic):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("check")}"' in html and "Check what I understood" in html


def test_the_check_page_is_plain_and_says_it_is_not_advice(client, topic):
    student_only = TopicFactory(name="Mechanisms only")
    QuestionFactory.create_batch(4, topic=student_only, audience="student")
    html = client.get(reverse("check")).content.decode()
    assert "This is for learning, not medical advice." in html
    assert "Living with bone metastasis" in html and "Mechanisms only" not in html
    assert "no score to worry about" in html


def test_a_check_uses_only_plain_language_questions(client, topic):
    client.post(reverse("start_check", args=[topic.slug]))
    attempt = Attempt.objects.get()
    assert attempt.mode == "patient" and attempt.total == 5 and attempt.user is None
    assert set(attempt.question_ids) <= set(topic.questions.for_patients().values_list("pk", flat=True))


def test_patient_feedback_leads_with_plain_words_and_no_score(client, topic):
    client.post(reverse("start_check", args=[topic.slug]))
    attempt = Attempt.objects.get()
    question = attempt.question_at(1)
    wrong = question.options.filter(is_correct=False).first()
    html = client.post(
        reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": wrong.pk}), follow=True
    ).content.decode()
    assert "Good question to learn from." in html and question.plain_explanation in html
    assert "Score" not in html and "Not quite" not in html and "0%" not in html
    assert "More about each answer" in html and "Check my answer" not in html


def test_patient_results_have_no_percentage(client, topic):
    client.post(reverse("start_check", args=[topic.slug]))
    attempt = Attempt.objects.get()
    for n in range(1, 6):
        option = attempt.question_at(n).options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[attempt.pk, n]), answer_form(attempt, n, {"option": option.pk}))
    html = client.get(reverse("results", args=[attempt.pk])).content.decode()
    assert "You looked at 5 of 5 questions. Thank you for taking the time." in html
    assert "%" not in html.split("<main")[1].split("</main>")[0]


def test_unknown_or_empty_topics_are_404(client, topic):
    empty = TopicFactory()
    assert client.post(reverse("start_check", args=["nope"])).status_code == 404
    assert client.post(reverse("start_check", args=[empty.slug])).status_code == 404

"""The progress dashboard: mastery rules, the chart, weakest banks, bounded queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Response, ReviewCard
from quizzes.progress import BankProgress
from tests.factories import QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db


def bank(**kw):
    return BankProgress(pk=1, slug="b", name="B", questions=20, **kw)


@pytest.mark.parametrize(
    ("progress", "level"),
    [
        ({}, "Not started"),
        ({"answered": 2, "recent": (1.0, 0.0)}, "Attempted"),
        ({"answered": 10, "recent": (0.0,) + (1.0,) * 7 + (0.0,) * 2}, "Familiar"),  # latest first
        ({"answered": 10, "recent": (0.0,) + (1.0,) * 6 + (0.0,) * 3}, "Attempted"),
        ({"answered": 4, "recent": (1.0,) * 4}, "Attempted"),  # too few to judge
        ({"answered": 12, "recent": (1.0,) * 5 + (0.0,) * 5}, "Mastered"),
        ({"answered": 12, "recent": (1.0,) * 5 + (0.0,) * 5, "overdue": 1}, "Proficient"),
        ({"answered": 12, "recent": (0.5,) + (1.0,) * 9}, "Familiar"),  # latest not fully right
    ],
)
def test_mastery_rules(progress, level):
    assert bank(**progress).level == level


@pytest.fixture
def history(client):
    """A learner with hundreds of answers across two banks over two weeks."""
    user = UserFactory()
    client.force_login(user)
    strong, weak = TopicFactory(name="Strong bank"), TopicFactory(name="Weak bank")
    strong_qs = QuestionFactory.create_batch(10, topic=strong)
    weak_qs = QuestionFactory.create_batch(10, topic=weak)
    now = timezone.now()
    rows = []
    for day in range(15):
        attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in strong_qs + weak_qs], seed=1)
        for i, q in enumerate(strong_qs + weak_qs):
            score = 1.0 if q.topic_id == strong.pk else (1.0 if i % 3 == 0 else 0.0)
            rows.append(
                Response(
                    attempt=attempt,
                    question=q,
                    answer={},
                    score=score,
                    created=now - timedelta(days=14 - day, minutes=i),
                )
            )
    Response.objects.bulk_create(rows)
    return user, strong, weak, weak_qs


def test_dashboard_shows_levels_trend_and_weakest_banks(client, history):
    user, strong, weak, weak_qs = history
    html = client.get(reverse("progress")).content.decode()
    assert "You have answered 300 questions" in html
    strong_row = html.split(f'<th scope="row">{strong.name}</th>')[1].split("</tr>")[0]
    weak_row = html.split(f'<th scope="row">{weak.name}</th>')[1].split("</tr>")[0]
    assert "Mastered" in strong_row and "Attempted" in weak_row
    assert "How levels are worked out" in html and "70% of your last 10 answers" in html
    assert '<svg viewBox="0 0 360 180" role="img"' in html and "<polyline" in html
    assert html.count("<circle") == 15 and "<caption>Average score per day</caption>" in html
    assert "Your weakest banks: Weak bank." in html
    assert f'<input type="hidden" name="topics" value="{weak.pk}">' in html


def test_overdue_reviews_keep_a_bank_from_mastered(client, history):
    user, strong, weak, weak_qs = history
    ReviewCard.objects.create(
        user=user, question=strong.questions.first(), state={}, due=timezone.now() - timedelta(days=2)
    )
    html = client.get(reverse("progress")).content.decode()
    strong_row = html.split(f'<th scope="row">{strong.name}</th>')[1].split("</tr>")[0]
    assert "Proficient" in strong_row and "1 due for review today" not in html


def test_the_weakest_banks_button_builds_a_practice(client, history):
    user, strong, weak, weak_qs = history
    data = {
        "topics": [weak.pk],
        "audience": "any",
        "pool": "all",
        "count": 10,
        "mode": "tutor",
        "minutes": 20,
        "allowance": "1",
    }
    client.post(reverse("build"), data)
    attempt = Attempt.objects.latest("pk")
    assert set(attempt.question_ids) == {q.pk for q in weak_qs}


def test_dashboard_queries_do_not_grow_with_hundreds_of_answers(client, history, django_assert_num_queries):
    # 11: the case studies' accuracy by step of clinical judgment is one grouped query of its own
    with django_assert_num_queries(11):
        client.get(reverse("progress"))


def test_home_page_queries_are_fixed(client, history, django_assert_num_queries):
    # session, user, unfinished attempts, open exams, due count, next review (none due), my assignment attempts,
    # open assignments, banks
    with django_assert_num_queries(9):
        client.get(reverse("home"))


def test_review_page_queries_are_fixed(client, history, django_assert_num_queries):
    attempt = Attempt.objects.filter(user=history[0]).first()
    # session, user, attempt, open exams, responses, questions + options + citations
    with django_assert_num_queries(8):
        html = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert html.count('class="review-item"') == 20


def test_results_page_queries_are_fixed(client, history, django_assert_num_queries):
    attempt = Attempt.objects.filter(user=history[0]).first()
    # session, user, attempt, open exams, responses, questions
    with django_assert_num_queries(6):
        client.get(reverse("results", args=[attempt.pk]))


def test_an_unfinished_practice_resumes_on_another_device(client):
    user = UserFactory()
    client.force_login(user)
    topic = TopicFactory(name="Resumable bank")
    QuestionFactory.create_batch(3, topic=topic)
    client.post(reverse("start", args=[topic.slug]), {"count": 5})
    attempt = Attempt.objects.get()
    option = attempt.question_at(1).options.get(is_correct=True)
    client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": option.pk}))

    other_device = client.__class__()
    other_device.force_login(user)
    home = other_device.get(reverse("home")).content.decode()
    assert "Continue where you left off" in home and "Resumable bank" in home and "1 of 3 answered" in home
    results = other_device.get(reverse("results", args=[attempt.pk])).content.decode()
    assert f'href="{reverse("question", args=[attempt.pk, 2])}"' in results and "Continue with question 2" in results


def test_review_skips_a_question_deleted_since_the_attempt_began(client):
    user = UserFactory()
    client.force_login(user)
    kept, dropped = QuestionFactory(stem="Still here?"), QuestionFactory(stem="Deleted later?")
    attempt = Attempt.objects.create(user=user, question_ids=[kept.pk, dropped.pk], seed=1)
    Response.objects.create(attempt=attempt, question=kept, answer={}, score=1.0)
    dropped.delete()
    html = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert "Still here?" in html and "Deleted later?" not in html
    assert client.get(reverse("question", args=[attempt.pk, 2])).status_code == 404
    assert client.get(reverse("results", args=[attempt.pk])).status_code == 200


def test_past_practices_come_twenty_to_a_page(client):
    user = UserFactory()
    client.force_login(user)
    question = QuestionFactory()
    for _ in range(25):
        Attempt.objects.create(user=user, question_ids=[question.pk], seed=1)
    first = client.get(reverse("progress")).content.decode()
    assert first.count('/results/">Resume') == 20 and 'href="?page=2">Older practices' in first
    second = client.get(reverse("progress"), {"page": 2}).content.decode()
    assert second.count('/results/">Resume') == 5 and 'href="?page=1">Newer practices' in second
    assert "Older practices" not in second
    assert client.get(reverse("progress"), {"page": "x"}).status_code == 200


def test_review_reads_older_versions_in_one_query_however_many(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    questions = QuestionFactory.create_batch(4)
    attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=1)
    for q in questions:
        q.record_version()
        Response.objects.create(attempt=attempt, question=q, answer={}, score=1.0, version=1)
        q.options.filter(is_correct=True).update(text="Changed since")
        q.record_version()  # version 2: every answer now refers to an older version
    # session, user, attempt, open exams, responses, questions + options + citations, old versions, their passages
    with django_assert_num_queries(10):
        html = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert "Changed since" not in html and html.count('class="review-item"') == 4


def test_each_past_practice_offers_one_way_on(client, learner):
    """A finished practice is reviewed, an unfinished (perhaps abandoned) one resumed; never both at once."""
    import re

    from tests.factories import AttemptFactory

    finished = AttemptFactory(user=learner, finished=timezone.now())
    abandoned = AttemptFactory(user=learner)
    page = client.get(reverse("progress")).content.decode()
    rows = {pk: re.search(rf'<tr>(?:(?!</tr>).)*?/attempts/{pk}/(?:(?!</tr>).)*</tr>', page, re.S).group(0)
            for pk in (finished.pk, abandoned.pk)}  # fmt: skip
    assert ">Review<" in rows[finished.pk] and ">Resume<" not in rows[finished.pk]
    assert ">Resume<" in rows[abandoned.pk] and ">Review<" not in rows[abandoned.pk]
    assert 'role="region" aria-label="My practices" tabindex="0"' in page
    assert 'role="region" aria-label="Mastery by bank" tabindex="0"' in page or "Mastery by bank" not in page

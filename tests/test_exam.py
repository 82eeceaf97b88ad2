"""Timed exams: the server keeps the deadline, answers are saved and may change, feedback waits."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Flag, Response, ReviewCard
from tests.factories import QuestionFactory, answer_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def exam(learner):
    questions = [QuestionFactory() for _ in range(3)]
    now = timezone.now()
    return Attempt.objects.create(
        user=learner,
        mode="exam",
        question_ids=[q.pk for q in questions],
        seed=5,
        started=now,
        deadline=now + timedelta(minutes=20),
    )


def option(exam, n, correct=True):
    return exam.question_at(n).options.filter(is_correct=correct).first()


def page(client, exam, n=1, **extra):
    return client.get(reverse("question", args=[exam.pk, n]), **extra).content.decode()


def answer(client, exam, n, opt, **extra):
    return client.post(reverse("answer", args=[exam.pk, n]), answer_form(exam, n, {"option": opt.pk}), **extra)


def test_the_exam_page_has_a_timer_and_a_navigator(client, exam):
    html = page(client, exam)
    assert 'role="timer"' in html and 'data-deadline="' in html and "20 minutes" in html
    assert 'aria-label="Questions in this exam"' in html
    assert html.count('class="is-open"') == 3 and 'aria-current="step"' in html
    assert "Save answer" in html and "Submit the exam" in html


def test_an_exam_answer_is_saved_without_feedback(client, exam):
    wrong = option(exam, 1, correct=False)
    response = answer(client, exam, 1, wrong)
    # "Save answer" stays on the question, as it does with htmx
    assert response.status_code == 302 and response["Location"] == reverse("question", args=[exam.pk, 1])
    html = page(client, exam, 1)
    question = exam.question_at(1)
    assert "Your answer to question 1 is saved." in html
    assert question.explanation not in html and "Not quite" not in html and "<mark>" not in html
    for opt in question.options.all():
        assert opt.rationale not in html
    key = exam.keys_for(question)(wrong.pk)
    assert f'value="{key}" id="option-{key}"\n                     checked' in html  # shown as given


def test_an_exam_answer_can_be_changed_and_stays_one_row(client, exam):
    answer(client, exam, 1, option(exam, 1, correct=False))
    answer(client, exam, 1, option(exam, 1, correct=True))
    assert Response.objects.count() == 1 and Response.objects.get().score == 1.0
    assert not ReviewCard.objects.exists()  # exams are assessments, not reviews


def test_saving_with_htmx_updates_the_form_and_the_navigator(client, exam):
    html = answer(client, exam, 2, option(exam, 2), **HTMX).content.decode()
    assert "<html" not in html and "Answer saved." in html
    assert 'id="question-form" class="question" method="post" hx-swap-oob="true"' in html
    assert 'id="navigator" class="navigator" aria-label="Questions in this exam" hx-swap-oob="true"' in html
    assert html.count('class="is-answered"') == 1


def test_flags_show_in_the_navigator(client, exam, learner):
    Flag.objects.create(user=learner, question=exam.question_at(3))
    assert 'class="is-open is-flagged"' in page(client, exam)


def test_submitting_ends_the_exam_and_opens_the_review(client, exam):
    answer(client, exam, 1, option(exam, 1))
    answer(client, exam, 2, option(exam, 2, correct=False))
    asked = client.post(reverse("submit_exam", args=[exam.pk]))
    assert asked.status_code == 200 and "1 question is not answered and will score 0" in asked.content.decode()
    exam.refresh_from_db()
    assert exam.finished is None  # one question unanswered: the learner is asked first
    response = client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    assert response["Location"] == reverse("review", args=[exam.pk])
    exam.refresh_from_db()
    assert exam.finished is not None and exam.score == pytest.approx(1 / 3)
    html = client.get(response["Location"]).content.decode()
    for n in (1, 2, 3):
        question = exam.question_at(n)
        assert question.explanation in html
        assert all(o.rationale in html for o in question.options.all())
    assert "Not answered." in html and "<mark>" in html
    assert "Score 33%" in html
    # and now each question page shows its feedback
    assert "Right." in page(client, exam, 1)


def test_the_review_waits_until_the_exam_is_over(client, exam):
    response = client.get(reverse("review", args=[exam.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("question", args=[exam.pk, 1])


def test_an_answer_after_the_deadline_is_refused_and_changes_nothing(client, exam):
    answer(client, exam, 1, option(exam, 1))
    with time_machine.travel(exam.deadline + timedelta(seconds=1)):
        response = answer(client, exam, 1, option(exam, 1, correct=False))
        late = answer(client, exam, 2, option(exam, 2))
    assert response.status_code == 409 and late.status_code == 409
    assert "Time is up" in late.content.decode()
    assert list(Response.objects.values_list("score", flat=True)) == [1.0]
    exam.refresh_from_db()
    assert exam.finished == exam.deadline and exam.score == pytest.approx(1 / 3)


def test_the_server_ends_the_exam_at_the_deadline_without_a_submit(client, exam):
    answer(client, exam, 1, option(exam, 1))
    with time_machine.travel(exam.deadline + timedelta(minutes=5)):
        html = client.get(reverse("results", args=[exam.pk])).content.decode()
    assert "Your score is 33%" in html
    exam.refresh_from_db()
    assert exam.finished == exam.deadline


def test_a_late_htmx_answer_gets_the_message_in_the_form(client, exam):
    with time_machine.travel(exam.deadline + timedelta(seconds=1)):
        response = answer(client, exam, 1, option(exam, 1), **HTMX)
    assert response.status_code == 409 and response["HX-Retarget"] == "#question-form"
    assert "Time is up" in response.content.decode() and not Response.objects.exists()


def test_an_exam_without_a_limit_never_expires(client, learner):
    q = QuestionFactory()
    exam = Attempt.objects.create(user=learner, mode="exam", question_ids=[q.pk], seed=1, deadline=None)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert answer(client, exam, 1, q.options.get(is_correct=True)).status_code == 302
        assert "No time limit." in page(client, exam)


def test_exam_page_queries_are_fixed(client, exam, django_assert_num_queries):
    # session, user, attempt, question + options + citations, response, open exams, flags, answered ids
    with django_assert_num_queries(10):
        client.get(reverse("question", args=[exam.pk, 1]))


# -- moving saves the choice ---------------------------------------------------------


def test_next_saves_the_choice_on_the_way(client, exam):
    data = answer_form(exam, 1, {"option": option(exam, 1).pk}) | {"go": "2"}
    response = client.post(reverse("answer", args=[exam.pk, 1]), data)
    assert response["Location"] == reverse("question", args=[exam.pk, 2])
    assert Response.objects.get(attempt=exam).question_id == exam.question_ids[0]


def test_moving_with_nothing_chosen_saves_nothing_and_refuses_nothing(client, exam):
    response = client.post(reverse("answer", args=[exam.pk, 1]), {"go": "3"})
    assert response["Location"] == reverse("question", args=[exam.pk, 3])
    assert not Response.objects.exists()


def test_moving_with_htmx_swaps_in_the_next_question_and_pushes_its_address(client, exam):
    data = answer_form(exam, 1, {"option": option(exam, 1).pk}) | {"go": "2"}
    response = client.post(reverse("answer", args=[exam.pk, 1]), data, **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == "#quiz" and response["HX-Reswap"] == "outerHTML"
    assert response["HX-Push-Url"] == reverse("question", args=[exam.pk, 2])
    assert "Question 2 of 3" in html and "<title>Question 2 of 3" in html
    assert "1 of 3 questions answered" in html


def test_a_half_given_answer_is_not_thrown_away_by_a_move(client, learner):
    matrix = QuestionFactory(kind="matrix")
    exam = Attempt.objects.create(
        user=learner, mode="exam", question_ids=[matrix.pk], seed=1, deadline=timezone.now() + timedelta(hours=1)
    )
    first = matrix.options.first()
    keys = exam.keys_for(matrix)
    data = {f"row-{keys(first.pk)}": keys.column(0), "go": "1"}
    response = client.post(reverse("answer", args=[exam.pk, 1]), data)
    assert response.status_code == 422  # stays, with the message, and the half answer still chosen
    html = response.content.decode()
    assert "Choose an answer in every row" in html and f'value="{keys.column(0)}"' in html
    assert f'id="row-{keys(first.pk)}-{keys.column(0)}" checked' in html
    assert not Response.objects.exists()


@pytest.mark.parametrize("go", ["0", "99", "²", "next", ""])
def test_an_odd_move_is_a_plain_save(client, exam, go):
    data = answer_form(exam, 1, {"option": option(exam, 1).pk}) | {"go": go}
    response = client.post(reverse("answer", args=[exam.pk, 1]), data)
    assert response["Location"] == reverse("question", args=[exam.pk, 1])
    assert Response.objects.count() == 1


def test_submit_saves_the_choice_then_asks_when_questions_are_left(client, exam):
    data = answer_form(exam, 2, {"option": option(exam, 2).pk}) | {"go": "submit"}
    response = client.post(reverse("answer", args=[exam.pk, 2]), data)
    assert response["Location"] == reverse("submit_exam", args=[exam.pk])
    assert Response.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "You have answered 1 of 3 questions." in page and "2 questions are not answered" in page
    exam.refresh_from_db()
    assert exam.finished is None
    htmx = client.post(reverse("answer", args=[exam.pk, 2]), data, **HTMX)
    assert htmx["HX-Redirect"] == reverse("submit_exam", args=[exam.pk])

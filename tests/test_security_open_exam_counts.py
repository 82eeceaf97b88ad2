"""Finding: the correctness of saved exam answers leaked while the exam was open.

My progress ("1 fully right") and the builder's "last answered wrong" count moved with each saved exam answer, so
trying each option told the key. Now an open exam's answers count in no dashboard, pool or statistic until the
exam is finished; then they count like any other answer.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Response
from quizzes.teaching import item_statistics
from tests.factories import QuestionFactory, TopicFactory, answer_form

pytestmark = pytest.mark.django_db
BUILD = {"audience": "any", "pool": "wrong", "count": 10, "mode": "tutor", "minutes": 20, "allowance": "1"}


@pytest.fixture
def exam(learner):
    topic = TopicFactory(name="Bone basics")
    questions = QuestionFactory.create_batch(3, topic=topic)
    return Attempt.objects.create(
        user=learner,
        mode=Attempt.Mode.EXAM,
        question_ids=[q.pk for q in questions],
        seed=11,
        deadline=timezone.now() + timedelta(hours=1),
    )


def save(client, exam, right: bool) -> None:
    """Save (or change) the answer to question 1 of the open exam."""
    option = exam.question_at(1).options.filter(is_correct=right).first()
    response = client.post(reverse("answer", args=[exam.pk, 1]), answer_form(exam, 1, {"option": option.pk}))
    assert response.status_code == 302


def what_the_learner_can_read(client) -> dict:
    progress = client.get(reverse("progress"))
    wrong = client.get(reverse("build"), BUILD, HTTP_HX_REQUEST="true").content.decode()
    return {
        "totals": progress.context["totals"],
        "banks": [(b.answered, b.right, b.mean, b.recent) for b in progress.context["banks"]],
        "days": progress.context["days"],
        "wrong pool": " ".join(wrong.split()),
    }


def test_saved_exam_answers_move_no_count_while_the_exam_is_open(client, exam):
    save(client, exam, right=False)
    after_wrong = what_the_learner_can_read(client)
    save(client, exam, right=True)
    after_right = what_the_learner_can_read(client)
    assert after_wrong == after_right
    assert after_right["totals"] == {"answered": 0, "right": 0}
    assert Response.objects.filter(attempt=exam).count() == 1  # the answer is saved all the same

    client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    finished = what_the_learner_can_read(client)
    assert finished["totals"] == {"answered": 1, "right": 1}  # once it is over, it counts


def test_the_wrong_pool_learns_of_exam_answers_only_after_the_exam(client, exam):
    save(client, exam, right=False)
    assert "No questions match" in what_the_learner_can_read(client)["wrong pool"]
    client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    assert "1 question match" in what_the_learner_can_read(client)["wrong pool"]


def test_item_statistics_leave_out_open_exams(client, exam):
    save(client, exam, right=True)
    question = exam.question_at(1)
    assert item_statistics([question])[0]["n"] == 0
    client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    stats = item_statistics([question])[0]
    assert stats["n"] == 1 and stats["facility"] == 1.0

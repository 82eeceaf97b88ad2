"""Finding: while an exam was open, its own questions could be practised with feedback.

Flagging them and building a practice from the flagged pool, "Review my mistakes", the review queue and "Test me
on this passage" all put the exam's questions into a practice that shows the key. Now an open exam's questions
are held back from every way of starting a practice, and no other attempt shows their feedback, until the exam
is finished.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Cohort, Flag, Membership, ReviewCard
from tests.factories import QuestionFactory, TopicFactory, UserFactory, answer_form
from tests.test_instructor import make_assignment

pytestmark = pytest.mark.django_db
BUILD = {"audience": "any", "pool": "all", "count": 20, "mode": "tutor", "minutes": 20, "allowance": "1"}


@pytest.fixture
def setting(client, learner):
    """A bank of six; an earlier practice answered three of them wrong; an exam is open over those three."""
    topic = TopicFactory(name="Bone basics")
    questions = QuestionFactory.create_batch(6, topic=topic)
    in_exam = questions[:3]
    earlier = Attempt.objects.create(user=learner, question_ids=[q.pk for q in in_exam] + [questions[5].pk], seed=3)
    for n, question in enumerate(in_exam, start=1):
        wrong = question.options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[earlier.pk, n]), answer_form(earlier, n, {"option": wrong.pk}))
    ReviewCard.objects.filter(user=learner).update(due=timezone.now() - timedelta(days=1))
    for question in in_exam:
        Flag.objects.create(user=learner, question=question)
    exam = Attempt.objects.create(
        user=learner,
        mode=Attempt.Mode.EXAM,
        question_ids=[q.pk for q in in_exam],
        seed=5,
        deadline=timezone.now() + timedelta(hours=1),
        label="Midterm practice exam",
    )
    in_exam_ids = {q.pk for q in in_exam}
    return {"topic": topic, "questions": questions, "in_exam": in_exam_ids, "earlier": earlier, "exam": exam}


def started(before: set[int]) -> list[Attempt]:
    return list(Attempt.objects.exclude(pk__in=before))


def attempts_now() -> set[int]:
    return set(Attempt.objects.values_list("pk", flat=True))


def finish_exam(client, exam):
    client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    exam.refresh_from_db()
    assert exam.finished is not None


def test_the_flagged_pool_leaves_out_the_open_exam(client, setting):
    before = attempts_now()
    response = client.post(reverse("build"), BUILD | {"pool": "flagged"})
    assert response.status_code == 400 and started(before) == []
    assert "No questions match these choices" in response.content.decode()
    assert "Midterm practice exam" in response.content.decode()  # the learner is told why
    finish_exam(client, setting["exam"])
    client.post(reverse("build"), BUILD | {"pool": "flagged"})
    assert set(started(before)[0].question_ids) == setting["in_exam"]  # and they come back after it


def test_the_builder_never_draws_the_open_exam(client, setting):
    for pool in ("all", "wrong", "unseen"):
        before = attempts_now()
        client.post(reverse("build"), BUILD | {"pool": pool})
        for attempt in started(before):
            assert setting["in_exam"].isdisjoint(attempt.question_ids), pool


def test_review_my_mistakes_leaves_out_the_open_exam(client, setting):
    before = attempts_now()
    response = client.post(reverse("practise_mistakes"))
    assert response.status_code == 302 and started(before) == []
    finish_exam(client, setting["exam"])
    client.post(reverse("practise_mistakes"))
    # The exam's wrong answers count now: the three are still wrong, so they are all back.
    assert set(started(before)[0].question_ids) == setting["in_exam"]


def test_the_review_queue_leaves_out_the_open_exam(client, setting):
    before = attempts_now()
    response = client.post(reverse("review_due"), follow=True)
    assert started(before) == [] and "Nothing is due for review yet" in response.content.decode()
    assert "Due today: 0 questions" in client.get(reverse("home")).content.decode()
    finish_exam(client, setting["exam"])
    client.post(reverse("review_due"))
    assert set(started(before)[0].question_ids) == setting["in_exam"]


def test_practising_a_passage_leaves_out_the_open_exam(client, setting):
    question = setting["questions"][0]
    passage = question.citations.first().passage
    before = attempts_now()
    response = client.post(reverse("practise_passage", args=[passage.source.slug, passage.key]), follow=True)
    assert started(before) == []
    assert "open exam “Midterm practice exam”" in response.content.decode()
    finish_exam(client, setting["exam"])
    client.post(reverse("practise_passage", args=[passage.source.slug, passage.key]))
    assert started(before)[0].question_ids == [question.pk]


def test_a_bank_practice_and_the_patient_check_leave_out_the_open_exam(client, setting):
    before = attempts_now()
    client.post(reverse("start", args=[setting["topic"].slug]), {"count": 10})
    client.post(reverse("start_check", args=[setting["topic"].slug]))
    new = started(before)
    assert len(new) == 2
    for attempt in new:
        assert set(attempt.question_ids) == {q.pk for q in setting["questions"][3:]}


def test_an_assignment_sharing_the_open_exams_questions_waits_for_it(client, setting, learner):
    cohort = Cohort.objects.create(name="Class", owner=UserFactory())
    Membership.objects.create(cohort=cohort, user=learner)
    assignment = make_assignment(cohort, topic=setting["topic"])
    assignment.questions.set(setting["questions"][:2])
    before = attempts_now()
    response = client.post(reverse("start_assignment", args=[assignment.pk]), follow=True)
    assert started(before) == []
    assert "Finish that exam first, then start the assignment." in response.content.decode()


def test_an_earlier_practice_shows_nothing_of_the_open_exams_questions(client, setting):
    earlier = setting["earlier"]
    in_exam = setting["questions"][:3]
    review = client.get(reverse("review", args=[earlier.pk])).content.decode()
    results = client.get(reverse("results", args=[earlier.pk])).content.decode()
    for page in (review, results):
        for question in in_exam:
            assert question.explanation not in page
            assert all(option.rationale not in page for option in question.options.all())
        assert "Not right" not in page and "score 0%" not in page.lower()
        assert "open exam “Midterm practice exam”" in page
    progress = client.get(reverse("progress")).content.decode()
    assert "Kept until your open exam ends" in progress

    finish_exam(client, setting["exam"])
    review = client.get(reverse("review", args=[earlier.pk])).content.decode()
    assert in_exam[0].explanation in review and "Not right" in review


def test_a_practice_started_before_the_exam_cannot_answer_its_questions(client, learner, setting):
    question = setting["questions"][2]
    practice = Attempt.objects.create(user=learner, question_ids=[question.pk], seed=9)
    # the exam was started after this practice; the practice's question is in it
    right = question.options.get(is_correct=True)
    page = client.get(reverse("question", args=[practice.pk, 1])).content.decode()
    assert "It waits here until you finish that exam." in page
    assert "<fieldset disabled>" in page
    response = client.post(reverse("answer", args=[practice.pk, 1]), answer_form(practice, 1, {"option": right.pk}))
    assert response.status_code == 409
    assert "also in your open exam “Midterm practice exam”" in response.content.decode()
    assert right.rationale not in response.content.decode()
    assert not practice.responses.exists()
    htmx = client.post(
        reverse("answer", args=[practice.pk, 1]),
        answer_form(practice, 1, {"option": right.pk}),
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 409 and htmx["HX-Retarget"] == "#question-form"
    assert not practice.responses.exists()


def test_a_visitor_without_an_account_is_held_to_the_same_rule(client):
    topic = TopicFactory(name="Bone basics")
    questions = QuestionFactory.create_batch(4, topic=topic)
    exam_choices = BUILD | {"mode": "exam", "count": 5}
    client.post(reverse("build"), exam_choices)
    exam = Attempt.objects.get()
    assert exam.user is None and exam.is_exam and set(exam.question_ids) == {q.pk for q in questions}
    response = client.post(reverse("start", args=[topic.slug]), {"count": 10}, follow=True)
    assert Attempt.objects.count() == 1  # nothing left to draw
    assert "open exam" in response.content.decode()
    client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
    client.post(reverse("start", args=[topic.slug]), {"count": 10})
    assert Attempt.objects.count() == 2

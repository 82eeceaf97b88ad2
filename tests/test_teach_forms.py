"""Cohorts and assignments made and changed on /teach/ pages, without the Django admin."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Cohort
from tests import test_instructor
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
instructor = test_instructor.instructor  # the same logged-in instructor


def when(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_creating_a_cohort_lands_on_its_gradebook_with_the_join_code(client, instructor):
    page = client.get(reverse("teach")).content.decode()
    assert f'href="{reverse("cohort_new")}"' in page and "/admin/quizzes/cohort/add/" not in page
    response = client.post(reverse("cohort_new"), {"name": "Nursing 2027"}, follow=True)
    cohort = Cohort.objects.get()
    assert cohort.owner == instructor and response.redirect_chain[-1][0] == reverse("gradebook", args=[cohort.pk])
    html = response.content.decode()
    assert "Cohort “Nursing 2027” created: give your learners its join code." in html and cohort.join_code in html


def test_a_cohort_without_a_name_is_refused_beside_the_field(client, instructor):
    response = client.post(reverse("cohort_new"), {"name": ""})
    html = response.content.decode()
    assert response.status_code == 400 and not Cohort.objects.exists()
    assert re.search(r'name="name"[^>]*aria-invalid="true"', html) and 'id="id_name_error"' in html
    assert "<title>New cohort · Teaching · Bone metastasis quiz</title>" in html


def test_setting_an_assignment_on_teach_pages(client, instructor):
    cohort = Cohort.objects.create(name="Nursing 2027", owner=instructor)
    topic = TopicFactory(name="Bone basics")
    QuestionFactory.create_batch(3, topic=topic)
    page = client.get(reverse("assignment_new"), {"cohort": cohort.pk}).content.decode()
    assert re.search(rf'<option value="{cohort.pk}" selected>Nursing 2027</option>', page)
    assert 'type="datetime-local"' in page and "Created" not in page
    data = {"cohort": cohort.pk, "title": "Week 1", "topic": topic.pk, "count": 3, "mode": "exam",
            "time_limit": 20, "opens": when(timedelta(0)), "due": when(timedelta(days=7))}  # fmt: skip
    response = client.post(reverse("assignment_new"), data, follow=True)
    assignment = Assignment.objects.get()
    assert response.redirect_chain[-1][0] == reverse("gradebook", args=[cohort.pk])
    assert assignment.time_limit == 20 and assignment.mode == "exam" and assignment.topic == topic
    html = response.content.decode()
    assert "Assignment “Week 1” set." in html and reverse("assignment_edit", args=[assignment.pk]) in html

    data |= {"title": "Week 1, revised", "due": when(timedelta(days=9))}
    client.post(reverse("assignment_edit", args=[assignment.pk]), data)
    assignment.refresh_from_db()
    assert assignment.title == "Week 1, revised"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due": when(timedelta(days=-1))}, "The due date must come after the opening date."),
        ({"mode": "exam", "time_limit": ""}, "A timed exam needs a time limit in minutes."),
        ({"count": 0}, "Ensure this value is greater than or equal to 1."),
        ({"count": "lots"}, "Enter a whole number."),
        ({"cohort": 999999}, "Select a valid choice."),
    ],
)
def test_a_faulty_assignment_is_refused_with_the_reason_and_saves_nothing(client, instructor, change, message):
    cohort = Cohort.objects.create(name="Nursing 2027", owner=instructor)
    data = {"cohort": cohort.pk, "title": "Week 1", "topic": "", "count": 5, "mode": "tutor", "time_limit": "",
            "opens": when(timedelta(0)), "due": when(timedelta(days=7))} | change  # fmt: skip
    response = client.post(reverse("assignment_new"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Assignment.objects.exists()
    assert 'value="Week 1"' in response.content.decode()  # what was typed is kept


def test_another_instructors_cohort_and_assignment_are_404(client, instructor):
    other = UserFactory()
    theirs = Cohort.objects.create(name="Theirs", owner=other)
    now = timezone.now()
    assignment = Assignment.objects.create(cohort=theirs, title="Theirs", opens=now, due=now + timedelta(days=1))
    assert client.get(reverse("cohort_edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("assignment_edit", args=[assignment.pk])).status_code == 404
    mine = Cohort.objects.create(name="Mine", owner=instructor)
    data = {"cohort": theirs.pk, "title": "Sneaky", "count": 5, "mode": "tutor",
            "opens": when(timedelta(0)), "due": when(timedelta(days=7))}  # fmt: skip
    assert client.post(reverse("assignment_new"), data).status_code == 400  # not one of their cohorts
    assert Assignment.objects.filter(cohort=mine).count() == 0 and Assignment.objects.count() == 1


def test_a_learner_cannot_open_the_forms(client, learner):
    assert client.get(reverse("cohort_new")).status_code == 403
    assert client.get(reverse("assignment_new")).status_code == 403


def test_an_assignment_needs_a_cohort_first(client, instructor):
    response = client.get(reverse("assignment_new"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cohort_new")
    assert "Create a cohort first" in response.content.decode()

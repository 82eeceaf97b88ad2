"""Security review, finding 7: in the admin an instructor reaches only the learner data of their own cohorts.

Two instructors each run a cohort with its own learner; a third learner is in
both cohorts, and a visitor has an anonymous attempt. Each instructor must see
the attempts made for their own cohorts' assignments and nothing else: not the
other instructor's, not the shared learner's work for the other cohort, not a
learner's private practice, not anonymous attempts, whether from the lists or
by typing a change page's address.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Cohort, Membership, Report
from tests.factories import AttemptFactory, QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def instructor_client(username: str) -> tuple[User, Client]:
    UserFactory(username=username)
    call_command("make_instructor", username)
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    return user, client


def cohort_with_work(owner: User, name: str, learner: User, shared: User) -> dict:
    """A cohort of `learner` and `shared`, an assignment, and each learner's attempt at it."""
    cohort = Cohort.objects.create(name=name, owner=owner)
    topic = TopicFactory()
    questions = QuestionFactory.create_batch(3, topic=topic)
    now = timezone.now()
    assignment = Assignment.objects.create(
        cohort=cohort, title=f"{name} week 1", topic=topic, count=3, opens=now - timedelta(days=1),
        due=now + timedelta(days=7),
    )  # fmt: skip
    ids = [q.pk for q in questions]
    for user in (learner, shared):
        Membership.objects.create(cohort=cohort, user=user)
    return {
        "cohort": cohort,
        "assignment": assignment,
        "attempt": AttemptFactory(user=learner, assignment=assignment, question_ids=ids),
        "shared_attempt": AttemptFactory(user=shared, assignment=assignment, question_ids=ids),
        "practice": AttemptFactory(user=learner, question_ids=ids),  # the learner's own practice, no assignment
    }


@pytest.fixture
def world():
    call_command("seed_demo", "--groups-only")
    ann, ann_client = instructor_client("ann")
    bob, bob_client = instructor_client("bob")
    shared = UserFactory(username="shared-learner")
    a = cohort_with_work(ann, "Ann's class", UserFactory(username="ann-learner"), shared)
    b = cohort_with_work(bob, "Bob's class", UserFactory(username="bob-learner"), shared)
    anonymous = AttemptFactory(user=None, question_ids=a["attempt"].question_ids)
    return {"ann": ann_client, "bob": bob_client, "a": a, "b": b, "anonymous": anonymous}


def change_url(obj) -> str:
    return reverse(f"admin:quizzes_{obj._meta.model_name}_change", args=[obj.pk])


def assert_not_reachable(client: Client, obj) -> None:
    """The admin answers another's object as if it did not exist, and shows none of it."""
    for url in (change_url(obj), reverse(f"admin:quizzes_{obj._meta.model_name}_history", args=[obj.pk])):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index"), url
        assert "doesn’t exist" in page, url
        assert str(obj) not in page, url


def listed(client: Client, model: str) -> str:
    response = client.get(reverse(f"admin:quizzes_{model}_changelist"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_attempt_list_shows_only_work_for_the_instructors_own_cohorts(world):
    page = listed(world["ann"], "attempt")
    a, b = world["a"], world["b"]
    for attempt in (a["attempt"], a["shared_attempt"]):
        assert change_url(attempt) in page
    for attempt in (b["attempt"], b["shared_attempt"], a["practice"], b["practice"], world["anonymous"]):
        assert change_url(attempt) not in page
    assert "bob-learner" not in page
    assert "2 attempts" in page


def test_another_instructors_learners_attempt_cannot_be_opened_by_address(world):
    a, b = world["a"], world["b"]
    own = world["ann"].get(change_url(a["attempt"]))
    assert own.status_code == 200 and "ann-learner" in own.content.decode()
    for attempt in (b["attempt"], b["shared_attempt"], a["practice"], world["anonymous"]):
        assert_not_reachable(world["ann"], attempt)
    for attempt in (a["attempt"], a["shared_attempt"]):
        assert_not_reachable(world["bob"], attempt)


def test_the_responses_inside_an_attempt_are_only_shown_with_it(world):
    b = world["b"]
    question = b["attempt"].question_at(1)
    response, _ = b["attempt"].record_answer(question, {"option": question.options.first().pk})
    answer = f"{{&quot;option&quot;: {response.answer['option']}}}"
    assert answer in world["bob"].get(change_url(b["attempt"])).content.decode()
    assert answer not in world["ann"].get(change_url(b["attempt"]), follow=True).content.decode()


def test_cohorts_and_assignments_are_the_instructors_own(world):
    a, b = world["a"], world["b"]
    page = listed(world["ann"], "cohort")
    assert "Ann&#x27;s class" in page and "Bob&#x27;s class" not in page
    page = listed(world["ann"], "assignment")
    assert change_url(a["assignment"]) in page and change_url(b["assignment"]) not in page
    assert_not_reachable(world["ann"], b["cohort"])
    assert_not_reachable(world["ann"], b["assignment"])
    # the cohort page lists its members: the other cohort's learners are not on it
    assert "bob-learner" not in world["ann"].get(change_url(a["cohort"])).content.decode()


def test_an_assignment_form_offers_only_the_instructors_own_cohorts(world):
    a, b = world["a"], world["b"]
    for url in (reverse("admin:quizzes_assignment_add"), change_url(a["assignment"])):
        page = world["ann"].get(url).content.decode()
        cohort_select = re.search(r'<select name="cohort".*?</select>', page, re.S).group()
        assert f'<option value="{a["cohort"].pk}"' in cohort_select
        assert f'<option value="{b["cohort"].pk}"' not in cohort_select
    now = timezone.now()
    response = world["ann"].post(
        reverse("admin:quizzes_assignment_add"),
        {"cohort": b["cohort"].pk, "title": "Planted", "count": 3, "mode": "tutor",
         "opens_0": now.strftime("%Y-%m-%d"), "opens_1": "00:00:00",
         "due_0": (now + timedelta(days=3)).strftime("%Y-%m-%d"), "due_1": "00:00:00"},
    )  # fmt: skip
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.filter(title="Planted").exists()


def test_reports_name_only_learners_the_instructor_teaches(world):
    question = QuestionFactory()
    Report.objects.create(question=question, user=User.objects.get(username="bob-learner"), comment="Bob's learner")
    Report.objects.create(question=question, user=User.objects.get(username="ann-learner"), comment="Ann's learner")
    page = listed(world["ann"], "report")
    # every instructor looks after the shared bank, so every report is listed, but who wrote it is learner data
    assert "Bob&#x27;s learner" in page and "Ann&#x27;s learner" in page
    assert "ann-learner" in page and "bob-learner" not in page
    report = Report.objects.get(comment="Bob's learner")
    page = world["ann"].get(change_url(report)).content.decode()
    assert "Bob&#x27;s learner" in page and "bob-learner" not in page
    assert "bob-learner" in world["bob"].get(change_url(report)).content.decode()
    # the teaching pages' list of reports names them the same way
    page = world["ann"].get(reverse("teach_reports")).content.decode()
    assert "Bob&#x27;s learner" in page and "ann-learner" in page and "bob-learner" not in page
    assert "A learner outside your cohorts" in page
    assert "bob-learner" in world["bob"].get(reverse("teach_reports")).content.decode()


def test_a_superuser_still_sees_everything(world):
    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    page = listed(client, "attempt")
    for attempt in Attempt.objects.all():
        assert change_url(attempt) in page
    assert client.get(change_url(world["anonymous"])).status_code == 200
    assert client.get(change_url(world["b"]["cohort"])).status_code == 200


def test_an_instructor_still_resolves_any_report_in_the_admin(world):
    report = Report.objects.create(question=QuestionFactory(), user=User.objects.get(username="bob-learner"),
                                   comment="The source says otherwise.")  # fmt: skip
    response = world["ann"].post(change_url(report), {"resolved": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved and report.comment == "The source says otherwise." and report.user.username == "bob-learner"

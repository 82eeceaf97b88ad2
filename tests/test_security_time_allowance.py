"""Finding: a learner could give themselves no time limit on an instructor's timed exam.

Setting "time allowance: none" in the profile before starting an assignment gave an exam without a deadline. Now
extra time on an assignment is what the instructor granted that learner in the class (a per-membership
accommodation); the learner's own setting applies to the practice exams they build.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from quizzes.management.commands.seed_demo import instructors_group
from quizzes.models import Attempt, Cohort, Membership, Profile
from tests.factories import QuestionFactory, UserFactory
from tests.test_instructor import make_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor():
    user = UserFactory(is_staff=True)
    user.groups.add(instructors_group())
    return user


@pytest.fixture
def cohort(instructor):
    return Cohort.objects.create(name="Oncology nursing", owner=instructor)


def minutes_of(attempt: Attempt) -> float | None:
    if attempt.deadline is None:
        return None
    return round((attempt.deadline - attempt.started) / timedelta(minutes=1), 1)


def test_the_learners_own_setting_gives_no_time_on_an_assignment(client, learner, cohort):
    Membership.objects.create(cohort=cohort, user=learner)
    Profile.objects.create(user=learner, time_allowance=Profile.TimeAllowance.UNLIMITED)
    assignment = make_assignment(cohort, mode="exam", time_limit=20)
    client.post(reverse("start_assignment", args=[assignment.pk]))
    assert minutes_of(Attempt.objects.get(assignment=assignment)) == 20


def test_the_learners_own_setting_still_applies_to_their_own_practice_exams(client, learner):
    QuestionFactory.create_batch(3)
    Profile.objects.create(user=learner, time_allowance=Profile.TimeAllowance.UNLIMITED)
    form = client.get(reverse("build")).context["form"]
    assert form["allowance"].value() == "none"
    data = {"audience": "any", "pool": "all", "count": 5, "mode": "exam", "minutes": 20, "allowance": "none"}
    client.post(reverse("build"), data)
    assert minutes_of(Attempt.objects.get()) is None


def test_the_instructor_grants_extra_time_on_the_learner_page(client, learner, cohort, instructor):
    Membership.objects.create(cohort=cohort, user=learner)
    assignment = make_assignment(cohort, mode="exam", time_limit=20)
    page_url = reverse("learner_detail", args=[cohort.pk, learner.pk])

    client.force_login(instructor)
    page = client.get(page_url).content.decode()
    assert "Time allowance on this class&#x27;s timed assignments" in page
    response = client.post(page_url, {"time_allowance": "1.5"}, follow=True)
    assert "now has 1.5 times the time on this class" in response.content.decode()
    assert Membership.objects.get(user=learner).time_allowance == "1.5"
    bad = client.post(page_url, {"time_allowance": "forever"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert Membership.objects.get(user=learner).time_allowance == "1.5"  # a bad value changes nothing

    client.force_login(learner)
    client.post(reverse("start_assignment", args=[assignment.pk]))
    assert minutes_of(Attempt.objects.get(assignment=assignment)) == 30


def test_only_the_classs_own_instructor_may_grant_it(client, learner, cohort):
    Membership.objects.create(cohort=cohort, user=learner)
    page_url = reverse("learner_detail", args=[cohort.pk, learner.pk])
    assert client.post(page_url, {"time_allowance": "none"}).status_code == 403  # the learner themselves
    other = UserFactory(is_staff=True)
    other.groups.add(instructors_group())
    client.force_login(other)
    assert client.post(page_url, {"time_allowance": "none"}).status_code == 404  # another instructor's class
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_cohort"))
    Cohort.objects.filter(pk=cohort.pk).update(owner=reader)
    client.force_login(reader)
    assert client.post(page_url, {"time_allowance": "none"}).status_code == 403  # may read, not change
    assert Membership.objects.get(user=learner).time_allowance == "1"

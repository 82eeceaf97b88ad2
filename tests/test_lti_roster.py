"""The LMS course roster read into its cohort (Names and Role Provisioning), by a background task: pages
followed, learners who have not launched listed in the gradebook as not started, inactive ones removed, and an
LMS that cannot be reached said so on the gradebook."""

import re
from io import StringIO

import pytest
import responses
from django.core.management import call_command
from django.urls import reverse

from quizzes.admin import make_instructor
from quizzes.models import Cohort, Membership
from quizzes.roster import sync_roster
from tests.factories import UserFactory
from tests.lti_platform import INSTRUCTOR, ISSUER, TOKEN_URL, WITH_WORKER, Platform, new_key

pytestmark = pytest.mark.django_db
MEMBERS = f"{ISSUER}/api/courses/101/memberships"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@pytest.fixture(scope="module")
def platform_key():
    return new_key()


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, TOKEN_URL, json={"access_token": "token-2", "token_type": "Bearer", "expires_in": 60})
        yield rsps


@pytest.fixture
def course(client, platform_key, mock, db):
    """An instructor's launch that makes the course a cohort, with the roster service in its claims."""
    platform = Platform(key=platform_key)
    registration = platform.register()
    claims = {NRPS: {"context_memberships_url": MEMBERS, "service_versions": ["2.0"]}}
    platform.launch(client, registration, mock, sub="teacher-1", roles=INSTRUCTOR, body_changes=claims)
    return Cohort.objects.get()


def member(sub: str, name: str, status: str = "Active", roles=(LEARNER,)) -> dict:
    given, family = name.split()
    return {"user_id": sub, "name": name, "given_name": given, "family_name": family, "status": status,
            "email": f"{sub}@students.example.edu", "roles": list(roles)}  # fmt: skip


def page(members: list[dict]) -> dict:
    return {"id": MEMBERS, "context": {"id": "course-101", "title": "Oncology nursing"}, "members": members}


@WITH_WORKER
def test_the_roster_comes_in_page_by_page_and_shows_in_the_gradebook(client, course, mock,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    first = page([member("s-1", "Bea Park"), member("s-2", "Cal Diaz")])
    next_page = {"Link": f'<{MEMBERS}?page=2>; rel="next"'}
    mock.add(responses.GET, MEMBERS, json=first, headers=next_page, match=[responses.matchers.query_string_matcher("")])
    mock.add(
        responses.GET, f"{MEMBERS}?page=2", json=page([member("s-3", "Dee Moss"), member("s-4", "Eli Fox", "Inactive")])
    )
    gradebook = reverse("gradebook", args=[course.pk])
    assert "Read the roster from the LMS" in client.get(gradebook).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("roster_sync", args=[course.pk]), follow=True)
    assert "The roster is being read from the LMS." in answer.content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO(), stderr=StringIO())
    members = Membership.objects.filter(cohort=course).select_related("user")
    assert sorted(m.user.get_full_name() for m in members) == ["Bea Park", "Cal Diaz", "Dee Moss"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(gradebook).content.decode()))
    assert "Bea Park" in text and "Dee Moss" in text and "Eli Fox" not in text
    assert "4 people in the LMS course; 3 learner(s) added, 0 inactive one(s) removed." in text
    membership_request = next(c.request for c in mock.calls if c.request.url == MEMBERS)
    assert membership_request.headers["Accept"] == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    assert membership_request.headers["Authorization"] == "Bearer token-2"


def test_a_learner_who_leaves_the_course_leaves_the_cohort(course, mock):
    mock.add(responses.GET, MEMBERS, json=page([member("s-1", "Bea Park")]))
    sync_roster.call(course.pk)
    assert Membership.objects.filter(cohort=course).count() == 1
    mock.replace(responses.GET, MEMBERS, json=page([member("s-1", "Bea Park", "Inactive")]))
    assert sync_roster.call(course.pk).endswith("0 learner(s) added, 1 inactive one(s) removed.")
    assert not Membership.objects.filter(cohort=course).exists()


def test_an_lms_that_cannot_be_reached_is_said_so_on_the_gradebook(client, course, mock):
    mock.add(responses.GET, MEMBERS, status=503, body="maintenance")
    note = sync_roster.call(course.pk)
    assert note.startswith("The LMS roster could not be read:")
    course.refresh_from_db()
    assert course.roster_note == note and course.roster_synced is None
    assert "The LMS roster could not be read" in client.get(reverse("gradebook", args=[course.pk])).content.decode()


def test_a_cohort_without_an_lms_has_no_roster_to_read(client, db):
    teacher = UserFactory()
    call_command("seed_demo", "--groups-only")
    make_instructor(teacher)
    cohort = Cohort.objects.create(name="Local class", owner=teacher)
    client.force_login(teacher)
    page_ = client.get(reverse("gradebook", args=[cohort.pk])).content.decode()
    assert "Read the roster from the LMS" not in page_
    answer = client.post(reverse("roster_sync", args=[cohort.pk]), follow=True)
    assert "This cohort is not an LMS course whose roster the LMS shares with the quiz." in answer.content.decode()

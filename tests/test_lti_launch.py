"""LTI 1.3 through the Django test client, against a platform made in the test (tests/lti_platform.py): the
registration command, the key set, the OIDC login, learner and instructor launches, what a link opens, and every
refusal, each a clear page with status 400 or 403 that creates nothing."""

import html
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
import responses
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiUser

from quizzes.models import Assignment, Attempt, CaseStudy, Cohort, LtiAttempt, Membership, Topic
from tests.factories import QuestionFactory, TopicFactory
from tests.lti_platform import CLAIM, DEPLOYMENT_ID, INSTRUCTOR, ISSUER, Platform, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def platform_key():
    return new_key()  # an RSA key takes a while to make: one for the module


@pytest.fixture
def platform(platform_key):
    return Platform(key=platform_key)


@pytest.fixture
def registration(platform, case):
    """The platform registered, and a small bank: "symptoms" with eight questions, and one case study."""
    topic = TopicFactory(slug="symptoms", name="Symptoms")
    for _ in range(8):
        QuestionFactory(topic=topic)
    return platform.register()


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def visible(page) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode())))


# -- registration and keys ---------------------------------------------------------


def test_lti_register_prints_the_three_urls_and_makes_a_key(db):
    out = StringIO()
    call_command(
        "lti_register", "--issuer", ISSUER, "--client-id", "abc", "--deployment-id", "d1",
        "--auth-url", f"{ISSUER}/auth", "--token-url", f"{ISSUER}/token", "--keyset-url", f"{ISSUER}/keys",
        "--base-url", "https://quiz.example.edu", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    registration = LtiDeployment.objects.get(deployment_id="d1").registration
    assert "Login initiation URL:   https://quiz.example.edu/lti/login/\n" in text
    assert f"no client_id at login: https://quiz.example.edu/lti/login/{registration.uuid}/)" in text
    assert "Redirect / target link: https://quiz.example.edu/lti/launch/" in text
    assert "Public keyset URL:      https://quiz.example.edu/lti/jwks.json" in text
    assert LtiDeployment.objects.get(deployment_id="d1").is_active
    assert Key.objects.active().count() == 1


def test_lti_register_refuses_a_bad_url(db):
    with pytest.raises(Exception, match="--keyset-url 'not a url' is not a URL"):
        call_command(
            "lti_register", "--issuer", ISSUER, "--client-id", "abc", "--deployment-id", "d1", "--auth-url",
            f"{ISSUER}/auth", "--token-url", f"{ISSUER}/token", "--keyset-url", "not a url", stdout=StringIO(),
        )  # fmt: skip


def test_the_keyset_publishes_the_active_keys_and_rotation_keeps_the_old_one_a_while(client, registration):
    first = client.get(reverse("lti_jwks")).json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and first[0]["use"] == "sig"
    call_command("rotate_keys", stdout=StringIO())
    kids = {k["kid"] for k in client.get(reverse("lti_jwks")).json()["keys"]}
    assert first[0]["kid"] in kids and len(kids) == 2  # a platform that cached the old key can still verify


# -- launches ----------------------------------------------------------------------


def test_a_learner_launch_logs_in_a_local_user_and_opens_the_bank(client, platform, registration, mock):
    page, body = platform.launch(client, registration, mock, custom={"bank": "symptoms", "count": "5"})
    attempt = Attempt.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("question", args=[attempt.pk, 1])
    user = attempt.user
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "user-1@students.example.edu")
    assert not user.has_usable_password() and not user.is_staff
    assert attempt.topic.slug == "symptoms" and attempt.total == 5 and attempt.mode == "tutor"
    link = LtiAttempt.objects.get(attempt=attempt)
    assert link.lineitem_url == f"{ISSUER}/api/lineitems/7" and link.lti_user.sub == "user-1"
    assert client.session.get_expire_at_browser_close()  # this browser session only
    question = client.get(page["Location"])
    assert question.status_code == 200 and "Question 1 of 5" in visible(question)


def test_the_same_lms_user_is_the_same_local_user_and_resumes(client, platform, registration, mock):
    platform.launch(client, registration, mock, custom={"bank": "symptoms"})
    first = Attempt.objects.get()
    client.logout()
    page, _ = platform.launch(client, registration, mock, custom={"bank": "symptoms"})
    assert Attempt.objects.count() == 1 and page["Location"] == reverse("results", args=[first.pk])
    assert User.objects.filter(username__startswith="lti-").count() == 1
    other, _ = platform.launch(client, registration, mock, sub="user-2", custom={"bank": "symptoms"})
    assert User.objects.filter(username__startswith="lti-").count() == 2
    assert Attempt.objects.latest("started").user.email == "user-2@students.example.edu"


def test_an_instructor_launch_makes_the_course_a_cohort_and_opens_its_gradebook(client, platform, registration, mock):
    platform.launch(client, registration, mock, sub="learner-early", custom={"bank": "symptoms"})
    client.logout()
    page, _ = platform.launch(client, registration, mock, sub="teacher-1", roles=INSTRUCTOR,
                              custom={"bank": "symptoms"})  # fmt: skip
    cohort = Cohort.objects.get(lti_context=LtiContext.objects.get(id_on_platform="course-101"))
    assert cohort.name == "Oncology nursing" and page["Location"] == reverse("gradebook", args=[cohort.pk])
    teacher = cohort.owner
    assert teacher.is_staff and teacher.groups.filter(name="Instructors").exists()
    # the learner who launched before any instructor is in the class, and appears in the gradebook
    early = LtiUser.objects.get(sub="learner-early").auth_user
    assert Membership.objects.filter(cohort=cohort, user=early).exists()
    gradebook = client.get(page["Location"])
    assert gradebook.status_code == 200 and "Ada Lovelace" in visible(gradebook)  # the LMS's name, not lti-…
    # a second instructor of the course teaches it too
    client.logout()
    platform.launch(client, registration, mock, sub="teacher-2", roles=INSTRUCTOR, custom={"bank": "symptoms"})
    second = LtiUser.objects.get(sub="teacher-2").auth_user
    assert cohort.teachers.filter(pk=second.pk).exists()
    assert client.get(reverse("gradebook", args=[cohort.pk])).status_code == 200
    # and a learner launching now joins the cohort at once
    client.logout()
    platform.launch(client, registration, mock, sub="learner-late", custom={"bank": "symptoms"})
    late = LtiUser.objects.get(sub="learner-late").auth_user
    assert Membership.objects.filter(cohort=cohort, user=late).exists()


def test_a_case_study_link_opens_the_case_timed(client, platform, registration, mock):
    case = CaseStudy.objects.ready().first()
    page, _ = platform.launch(client, registration, mock, custom={"case": case.key, "mode": "exam", "minutes": "15"})
    attempt = Attempt.objects.get()
    assert attempt.case == case and attempt.is_exam and attempt.deadline is not None
    assert 14 * 60 < attempt.seconds_left() <= 15 * 60


def test_an_assignment_link_opens_the_course_assignment_once(client, platform, registration, mock):
    platform.launch(client, registration, mock, sub="teacher-1", roles=INSTRUCTOR)
    cohort = Cohort.objects.get()
    symptoms = Topic.objects.get(slug="symptoms")
    due = timezone.now() + timedelta(days=3)
    assignment = Assignment.objects.create(cohort=cohort, title="Week 3", topic=symptoms, count=3, due=due)
    client.logout()
    page, _ = platform.launch(client, registration, mock, custom={"assignment": str(assignment.pk)})
    attempt = Attempt.objects.get(assignment=assignment)
    assert page["Location"] == reverse("question", args=[attempt.pk, 1]) and attempt.total == 3


# -- refusals: a clear page, 400 or 403, and nothing created -----------------------


def _nothing_created(before_users: int) -> None:
    assert User.objects.count() == before_users
    assert not Attempt.objects.exists() and not LtiUser.objects.exists() and not Cohort.objects.exists()


@pytest.mark.parametrize(
    "change,status,says",
    [
        ({"iss": "https://unknown.example.edu"}, 403, "This LMS is not registered with the quiz."),
        ({"aud": "someone-else"}, 403, "This LMS is not registered with the quiz."),
        ({"exp": int(time.time()) - 60}, 403, "The launch came too late: its token has expired."),
        ({CLAIM + "deployment_id": "unknown-deployment"}, 403, "This deployment of the quiz is not active."),
        ({CLAIM + "version": "1.1"}, 400, "The launch is not LTI 1.3."),
        ({CLAIM + "resource_link": {}}, 400, "The launch does not name its link."),
    ],
    ids=["unknown-issuer", "unknown-client", "expired", "unknown-deployment", "version", "no-link"],
)
def test_a_refused_launch_says_what_to_check(client, platform, registration, mock, change, status, says):
    users = User.objects.count()
    page, _ = platform.launch(client, registration, mock, body_changes=change, custom={"bank": "symptoms"})
    assert page.status_code == status
    text = visible(page)
    assert says in text and "For the LMS administrator:" in text and "Nothing was saved." in text
    assert "<title>Launch refused · Bone metastasis quiz</title>" in page.content.decode()
    _nothing_created(users)
    assert LtiDeployment.objects.filter(deployment_id="unknown-deployment").count() == 0


@pytest.mark.parametrize("claim", ["sub", CLAIM + "roles"], ids=["no-sub", "no-roles"])
def test_a_launch_missing_a_claim_is_refused(client, platform, registration, mock, claim):
    users = User.objects.count()
    page, _ = platform.launch(client, registration, mock, drop=[claim], custom={"bank": "symptoms"})
    assert page.status_code == 400
    assert "For the LMS administrator:" in visible(page)
    _nothing_created(users)


def test_a_launch_signed_with_another_key_is_refused(client, platform, registration, mock):
    users = User.objects.count()
    page, _ = platform.launch(client, registration, mock, key=new_key(), custom={"bank": "symptoms"})
    assert page.status_code == 403
    assert "The launch's signature does not match the LMS's keys." in visible(page)
    _nothing_created(users)


def test_a_replayed_launch_is_refused(client, platform, registration, mock):
    platform.serve_keyset(mock)
    state, nonce = platform.login(client, registration)
    token = platform.id_token(platform.claims(nonce, custom={"bank": "symptoms"}))
    first = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert first.status_code == 302
    again = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert again.status_code == 403 and "This launch was already used." in visible(again)
    assert Attempt.objects.count() == 1


def test_an_inactive_deployment_is_refused(client, platform, registration, mock):
    LtiDeployment.objects.filter(deployment_id=DEPLOYMENT_ID).update(is_active=False)
    users = User.objects.count()
    page, _ = platform.launch(client, registration, mock, custom={"bank": "symptoms"})
    assert page.status_code == 403 and "This deployment of the quiz is not active." in visible(page)
    assert f"Activate deployment '{DEPLOYMENT_ID}'" in visible(page)
    _nothing_created(users)


def test_a_launch_without_its_login_is_refused(client, platform, registration, mock):
    platform.serve_keyset(mock)
    token = platform.id_token(platform.claims("made-up-nonce", custom={"bank": "symptoms"}))
    page = client.post("/lti/launch/", {"id_token": token, "state": "state-made-up"})
    assert page.status_code == 400
    assert "The launch does not match a login that started here." in visible(page)


@pytest.mark.parametrize(
    "custom,says",
    [
        (None, "This link does not say what to open."),
        ({"bank": "no-such-bank"}, "The link names a bank the quiz does not have"),
        ({"case": "no-such-case"}, "The case study 'no-such-case' is not one the quiz has."),
        ({"bank": "symptoms", "count": "5000"}, "The link's custom parameter count='5000'"),
        ({"bank": "symptoms", "mode": "cheat"}, "The link's mode='cheat' is not one the quiz knows."),
        ({"assignment": "99999"}, "This link points at an assignment that is not in this course."),
    ],
    ids=["none", "bank", "case", "count", "mode", "assignment"],
)
def test_a_link_that_names_nothing_usable_is_refused(client, platform, registration, mock, custom, says):
    users = User.objects.count()
    page, _ = platform.launch(client, registration, mock, custom=custom)
    assert page.status_code == 400 and says in visible(page)
    _nothing_created(users)


def test_a_login_for_an_unknown_registration_is_refused(client, db):
    page = client.get("/lti/login/6f1f4b9e-1c1a-4c1e-9a4e-2c8e0a6f0b11/?iss=x&target_link_uri=y&login_hint=z")
    assert page.status_code == 403
    assert "This login URL belongs to no active LMS registration." in visible(page)


def test_a_get_of_the_launch_url_is_not_a_server_error(client, db):
    assert client.get("/lti/launch/").status_code == 405


# -- deep linking --------------------------------------------------------------------

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RETURN_URL = f"{ISSUER}/mod/lti/contentitem_return.php"


def deep_link_changes() -> dict:
    return {
        CLAIM + "message_type": "LtiDeepLinkingRequest",
        CLAIM + "resource_link": None,
        DL + "deep_linking_settings": {
            "deep_link_return_url": RETURN_URL,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["window", "iframe"],
            "data": "opaque-platform-data",
        },
    }


def tool_key_for(client, kid: str):
    import jwt

    keys = {k["kid"]: k for k in client.get(reverse("lti_jwks")).json()["keys"]}
    return jwt.algorithms.RSAAlgorithm.from_jwk(keys[kid])


def test_deep_linking_returns_a_signed_link_with_a_gradebook_column(client, platform, registration, mock, case):
    import jwt

    page, _ = platform.launch(client, registration, mock, sub="teacher-1", roles=INSTRUCTOR,
                              body_changes=deep_link_changes())  # fmt: skip
    assert page.status_code == 302 and page["Location"] == reverse("lti_pick")
    picker = client.get(page["Location"])
    text = visible(picker)
    assert picker.status_code == 200 and "Add the quiz to Oncology nursing" in text
    assert "Timed exam: questions from banks, answers at the end" in text and case.title in text
    # a case study chosen without naming one: the message beside the field, nothing sent
    refused = client.post(reverse("lti_pick"), {"kind": "case", "count": "10", "minutes": "20", "score_maximum": "100"})
    assert refused.status_code == 400 and "Choose the case study to add." in visible(refused)
    symptoms = Topic.objects.get(slug="symptoms")
    answer = client.post(reverse("lti_pick"), {"kind": "exam", "topics": [symptoms.pk], "count": "5", "minutes": "30",
                                               "title": "Week 2 exam", "score_maximum": "50"})  # fmt: skip
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'action="{RETURN_URL}"' in body
    assert f"form-action 'self' {ISSUER}" in answer["Content-Security-Policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', body).group(1)
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, tool_key_for(client, kid), algorithms=["RS256"], audience=ISSUER)
    assert claims["iss"] == "quiz-tool-client" and claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == DEPLOYMENT_ID and claims[DL + "data"] == "opaque-platform-data"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://testserver/lti/launch/"
    assert item["title"] == "Week 2 exam" and item["lineItem"] == {"scoreMaximum": 50, "label": "Week 2 exam"}
    assert item["custom"] == {"bank": "symptoms", "count": "5", "mode": "exam", "minutes": "30"}
    # the picker answers once
    assert client.post(reverse("lti_pick"), {"kind": "bank", "count": "10", "minutes": "20",
                                             "score_maximum": "100"}).status_code == 400  # fmt: skip
    # and a learner's launch of the new link opens that exam, with the learner's extra time in the class
    client.logout()
    platform.launch(client, registration, mock, sub="learner-1", custom=item["custom"])
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    Membership.objects.filter(user=learner).update(time_allowance="1.5")
    Attempt.objects.filter(user=learner).delete()
    platform.launch(client, registration, mock, sub="learner-1", custom=item["custom"])
    attempt = Attempt.objects.get(user=learner)
    assert attempt.is_exam and attempt.total == 5 and 44 * 60 < attempt.seconds_left() <= 45 * 60


def test_a_learner_cannot_open_the_picker(client, platform, registration, mock):
    page, _ = platform.launch(client, registration, mock, body_changes=deep_link_changes())
    assert page.status_code == 403 and "Only an instructor can add the quiz to a course." in visible(page)
    assert client.get(reverse("lti_pick")).status_code == 400


def test_the_login_url_with_the_registrations_uuid_serves_an_lms_that_sends_no_client_id(client, platform,
                                                                                      registration, mock):  # fmt: skip
    platform.serve_keyset(mock)
    state, nonce = platform.login(client, registration, by_uuid=True)
    token = platform.id_token(platform.claims(nonce, custom={"bank": "symptoms"}))
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302


def test_a_login_from_an_unregistered_client_is_refused(client, registration):
    page = client.get("/lti/login/?iss=https://lms.example.edu&client_id=nobody&target_link_uri=x&login_hint=z")
    assert page.status_code == 403 and "This LMS is not registered with the quiz." in visible(page)


def test_an_assignment_not_open_yet_waits_and_says_when(client, platform, registration, mock):
    platform.launch(client, registration, mock, sub="teacher-1", roles=INSTRUCTOR)
    cohort = Cohort.objects.get()
    symptoms = Topic.objects.get(slug="symptoms")
    opens = timezone.now() + timedelta(days=2)
    assignment = Assignment.objects.create(cohort=cohort, title="Week 4", topic=symptoms, count=3, opens=opens,
                                           due=opens + timedelta(days=3))  # fmt: skip
    client.logout()
    page, _ = platform.launch(client, registration, mock, custom={"assignment": str(assignment.pk)})
    text = visible(page)
    assert page.status_code == 403 and "“Week 4” opens on" in text
    assert "Come back then: the same link in the course opens it." in text and "LMS administrator" not in text
    assert not Attempt.objects.filter(assignment=assignment).exists()


def test_a_launch_draws_nothing_of_the_learners_open_exam(client, platform, registration, mock, case):
    platform.launch(client, registration, mock, custom={"bank": "symptoms", "count": "3", "mode": "exam"})
    exam = Attempt.objects.get()
    client.logout()
    # the same learner, from another link: a practice of the bank draws none of the open exam's questions
    page, _ = platform.launch(client, registration, mock, custom={"bank": "symptoms", "count": "20"},
                              body_changes={CLAIM + "resource_link": {"id": "link-2"}})  # fmt: skip
    practice = Attempt.objects.exclude(pk=exam.pk).get()
    assert set(practice.question_ids).isdisjoint(exam.question_ids) and practice.total == 8 - 3
    # and a case study holding one of them waits, saying why
    Attempt.objects.filter(pk=exam.pk).update(question_ids=[*exam.question_ids, case.ordered_questions()[0].pk])
    client.logout()
    page, _ = platform.launch(client, registration, mock, custom={"case": case.key},
                              body_changes={CLAIM + "resource_link": {"id": "link-3"}})  # fmt: skip
    assert page.status_code == 409 and "This case study shares a question with your open exam." in visible(page)

"""My data: the JSON download of everything the app holds about a learner, deleting the account with all of it,
and the purge of what visitors without an account leave after 30 days."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiUser

from quizzes import mydata
from quizzes.models import (
    Attempt,
    Cohort,
    Flag,
    ItemTally,
    Membership,
    Profile,
    Question,
    Report,
    Response,
    ReviewCard,
    Topic,
)
from quizzes.teaching import item_statistics
from tests.factories import QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every factory user's password


def user_links() -> dict[str, list[str]]:
    """Every model (with the auto-created many-to-many tables) that has a foreign key or one-to-one to the user
    model itself, with the names of those fields."""
    user_model = get_user_model()
    links: dict[str, list[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model is user_model:
                links.setdefault(model._meta.label, []).append(field.attname)
    return links


@pytest.fixture
def world():
    """A learner the app holds something of in every table that points at a user, and another learner."""
    learner = UserFactory(username="patient1", email="pat@example.org", first_name="Pat", last_name="Lee")
    Profile.objects.create(user=learner, role=Profile.Role.PATIENT)
    topic = TopicFactory(name="Living with bone metastasis")
    question = QuestionFactory(topic=topic, key="q-bone-cells", stem="Which cells build new bone, as first asked?")
    question.record_version()
    wrong = question.options.get(text="Osteoclasts")
    practice = Attempt.objects.create(user=learner, topic=topic, question_ids=[question.pk], seed=3)
    practice.record_answer(question, {"option": wrong.pk})  # finishes it, and schedules a review card
    # edited after the answer: the export shows the version that was answered
    Question.objects.filter(pk=question.pk).update(stem="Which cells build new bone, as asked now?")
    question.refresh_from_db()
    question.record_version()
    Flag.objects.create(user=learner, question=question)
    teacher = UserFactory(username="teacher1")
    cohort = Cohort.objects.create(name="Nursing 2027", owner=teacher)
    Membership.objects.create(cohort=cohort, user=learner, time_allowance=Profile.TimeAllowance.HALF_AGAIN)
    Report.objects.create(question=question, user=learner, comment="Is the second option right?")
    learner.groups.add(Group.objects.create(name="Readers"))
    learner.user_permissions.add(Permission.objects.get(codename="view_topic"))
    LogEntry.objects.create(
        user=learner, content_type=ContentType.objects.get_for_model(Topic), object_id=str(topic.pk),
        object_repr=topic.name, action_flag=CHANGE, change_message='[{"changed": {"fields": ["Name"]}}]',
    )  # fmt: skip
    about = LogEntry.objects.create(
        user=teacher, content_type=ContentType.objects.get_for_model(User), object_id=str(learner.pk),
        object_repr=learner.username, action_flag=CHANGE,
    )  # fmt: skip
    # another learner, whose data must never appear in the first one's file
    other = UserFactory(username="classmate9")
    theirs = Attempt.objects.create(user=other, question_ids=[question.pk], seed=4, label="Someone else's practice")
    theirs.record_answer(question, {"option": question.options.get(is_correct=True).pk})
    Flag.objects.create(user=other, question=QuestionFactory(key="q-someone-elses-flag"))
    Report.objects.create(question=question, user=other, comment="SOMEONE ELSES REPORT")
    Membership.objects.create(cohort=cohort, user=other)
    # an LMS account the learner launched from, and an LMS course they help teach (they do not own it)
    registration = LtiRegistration.objects.create(name="LMS", issuer="https://lms.example.edu", client_id="c1",
                                                  auth_url="https://lms.example.edu/a", token_url="https://lms.example.edu/t",
                                                  keyset_url="https://lms.example.edu/k")  # fmt: skip
    LtiUser.objects.create(registration=registration, sub="lms-user-77", auth_user=learner, name="Pat Lee",
                           email="pat@students.example.edu")  # fmt: skip
    course = Cohort.objects.create(name="NUR 101 (LMS)", owner=UserFactory(username="teacher2"))
    course.teachers.add(learner)
    return {"learner": learner, "question": question, "cohort": cohort, "other": other, "about": about}


def logged_in(user: User) -> Client:
    """A browser logged in through the login form, as a person does (django-axes logs the login)."""
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def sessions_of(user_pk: int) -> list[str]:
    return [s.session_key for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user_pk)]


# -- every table that points at the user -------------------------------------------------------------------------


def test_every_model_that_points_at_the_user_is_in_the_export_and_emptied_by_deletion(world):
    learner = world["learner"]
    links = user_links()
    # A new model with a user field fails here until mydata.PERSONAL (the export and the deletion) knows it.
    assert set(links) | {get_user_model()._meta.label} == set(mydata.PERSONAL)
    logged_in(learner)
    data = mydata.export_for(learner)
    for label, part in mydata.PERSONAL.items():
        assert part in data, label
    for part in ("account", "profile", "attempts", "flags", "review_cards", "memberships", "reports", "admin_actions"):
        assert data[part], part  # the world gave each one something to hold
    assert [(c["name"], c["role"]) for c in data["cohorts_owned"]] == [("NUR 101 (LMS)", "teacher")]
    assert [(a["user_id_in_lms"], a["email"]) for a in data["lms_accounts"]] == [
        ("lms-user-77", "pat@students.example.edu")
    ]
    assert data["logins"]

    pk = learner.pk
    mydata.delete_account(learner)

    assert not User.objects.filter(pk=pk).exists()
    for label, fields in links.items():
        model = apps.get_model(label)
        for field in fields:
            assert not model.objects.filter(**{field: pk}).exists(), f"{label}.{field} still refers to the user"
    assert sessions_of(pk) == []
    assert not AccessLog.objects.filter(username="patient1").exists()
    assert not LogEntry.objects.filter(pk=world["about"].pk).exists()  # the admin's entry naming the learner
    # the other learner keeps everything
    assert Attempt.objects.filter(user=world["other"]).count() == 1
    assert Flag.objects.filter(user=world["other"]).count() == 1
    assert not LtiUser.objects.filter(sub="lms-user-77").exists()  # the LMS's record of the person goes too
    assert Cohort.objects.filter(name="NUR 101 (LMS)").exists()  # a course they only co-taught stays


# -- the export ---------------------------------------------------------------------------------------------------


def test_the_export_holds_the_answer_in_words_with_the_version_answered(world):
    data = mydata.export_for(world["learner"])
    assert data["schema"] == mydata.SCHEMA and data["app"] == "Bone metastasis quiz" and data["exported"]
    account = data["account"]
    assert account["username"] == "patient1" and account["email"] == "pat@example.org"
    assert account["first_name"] == "Pat" and account["last_name"] == "Lee"
    assert account["groups"] == ["Readers"] and account["permissions"] == ["view_topic"]
    assert "password" not in account
    assert data["profile"] == {"account_for": Profile.Role.PATIENT.label, "time_allowance": "Standard time"}
    (attempt,) = data["attempts"]
    assert attempt["title"] == "Living with bone metastasis" and attempt["mode"] == "Practice with feedback"
    assert attempt["score"] == 0.0 and attempt["finished"] and attempt["questions"] == 1
    (answer,) = attempt["answers"]
    assert answer["question"] == "q-bone-cells" and answer["version"] == 1
    assert answer["stem"] == "Which cells build new bone, as first asked?"  # not the stem as edited since
    assert answer["answer"] == "Osteoclasts" and answer["score"] == 0.0
    assert answer["answer_data"] == {"option": world["question"].options.get(text="Osteoclasts").pk}
    assert data["flags"][0]["question"] == "q-bone-cells"
    (card,) = data["review_cards"]
    assert card["question"] == "q-bone-cells" and card["reviews"] == 1 and card["due"] and card["state"]
    assert data["memberships"] == [
        {"cohort": "Nursing 2027", "joined": data["memberships"][0]["joined"], "time_allowance": "1.5 times the time"}
    ]
    assert data["reports"][0]["comment"] == "Is the second option right?"
    assert data["admin_actions"][0]["action"] == "Change" and data["admin_actions"][0]["change"] == "Changed Name."


def test_the_download_is_an_attachment_named_for_the_learner_and_the_day(client, world):
    client.force_login(world["learner"])
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), tick=False):
        response = client.get(reverse("my_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="my-data-patient1-2026-12-03.json"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["account"]["username"] == "patient1" and data["exported"].startswith("2026-12-03T12:00:00")
    assert world["learner"].password not in body and "pbkdf2" not in body


def test_another_learners_data_never_appears(client, world):
    client.force_login(world["learner"])
    body = client.get(reverse("my_data")).content.decode()
    for theirs in ("classmate9", "Someone else's practice", "q-someone-elses-flag", "SOMEONE ELSES REPORT", "teacher1"):
        assert theirs not in body
    assert json.loads(body)["attempts"][0]["answers"][0]["answer"] == "Osteoclasts"  # not the other one's pick


def test_visitors_without_an_account_are_sent_to_log_in(client):
    for name in ("my_data", "delete_account"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("delete_account"), {"password": "x"})["Location"].startswith(reverse("login"))


def test_the_profile_links_to_both(client, world):
    client.force_login(world["learner"])
    page = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("my_data")}" download>Download my data</a>' in page
    assert f'href="{reverse("delete_account")}">Delete my account</a>' in page


def test_the_export_reads_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    learner = world["learner"]
    client.force_login(learner)
    # session, user; expired exams, attempts, their answers, questions, options, old versions, their passages;
    # groups, permissions, profile, flags, review cards, memberships, cohorts, reports, admin log, logins
    with django_assert_num_queries(20):
        client.get(reverse("my_data"))
    topic = TopicFactory()
    more = QuestionFactory.create_batch(6, topic=topic)
    for n in range(3):
        attempt = Attempt.objects.create(user=learner, question_ids=[q.pk for q in more], seed=n)
        for question in more:
            attempt.record_answer(question, question.correct_answer())
        Flag.objects.get_or_create(user=learner, question=more[n])
    with django_assert_num_queries(20):
        data = json.loads(client.get(reverse("my_data")).content)
    assert sum(len(a["answers"]) for a in data["attempts"]) == 1 + 18


def test_an_open_exams_answers_wait_until_it_is_over(client, world):
    learner, question = world["learner"], world["question"]
    now = timezone.now()
    exam = Attempt.objects.create(
        user=learner, mode=Attempt.Mode.EXAM, question_ids=[question.pk], seed=5, label="Mock exam",
        started=now, deadline=now + timedelta(minutes=30),
    )  # fmt: skip
    client.force_login(learner)
    client.post(reverse("answer", args=[exam.pk, 1]), answer_form(exam, 1, {"option": question.options.first().pk}))
    assert Response.objects.filter(attempt=exam).exists()
    data = json.loads(client.get(reverse("my_data")).content)
    assert "Mock exam" in data["held_back"]
    practice, held = data["attempts"]
    assert held["answers"] == [] and "Mock exam" in held["held_back"]
    # the same question's verdict elsewhere, and its review schedule, would tell the exam's key
    assert practice["score"] is None and practice["answers"][0]["score"] is None
    assert practice["answers"][0]["answer"] == "Osteoclasts"
    assert data["review_cards"][0]["due"] is None and data["review_cards"][0]["held_back"]

    with time_machine.travel(now + timedelta(minutes=31)):  # the deadline ends it, and then everything shows
        data = json.loads(client.get(reverse("my_data")).content)
    assert "held_back" not in data
    assert data["attempts"][1]["finished"] and data["attempts"][1]["answers"][0]["score"] is not None
    assert data["attempts"][0]["answers"][0]["score"] == 0.0


# -- deleting the account -----------------------------------------------------------------------------------------


def test_the_page_says_what_is_deleted_and_what_is_kept(client, world):
    client.force_login(world["learner"])
    page = client.get(reverse("delete_account")).content.decode()
    assert "What is deleted" in page and "What is kept" in page and "cannot be undone" in page
    assert "how many people answered it" in page and "without your name" in page
    assert 'autocomplete="current-password"' in page and "autofocus" not in page  # read first, then type


def test_a_wrong_password_deletes_nothing_and_says_so_beside_the_field(client, world):
    learner = world["learner"]
    client.force_login(learner)
    response = client.post(reverse("delete_account"), {"password": "not-my-password"})
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(r'<input type="password" name="password"[^>]*>', page).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field and "id_password_error" in field
    error = page.index('id="id_password_error"')
    assert page.index('name="password"') < error < page.index("Delete my account and my data")
    assert "That is not your password. Nothing was deleted." in page
    assert User.objects.filter(pk=learner.pk).exists()
    assert Attempt.objects.filter(user=learner).count() == 1 and Flag.objects.filter(user=learner).exists()
    assert client.get(reverse("profile")).status_code == 200  # still logged in
    empty = client.post(reverse("delete_account"), {})
    assert empty.status_code == 400 and "Type your password" in empty.content.decode()


def test_the_right_password_deletes_everything_logs_out_and_says_so(client, world):
    learner = world["learner"]
    elsewhere = logged_in(learner)  # the same account on a phone
    client.force_login(learner)
    response = client.post(reverse("delete_account"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account and your data are deleted." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(username="patient1").exists()
    assert elsewhere.get(reverse("profile"))["Location"].startswith(reverse("login"))  # logged out there too
    assert not Attempt.objects.filter(user__isnull=True).exists()  # their answers are not left behind unsigned
    # a report is about a question: it stays for the instructors, without its writer
    report = Report.objects.get(comment="Is the second option right?")
    assert report.user_id is None and report.reporter == "A visitor"
    assert Report.objects.get(comment="SOMEONE ELSES REPORT").user == world["other"]
    assert Membership.objects.filter(cohort=world["cohort"]).count() == 1  # the classmate's


def test_item_statistics_of_a_question_are_unchanged_after_the_deletion():
    topic = TopicFactory()
    question, other_question = QuestionFactory(topic=topic), QuestionFactory(topic=topic, kind="multiple")
    right = question.options.get(is_correct=True)
    wrong = question.options.exclude(is_correct=True).first()
    picks = [o.pk for o in other_question.options.all()[:2]]
    learners = UserFactory.create_batch(6)
    for i, user in enumerate(learners):
        attempt = Attempt.objects.create(user=user, question_ids=[question.pk, other_question.pk], seed=i)
        Response.objects.create(attempt=attempt, question=question, answer={"option": (right if i % 2 else wrong).pk},
                                score=float(i % 2), seconds=10 * (i + 1))  # fmt: skip
        Response.objects.create(attempt=attempt, question=other_question, answer={"options": picks}, score=0.5,
                                seconds=7)  # fmt: skip
        # a second try and an open exam's saved answer count in no statistic, before or after
        again = Attempt.objects.create(user=user, question_ids=[question.pk], seed=9)
        Response.objects.create(attempt=again, question=question, answer={"option": right.pk}, score=1.0, seconds=1)
        exam = Attempt.objects.create(user=user, mode="exam", question_ids=[question.pk], seed=8,
                                      deadline=timezone.now() + timedelta(hours=1))  # fmt: skip
        Response.objects.create(attempt=exam, question=question, answer={"option": right.pk}, score=1.0)

    def numbers() -> dict:
        stats = item_statistics(list(Question.objects.filter(topic=topic).prefetch_related("options")))
        return {
            s["question"].pk: (s["n"], s["facility"], s["time"], [(o.text, o.picked) for o in s["options"]])
            for s in stats
        }

    before = numbers()
    assert before[question.pk][:3] == (6, 0.5, 35.0)
    gone = [user.pk for user in learners[:2]]
    for user in learners[:2]:  # one answered wrong, one right
        mydata.delete_account(user)
    assert numbers() == before
    assert not Response.objects.filter(attempt__user__in=gone).exists()
    assert not Attempt.objects.filter(user__isnull=True).exists()  # no answer row of theirs is left anywhere
    tally = ItemTally.objects.get(question=question)
    assert (tally.answers, tally.score_sum, tally.seconds_sum) == (2, 1.0, 30)
    # a cohort's statistics count its members: the deleted are no one's members
    assert item_statistics([question], learners=User.objects.filter(pk__in=[u.pk for u in learners[2:]]))[0]["n"] == 4


def test_an_instructor_who_runs_cohorts_is_refused_until_they_are_handed_over(client, world):
    teacher = User.objects.get(username="teacher1")
    Cohort.objects.create(name="Oncology nursing", owner=teacher)
    client.force_login(teacher)
    page = client.get(reverse("delete_account")).content.decode()
    assert "You run the cohorts “Nursing 2027” and “Oncology nursing”." in page
    assert "hand them over to another instructor" in page and 'name="password"' not in page
    response = client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 409 and "cannot be deleted yet" in response.content.decode()
    assert User.objects.filter(pk=teacher.pk).exists() and Cohort.objects.filter(owner=teacher).count() == 2
    with pytest.raises(mydata.OwnsCohorts):
        mydata.delete_account(teacher)
    Cohort.objects.filter(name="Oncology nursing").delete()
    assert "You run the cohort “Nursing 2027”. Its learners" in client.get(reverse("delete_account")).content.decode()


def test_wrong_passwords_count_toward_the_login_lockout(client, world, settings):
    learner = world["learner"]
    client.force_login(learner)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("delete_account"), {"password": "guess"}).status_code == 400
    locked = client.post(reverse("delete_account"), {"password": "guess"})
    assert locked.status_code == 429 and "locked for 15 minutes" in locked.content.decode()
    # during the cool-off even the right password deletes nothing, here or at the login form
    assert client.post(reverse("delete_account"), {"password": PASSWORD}).status_code == 429
    assert User.objects.filter(pk=learner.pk).exists()
    assert Client().post(reverse("login"), {"username": "patient1", "password": PASSWORD}).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert client.post(reverse("delete_account"), {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not AccessAttempt.objects.filter(username="patient1").exists()


def test_an_address_that_guessed_too_many_logins_cannot_guess_here_either(client, world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        Client().post(reverse("login"), {"username": f"someone{n}", "password": "guess"})
    client.force_login(world["learner"])
    response = client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 429 and User.objects.filter(pk=world["learner"].pk).exists()


# -- the purge of anonymous attempts ------------------------------------------------------------------------------

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def anonymous_check(question, days_ago: int, user=None) -> Attempt:
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        attempt = Attempt.objects.create(user=user, mode=Attempt.Mode.PATIENT, question_ids=[question.pk], seed=1)
        attempt.record_answer(question, question.correct_answer())
    return attempt


def purge(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_anonymous", *args, stdout=out)
    return out.getvalue()


def test_the_purge_removes_old_anonymous_attempts_and_expired_sessions_only():
    question = QuestionFactory()
    learner = UserFactory()
    old, recent = anonymous_check(question, 31), anonymous_check(question, 10)
    theirs = anonymous_check(question, 400, user=learner)
    with time_machine.travel(NOW - timedelta(days=20), tick=False):
        stale = Client()
        stale.post(reverse("toggle_flag", args=[question.pk]))  # an anonymous session, two weeks long
    live = logged_in(learner)
    item_before = item_statistics([question])[0]["n"]

    out = purge()

    assert "Removed 1 anonymous attempt older than 30 days (1 answer) and 1 expired session." in out
    assert not Attempt.objects.filter(pk=old.pk).exists() and not Response.objects.filter(attempt=old.pk).exists()
    assert Attempt.objects.filter(pk__in=[recent.pk, theirs.pk]).count() == 2
    assert Response.objects.filter(attempt__in=[recent, theirs]).count() == 2
    assert not Session.objects.filter(session_key=stale.session.session_key).exists()
    assert live.get(reverse("profile")).status_code == 200
    assert item_statistics([question])[0]["n"] == item_before == 1  # only the account's answer ever counted


def test_the_purge_keeps_as_many_days_as_asked():
    question = QuestionFactory()
    anonymous_check(question, 10)
    anonymous_check(question, 3)
    assert "Removed 1 anonymous attempt older than 5 days (1 answer)" in purge("--days", "5")
    assert "Removed 0 anonymous attempts older than 30 days (0 answers)" in purge()
    with pytest.raises(CommandError, match="1 or more"):
        purge("--days", "0")
    assert Attempt.objects.count() == 1
    assert ReviewCard.objects.count() == 0  # anonymous checks schedule no reviews


def test_an_account_made_by_an_lms_launch_is_deleted_with_a_confirmation_box(client):
    user = UserFactory(username="lti-0123456789abcdef0123")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = client.get(reverse("delete_account"))
    assert "made when you opened the quiz from your school" in page.content.decode()
    refused = client.post(reverse("delete_account"), {})
    assert refused.status_code == 400 and "Tick the box to confirm. Nothing was deleted." in refused.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    done = client.post(reverse("delete_account"), {"confirm": "on"}, follow=True)
    assert "Your account and your data are deleted." in done.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()

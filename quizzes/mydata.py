"""A learner's own data: everything the app holds about them as one JSON file, and their account deleted with it.

What a patient answers says something about their health, so a learner can take all of it with them
(`export_for`) and remove all of it (`delete_account`). `PERSONAL` names every model that points at the user and
the part of the export that holds its rows; tests/test_my_data.py walks the models, so a new one fails there until
it is exported and deleted too.

What deletion keeps, and why nothing in it refers to the person:

- Item statistics: the account's first answer to each question (the one item statistics count) is added to that
  question's anonymous tally (`ItemTally`: counts and sums, no answer rows, no times, no grouping by person), and
  then every attempt and answer of the account is deleted. A question's number of first answers, facility, mean
  time and option picks read the same afterwards; no answer row is left that someone could reach or link back.
- Reports the learner wrote: they are about a question, so they stay for the instructors, without their writer.

Anonymous (patient) attempts are not an account's: `purge_anonymous` deletes them after 30 days (README).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from lti_tool.models import LtiUser

from quizzes.models import (
    Attempt,
    Cohort,
    Flag,
    ItemTally,
    Membership,
    Profile,
    Question,
    QuestionVersion,
    Report,
    Response,
    ReviewCard,
    option_rows,
)
from quizzes.visibility import Visibility

SCHEMA = "bone-metastasis-quiz/my-data/1"
APP = "Bone metastasis quiz"

# Every model with a foreign key or one-to-one to the user (and the user itself), and the export's part that holds
# its rows. The groups and permissions tables are the user's own (auth.User_groups ...) and read in "account".
PERSONAL = {
    "auth.User": "account",
    "auth.User_groups": "account",
    "auth.User_user_permissions": "account",
    "admin.LogEntry": "admin_actions",
    "quizzes.Profile": "profile",
    "quizzes.Attempt": "attempts",
    "quizzes.Flag": "flags",
    "quizzes.ReviewCard": "review_cards",
    "quizzes.Membership": "memberships",
    "quizzes.Cohort": "cohorts_owned",
    "quizzes.Cohort_teachers": "cohorts_owned",
    "lti_tool.LtiUser": "lms_accounts",
    "quizzes.Report": "reports",
}

HELD_BACK = (
    "Held back while your exam “{title}” is open: an exam's answers and anything that would tell whether they "
    "are right appear once it is over. Download your data again then."
)


class OwnsCohorts(Exception):
    """The account runs cohorts, whose learners and assignments cannot be left without an instructor."""


def why_not_deletable(user: User) -> str:
    """Why the account cannot be deleted now, in words for its owner, or "" when it can."""
    # Only the cohorts they own: a co-teacher of an LMS course can go, and the course keeps its owner.
    names = [f"“{name}”" for name in Cohort.objects.filter(owner=user).order_by("name").values_list("name", flat=True)]
    if not names:
        return ""
    if len(names) == 1:
        cohorts, its, them = f"the cohort {names[0]}", "Its", "it"
    else:
        cohorts, its, them = f"the cohorts {', '.join(names[:-1])} and {names[-1]}", "Their", "them"
    return (
        f"You run {cohorts}. {its} learners and assignments need an instructor, so your account cannot be deleted "
        f"yet. Ask an administrator to hand {them} over to another instructor, or delete {them} under Authoring, "
        "Cohorts; then come back here."
    )


# -- the export ----------------------------------------------------------------------------------------------------


def export_for(user: User, now=None) -> dict:
    """Everything the app holds about `user`, as plain JSON-ready data (datetimes for DjangoJSONEncoder).

    A fixed number of queries, however many attempts and answers. While the learner has an open exam, the
    rules of quizzes/visibility.py hold here too: the exam's saved answers, and any verdict or review schedule
    of its questions from other attempts, wait until it is over (the file says so where it leaves them out).
    """
    now = now or timezone.now()
    Attempt.objects.filter(user=user).close_expired(now)  # an exam past its deadline is over, with its score
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("topic")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.order_by("created", "pk")))
        .order_by("started", "pk")
    )
    visibility = Visibility.of_exams(a for a in attempts if a.is_exam_open(now))
    data = {
        "schema": SCHEMA,
        "app": APP,
        "exported": now,
        "account": _account(user),
        "profile": _profile(user),
        "attempts": _attempts(attempts, visibility),
        "flags": [
            {"question": f.question.key, "stem": f.question.stem, "flagged": f.created}
            for f in Flag.objects.filter(user=user).select_related("question").order_by("created", "pk")
        ],
        "review_cards": _review_cards(user, visibility),
        "memberships": [
            {"cohort": m.cohort.name, "joined": m.joined, "time_allowance": m.get_time_allowance_display()}
            for m in Membership.objects.filter(user=user).select_related("cohort").order_by("joined", "pk")
        ],
        "cohorts_owned": [
            {
                "name": c.name,
                "join_code": c.join_code,
                "created": c.created,
                "learners": c.learners,
                "role": "owner" if c.owner_id == user.pk else "teacher",
            }
            for c in Cohort.objects.taught_by(user).annotate(learners=Count("memberships")).order_by("created")
        ],  # fmt: skip
        "lms_accounts": [
            {
                "lms": u.registration.issuer,
                "user_id_in_lms": u.sub,
                "name": u.name,
                "given_name": u.given_name,
                "family_name": u.family_name,
                "email": u.email,
                "first_launch": u.datetime_created,
            }
            for u in LtiUser.objects.filter(auth_user=user).select_related("registration").order_by("pk")
        ],  # fmt: skip
        "reports": [
            {"question": r.question.key, "comment": r.comment, "written": r.created, "resolved": r.resolved}
            for r in Report.objects.filter(user=user).select_related("question").order_by("created", "pk")
        ],
        "admin_actions": [
            {
                "time": e.action_time,
                "action": e.get_action_flag_display(),
                "what": e.content_type.name if e.content_type_id else "",
                "object_id": e.object_id,
                "change": e.get_change_message(),
            }
            for e in LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time")
        ],
        "logins": [
            {"time": a.attempt_time, "logout": a.logout_time, "address": a.ip_address, "browser": a.user_agent}
            for a in AccessLog.objects.filter(username=user.get_username()).order_by("attempt_time")
        ],
    }
    if visibility.open_exams:
        data["held_back"] = HELD_BACK.format(title=visibility.exam_title())
    return data


def _account(user: User) -> dict:
    # Never the password hash: it is not the learner's to need, and it is what a stolen file would be used for.
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


def _profile(user: User) -> dict | None:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {"account_for": profile.get_role_display(), "time_allowance": profile.get_time_allowance_display()}


def _attempts(attempts: list[Attempt], visibility: Visibility) -> list[dict]:
    responses = [r for a in attempts for r in a.responses.all()]
    questions = Question.objects.prefetch_related(Prefetch("options", queryset=option_rows())).in_bulk(
        {r.question_id for r in responses}
    )
    earlier = QuestionVersion.as_answered(responses, questions)
    rows = []
    for attempt in attempts:
        row = {
            "mode": attempt.get_mode_display(),
            "title": attempt.title,
            "started": attempt.started,
            "deadline": attempt.deadline,
            "finished": attempt.finished,
            "score": attempt.score,
            "questions": attempt.total,
        }
        if attempt.pk in visibility.open_exams:
            # Its saved answers can change until it ends, and nothing a learner reads may follow whether they are
            # right (tests/test_security_walk_every_url.py walks this file too).
            rows.append(row | {"answers": [], "held_back": HELD_BACK.format(title=attempt.title)})
            continue
        if visibility.holds_back_any(attempt):
            row["score"] = None  # the total of a short practice would tell an open exam's key, as on its results
        row["answers"] = []
        for r in attempt.responses.all():
            shown = r.shown_question(questions[r.question_id], earlier)
            row["answers"].append(_answer(r, shown, held_back=visibility.holds_back(attempt, r.question_id)))
        rows.append(row)
    return rows


def _answer(response: Response, shown: Question, held_back: bool) -> dict:
    """One answer with the version of the question it answered, in words as the review shows it."""
    return {
        "question": shown.key,
        "version": response.version,
        "stem": shown.stem,
        "answer": shown.describe_answer(response.answer),
        "answer_data": response.answer,
        "score": None if held_back else response.score,
        "seconds": response.seconds,
        "answered": response.created,
    }


def _review_cards(user: User, visibility: Visibility) -> list[dict]:
    rows = []
    for card in ReviewCard.objects.filter(user=user).select_related("question").order_by("question__key"):
        row = {"question": card.question.key, "state": card.state, "due": card.due, "reviews": card.reviews}
        if card.question_id in visibility.held_back:
            # when a card is due says how its last answer went: a verdict on an open exam's question
            row |= {"state": None, "due": None, "held_back": True}
        rows.append(row)
    return rows


# -- deleting the account --------------------------------------------------------------------------------------------


def delete_account(user: User) -> None:
    """Delete the account and all personal data in one transaction, keeping only anonymous counts (see above).

    Raises OwnsCohorts, before changing anything, for an instructor who runs cohorts (Cohort.owner is PROTECT).
    The caller logs the request out afterwards; every other session of the account is deleted here.
    """
    with transaction.atomic():
        if refusal := why_not_deletable(user):
            raise OwnsCohorts(refusal)
        # Lock the account's attempts: an answer arriving meanwhile waits (PostgreSQL) and then finds no attempt,
        # so no answer is deleted without being counted, or counted and kept.
        list(Attempt.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
        firsts = Response.objects.filter(attempt__user=user).first_answers().select_related("question")
        ItemTally.add(list(firsts))
        _forget_in_admin_log(user)
        delete_sessions(lambda data: data.get(SESSION_KEY) == str(user.pk))
        username = user.get_username()
        for model in (AccessAttempt, AccessLog, AccessFailureLog):  # django-axes keeps logins by username
            model.objects.filter(username=username).delete()
        # The LMS's record of the person (their id in the LMS, name, e-mail) would outlive the account (its link
        # is SET_NULL): it goes too, with its course memberships. A later launch makes a new account.
        LtiUser.objects.filter(auth_user=user).delete()
        # The rest goes with the user row: attempts and their answers, profile, flags, review cards, memberships,
        # groups, permissions and the admin log entries they made (CASCADE); their reports stay, unsigned
        # (Report.user is SET_NULL).
        user.delete()


def _forget_in_admin_log(user: User) -> None:
    """Delete the admin log entries about the account, its profile and its memberships, whoever made them: their
    object_repr names the learner ("learner5 in Nursing 2027")."""
    about = {
        User: [user.pk],
        Profile: Profile.objects.filter(user=user).values_list("pk", flat=True),
        Membership: Membership.objects.filter(user=user).values_list("pk", flat=True),
    }
    types = ContentType.objects.get_for_models(*about)
    entries = Q()
    for model, pks in about.items():
        entries |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    LogEntry.objects.filter(entries).delete()


def delete_sessions(test: Callable[[dict], bool]) -> int:
    """Delete the live sessions whose data passes `test`; returns how many.

    Sessions are kept in the database (SESSION_ENGINE's default), encoded, with no index on what is inside: each
    live one is decoded. Expired ones are `clearsessions`' to delete.
    """
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if test(s.get_decoded())
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


# -- what visitors without an account leave ---------------------------------------------------------------------------


def purge_anonymous(days: int = 30, now=None) -> tuple[int, int]:
    """Delete the attempts made without an account that started more than `days` days ago, with their answers;
    returns (attempts, answers). Item statistics never counted them, so nothing else changes.

    Their browser sessions expire on their own (SESSION_COOKIE_AGE, two weeks after their last change) and
    `clearsessions` removes them; a session still in use keeps working and no longer finds the old checks. Ids are
    never given out again (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so such a stale id names nothing.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    _, deleted = Attempt.objects.filter(user__isnull=True, started__lt=cutoff).delete()
    return deleted.get(Attempt._meta.label, 0), deleted.get(Response._meta.label, 0)

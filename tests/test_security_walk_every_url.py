"""Every URL of the site, walked by a learner with an open exam and an unfinished practice.

No response may carry the key of a question the learner has not answered in an unfinished attempt, nor anything
of an open exam's questions outside that exam: no rationale, explanation, verdict or score. And nothing a learner
can read may depend on whether their saved exam answers are right: the walk is made twice, once with the exam's
saved answer right and once wrong, and every page must read the same.

A new URL pattern fails `test_every_url_pattern_is_walked` until it is added to ROUTES below, so no later page
can skip the rule.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizsite import urls as site_urls
from quizzes.models import Assignment, Attempt, Cohort, Flag, Membership, Report
from tests.factories import QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}


def secret_question(topic, n: int, **kw):
    """A question whose every key-bearing text is a token that must never be shown where it is held back."""
    question = QuestionFactory(
        topic=topic,
        explanation=f"SECRET-EXPLANATION-{n}",
        plain_explanation=f"SECRET-PLAIN-{n}",
        **kw,
    )
    for option in question.options.all():
        option.rationale = f"SECRET-RATIONALE-{n}-{option.position}"
        option.save()
    return question


@pytest.fixture
def world(client, learner):
    """The learner's state: an earlier finished practice, an open exam, an unfinished practice, a class."""
    topic = TopicFactory(name="Bone basics", slug="bone-basics")
    q = {n: secret_question(topic, n) for n in range(1, 7)}
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        earlier = Attempt.objects.create(user=learner, question_ids=[q[1].pk], seed=2, label="Earlier practice")
        wrong = q[1].options.filter(is_correct=False).first()
        client.post(reverse("answer", args=[earlier.pk, 1]), answer_form(earlier, 1, {"option": wrong.pk}))
    with time_machine.travel(NOW - timedelta(minutes=10), tick=False):
        exam = Attempt.objects.create(
            user=learner,
            mode=Attempt.Mode.EXAM,
            question_ids=[q[1].pk, q[2].pk],
            seed=3,
            deadline=NOW + timedelta(minutes=50),
            label="Open exam",
        )
        practice = Attempt.objects.create(
            user=learner, question_ids=[q[3].pk, q[4].pk, q[5].pk], seed=4, label="Unfinished practice"
        )
        right = q[3].options.get(is_correct=True)
        client.post(reverse("answer", args=[practice.pk, 1]), answer_form(practice, 1, {"option": right.pk}))
    Flag.objects.create(user=learner, question=q[2])
    instructor = UserFactory()
    cohort = Cohort.objects.create(name="Class", owner=instructor)
    Membership.objects.create(cohort=cohort, user=learner)
    assignment = Assignment.objects.create(
        cohort=cohort, title="Week 1", topic=topic, count=3, opens=NOW - timedelta(days=1), due=NOW + timedelta(days=7)
    )
    assignment.questions.set([q[6]])
    Report.objects.create(question=q[6], user=learner, comment="A typo")
    passage = q[1].citations.first().passage
    return {
        "q": q,
        "exam": exam,
        "practice": practice,
        "earlier": earlier,
        "cohort": cohort,
        "assignment": assignment,
        "learner": learner,
        "passage": passage,
        # held back or unanswered in an unfinished attempt: nothing of their key may show anywhere
        "secret": [q[1], q[2], q[4], q[5]],
    }


def get(url: str, **extra) -> tuple:
    return ("get", url, None, extra)


def post(url: str, data: dict | None = None, **extra) -> tuple:
    return ("post", url, data or {}, extra)


def routes(w: dict) -> dict[str, list[tuple]]:
    """Every named URL pattern, with the requests a learner would make to it."""
    exam, practice, earlier, q = w["exam"], w["practice"], w["earlier"], w["q"]
    cohort, learner, passage = w["cohort"], w["learner"], w["passage"]
    attempts = (exam, practice, earlier)
    question_pages = [(a.pk, n) for a in attempts for n in range(1, a.total + 1)]  # every question of every attempt
    return {
        "healthz": [get(reverse("healthz"))],
        "login": [get(reverse("login"))],
        "logout": [],  # ends the session; it shows nothing of a question
        "password_change": [get(reverse("password_change"))],
        "password_change_done": [get(reverse("password_change_done"))],
        "home": [get(reverse("home"))],
        "start": [get(reverse("start", args=["bone-basics"]))],  # POST is walked in the starts test
        "question": [get(reverse("question", args=p)) for p in question_pages]
        + [get(reverse("question", args=p), **HTMX) for p in question_pages],
        "answer": [
            post(reverse("answer", args=[practice.pk, 2])),  # nothing chosen: refused
            post(reverse("answer", args=[practice.pk, 2]), **HTMX),
            post(reverse("answer", args=[earlier.pk, 1]), answer_form(earlier, 1, {"option": q[1].options.first().pk})),
            post(reverse("answer", args=[practice.pk, 2]), {"option": "k0000000000000000"}),
        ],
        "results": [get(reverse("results", args=[a.pk])) for a in attempts],
        "review": [get(reverse("review", args=[a.pk])) for a in attempts],
        "submit_exam": [get(reverse("submit_exam", args=[exam.pk]))],  # POST ends the exam: the key may show then
        "build": [
            get(reverse("build")),
            get(reverse("build") + "?audience=any&pool=flagged&count=10&mode=tutor&minutes=20&allowance=1"),
        ],
        "case_list": [get(reverse("case_list"))],
        "start_case": [get(reverse("start_case", args=["no-such-case"]))],  # POST is walked in test_case_studies
        "roster_sync": [get(reverse("roster_sync", args=[cohort.pk])), post(reverse("roster_sync", args=[cohort.pk]))],
        "lti_jwks": [get(reverse("lti_jwks"))],
        "lti_login": [
            get(reverse("lti_login")),
            get(reverse("lti_login", args=["6f1f4b9e-1c1a-4c1e-9a4e-2c8e0a6f0b11"])),
        ],
        "lti_launch": [get(reverse("lti_launch")), post(reverse("lti_launch"), {"id_token": "x", "state": "y"})],
        "lti_pick": [get(reverse("lti_pick")), post(reverse("lti_pick"), {"kind": "bank"})],
        "practise_mistakes": [get(reverse("practise_mistakes"))],
        "review_due": [get(reverse("review_due"))],
        "toggle_flag": [get(reverse("toggle_flag", args=[q[1].pk]))],
        "check": [get(reverse("check"))],
        "start_check": [get(reverse("start_check", args=["bone-basics"]))],
        "profile": [get(reverse("profile"))],
        "my_data": [get(reverse("my_data"))],  # the JSON file of everything the app holds about the learner
        "delete_account": [get(reverse("delete_account"))],  # POST deletes the account: tests/test_my_data.py
        "join_with_code": [get(reverse("join_with_code"))],
        "join": [get(reverse("join", args=[cohort.join_code]))],
        "start_assignment": [get(reverse("start_assignment", args=[w["assignment"].pk]))],
        "report_question": [get(reverse("report_question", args=[q[1].pk]))],
        "teach": [get(reverse("teach"))],
        "cohort_new": [get(reverse("cohort_new"))],
        "cohort_edit": [get(reverse("cohort_edit", args=[cohort.pk]))],
        "assignment_new": [get(reverse("assignment_new"))],
        "assignment_edit": [get(reverse("assignment_edit", args=[w["assignment"].pk]))],
        "gradebook": [get(reverse("gradebook", args=[cohort.pk]))],
        "gradebook_csv": [get(reverse("gradebook_csv", args=[cohort.pk]))],
        "learner_detail": [get(reverse("learner_detail", args=[cohort.pk, learner.pk]))],
        "item_analysis": [get(reverse("item_analysis"))],
        "teach_reports": [get(reverse("teach_reports"))],
        "preview": [get(reverse("preview", args=[q[1].pk]))],
        "passage_json": [get(reverse("passage_json", args=[passage.pk]))],
        "sources": [get(reverse("sources"))],
        "source": [
            get(reverse("source", args=[passage.source.slug])),
            get(reverse("source", args=[passage.source.slug]) + f"?cite={q[1].citations.first().pk}"),
        ],
        "practise_passage": [get(reverse("practise_passage", args=[passage.source.slug, passage.key]))],
        "signup": [get(reverse("signup"))],
        "progress": [get(reverse("progress"))],
        "after_login": [get(reverse("after_login"))],
    }


def named_patterns(patterns, names=None) -> set[str]:
    names = set() if names is None else names
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name != "admin":  # the admin has its own scoping tests (test_security_admin_scope.py)
                named_patterns(p.url_patterns, names)
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names


def request(client, method: str, url: str, data, extra: dict):
    if method == "get":
        return client.get(url, data or {}, **extra)
    return client.post(url, data, **extra)


def walk(client, w: dict) -> dict[str, str]:
    """Every page of every route, as the learner reads it (CSRF tokens and CSP nonces aside)."""
    seen = {}
    for name, calls in routes(w).items():
        for method, url, data, extra in calls:
            response = request(client, method, url, data, extra)
            assert response.status_code < 500, (name, url, response.status_code)
            body = response.content.decode(errors="replace")
            if response.status_code in (301, 302):
                body = f"redirect to {response['Location']}"
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
            body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
            body = re.sub(r' nonce="[^"]*"', "", body)
            seen[f"{name} {method} {url} {data} {bool(extra)}"] = body
    return seen


def leaks(page: str, w: dict) -> list[str]:
    found = []
    for question in w["secret"]:
        n = question.explanation.rsplit("-", 1)[1]
        for token in (f"SECRET-EXPLANATION-{n}", f"SECRET-PLAIN-{n}", f"SECRET-RATIONALE-{n}-"):
            if token in page:
                found.append(token)
    return found


def test_every_url_pattern_is_walked(world):
    assert named_patterns(get_resolver(site_urls).url_patterns) == set(routes(world))


def test_no_page_shows_a_held_back_key(client, world):
    with time_machine.travel(NOW, tick=False):
        pages = walk(client, world)
    for where, page in pages.items():
        assert leaks(page, world) == [], where
    # the walk is not blind: the answered question of the unfinished practice does show its feedback
    practice_review = next(p for k, p in pages.items() if k.startswith(f"review get /attempts/{world['practice'].pk}/"))
    assert "SECRET-EXPLANATION-3" in practice_review


def test_no_page_depends_on_whether_a_saved_exam_answer_is_right(client, world):
    exam, first = world["exam"], world["q"][1]

    def save(right: bool) -> None:
        option = first.options.filter(is_correct=right).first()
        client.post(reverse("answer", args=[exam.pk, 1]), answer_form(exam, 1, {"option": option.pk}))

    def pages_after(right: bool) -> dict[str, str]:
        with time_machine.travel(NOW, tick=False):
            save(right)
            # the learner's own choice is checked on the exam's page either way: that is not a leak
            return {
                k: " ".join(re.sub(r"\b(checked|selected)\b", "", v).split()) for k, v in walk(client, world).items()
            }

    wrong, right = pages_after(False), pages_after(True)
    differ = [k for k in wrong if wrong[k] != right[k]]
    assert differ == []

    with time_machine.travel(NOW, tick=False):
        client.post(reverse("submit_exam", args=[exam.pk]), {"confirm": "yes"})
        finished = walk(client, world)
    # once the exam is over its score shows: the comparison above could have seen a difference
    assert any(finished[k] != right[k] for k in right)


STARTS = [
    ("start", lambda w: (reverse("start", args=["bone-basics"]), {"count": 20})),
    ("start_check", lambda w: (reverse("start_check", args=["bone-basics"]), {})),
    ("practise_mistakes", lambda w: (reverse("practise_mistakes"), {})),
    ("review_due", lambda w: (reverse("review_due"), {})),
    (
        "practise_passage",
        lambda w: (reverse("practise_passage", args=[w["passage"].source.slug, w["passage"].key]), {}),
    ),
    (
        "build",
        lambda w: (
            reverse("build"),
            {"audience": "any", "pool": "all", "count": 20, "mode": "tutor", "minutes": 20, "allowance": "1"},
        ),
    ),
    (
        "build",
        lambda w: (
            reverse("build"),
            {"audience": "any", "pool": "all", "count": 20, "mode": "exam", "minutes": 20, "allowance": "1"},
        ),
    ),
    ("start_assignment", lambda w: (reverse("start_assignment", args=[w["assignment"].pk]), {})),
]


@pytest.mark.parametrize("name,make", STARTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(STARTS)])
def test_no_way_of_starting_draws_an_open_exams_questions(client, world, name, make):
    held = set(world["exam"].question_ids)
    before = set(Attempt.objects.values_list("pk", flat=True))
    url, data = make(world)
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, data, follow=True)
    assert response.status_code < 500
    for attempt in Attempt.objects.exclude(pk__in=before):
        assert held.isdisjoint(attempt.question_ids), name
        for n in range(1, attempt.total + 1):
            page = client.get(reverse("question", args=[attempt.pk, n])).content.decode()
            assert leaks(page, world) == [], (name, n)

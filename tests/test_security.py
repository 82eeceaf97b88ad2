"""Security: headers, login throttling, other learners' data, CSRF, and escaping of authored text."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Flag, Option, Response, Topic
from tests.factories import AttemptFactory, PassageFactory, QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db


def test_every_page_sends_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'nonce-" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_nonce_changes_with_every_response_and_marks_our_scripts(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    nonce = first["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert nonce != second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = first.content.decode()
    assert html.count(f'nonce="{nonce}"') >= 2 and "<script>" not in html


def test_five_failed_logins_lock_the_account_with_a_message(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "wrong password"})
    locked = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "locked for 15 minutes after 5 failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        other = Client()
        ok = other.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
        assert ok.status_code == 302


def test_four_failures_then_success_does_not_lock(client):
    user = UserFactory()
    for _ in range(4):
        client.post(reverse("login"), {"username": user.username, "password": "wrong password"})
    assert (
        client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"}).status_code
        == 302
    )


def test_another_learners_work_is_404_everywhere(client):
    client.force_login(UserFactory())
    other = AttemptFactory(mode="exam", deadline=timezone.now() + timedelta(minutes=10))
    option = other.question_at(1).options.first()
    for method, name, args, data in [
        ("get", "question", [other.pk, 1], {}),
        ("post", "answer", [other.pk, 1], answer_form(other, 1, {"option": option.pk})),
        ("get", "results", [other.pk], {}),
        ("get", "review", [other.pk], {}),
        ("post", "submit_exam", [other.pk], {}),
    ]:
        assert getattr(client, method)(reverse(name, args=args), data).status_code == 404, name
    other.refresh_from_db()
    assert other.finished is None and not Response.objects.exists()


def test_flags_and_progress_are_each_learners_own(client):
    me, them = UserFactory(), UserFactory()
    question = QuestionFactory()
    Flag.objects.create(user=them, question=question)
    client.force_login(me)
    client.post(reverse("toggle_flag", args=[question.pk]))
    assert Flag.objects.filter(user=them).count() == 1 and Flag.objects.filter(user=me).count() == 1
    attempt = AttemptFactory(user=them)
    Response.objects.create(attempt=attempt, question=attempt.question_at(1), answer={}, score=1.0)
    assert "You have not answered any questions yet." in client.get(reverse("progress")).content.decode()


@pytest.fixture
def csrf_client():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, user


def test_every_post_needs_a_csrf_token(csrf_client):
    client, user = csrf_client
    topic = TopicFactory()
    question = QuestionFactory(topic=topic, audience="patient")
    QuestionFactory.create_batch(3, topic=topic, audience="patient")
    attempt = AttemptFactory(user=user, question_ids=[question.pk])
    passage = question.citations.first().passage
    posts = [
        reverse("start", args=[topic.slug]),
        reverse("answer", args=[attempt.pk, 1]),
        reverse("submit_exam", args=[attempt.pk]),
        reverse("build"),
        reverse("practise_mistakes"),
        reverse("review_due"),
        reverse("toggle_flag", args=[question.pk]),
        reverse("start_check", args=[topic.slug]),
        reverse("practise_passage", args=[passage.source.slug, passage.key]),
        reverse("profile"),
        reverse("logout"),
        reverse("signup"),
        reverse("login"),
    ]
    for url in posts:
        assert client.post(url, {"option": question.options.first().pk, "count": 5}).status_code == 403, url
    assert Attempt.objects.count() == 1 and not Response.objects.exists() and not Flag.objects.exists()


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_authored_text_is_escaped_on_every_page(client):
    user = UserFactory()
    client.force_login(user)
    topic = TopicFactory(name=f"Bank {PAYLOAD}", description=f"About {PAYLOAD}")
    passage = PassageFactory(text=f"Osteoblasts are cells that build new bone. {PAYLOAD}", heading=f"H {PAYLOAD}")
    passage.source.title = f"Source {PAYLOAD}"
    passage.source.save()
    kinds = ["single", "matrix", "cloze", "highlight"]
    questions = [
        QuestionFactory(
            topic=topic,
            kind=kind,
            audience="both",
            cite=passage,
            stem=f"Stem {kind} {PAYLOAD}",
            explanation=f"Explanation {PAYLOAD}",
            plain_explanation=f"Plain {PAYLOAD}",
        )
        for kind in kinds
    ]
    for q in questions:
        Option.objects.filter(question=q).update(rationale=f"Because {PAYLOAD}")
        if q.kind == "single":
            Option.objects.filter(question=q, is_correct=False).update(text=f"Wrong {PAYLOAD}")
        if q.kind == "matrix":
            q.columns = ["Build", "Break down", f"Col {PAYLOAD}"]
            q.save()
        if q.kind == "cloze":
            q.template = f"Osteoblasts {{1}} bone {PAYLOAD} and osteoclasts {{2}} it."
            q.save()
        q.citations.update(quote=PAYLOAD)
    attempt = Attempt.objects.create(user=user, topic=topic, question_ids=[q.pk for q in questions], seed=2)
    pages = [reverse("home"), reverse("build"), reverse("check"), reverse("question", args=[attempt.pk, 1])]
    right = questions[0].options.get(is_correct=True)
    client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": right.pk}))
    pages += [reverse("question", args=[attempt.pk, n]) for n in range(1, 5)] + [
        reverse("results", args=[attempt.pk]),
        reverse("review", args=[attempt.pk]),
        reverse("progress"),
        passage.source.get_absolute_url() + f"?cite={questions[0].citations.first().pk}",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert PAYLOAD not in html, url
        assert "onerror=alert(1)>" not in html, url
    review = client.get(reverse("review", args=[attempt.pk])).content.decode()
    assert f"Because {ESCAPED}" in review and f"Stem single {ESCAPED}" in review
    assert Topic.objects.filter(name__contains="<script>").exists()  # stored as written, escaped when shown

"""Sign up, log in, log out, and the progress page."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from quizzes.models import Attempt, Response
from tests.factories import AttemptFactory, QuestionFactory, TopicFactory, UserFactory, answer_form

pytestmark = pytest.mark.django_db


def test_signup_creates_an_account_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "nurse1", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
    )
    assert response.status_code == 302 and client.get(response["Location"])["Location"] == reverse("progress")
    assert User.objects.filter(username="nurse1").exists()
    assert client.get(reverse("progress")).status_code == 200


def test_signup_refuses_a_short_password_with_a_message(client):
    response = client.post(reverse("signup"), {"username": "nurse1", "password1": "short1", "password2": "short1"})
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.exists()


def test_answers_given_before_signing_up_are_kept(client):
    topic = TopicFactory()
    QuestionFactory(topic=topic)
    client.post(reverse("start", args=[topic.slug]), {"count": 5})
    attempt = Attempt.objects.get()
    option = attempt.question_at(1).options.get(is_correct=True)
    client.post(reverse("answer", args=[attempt.pk, 1]), answer_form(attempt, 1, {"option": option.pk}))
    client.post(
        reverse("signup"),
        {"username": "nurse1", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
    )
    attempt.refresh_from_db()
    assert attempt.user.username == "nurse1"
    page = client.get(reverse("progress")).content.decode()
    assert "You have answered 1 question and got 1 fully right." in page


# Logging in claims the visitor's attempts and flags: tests/test_security_claim.py.


def test_login_with_a_wrong_password_says_so(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("progress")).status_code == 302


def test_progress_needs_an_account(client):
    response = client.get(reverse("progress"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_progress_shows_accuracy_per_bank(client):
    user = UserFactory()
    client.force_login(user)
    attempt = AttemptFactory(user=user)
    for n, score in ((1, 1.0), (2, 0.5)):
        Response.objects.create(attempt=attempt, question=attempt.question_at(n), answer={}, score=score)
    AttemptFactory()  # someone else's work is not counted
    page = client.get(reverse("progress")).content.decode()
    assert "You have answered 2 questions and got 1 fully right." in page
    topic = attempt.question_at(1).topic
    row = page.split(f'<th scope="row">{topic.name}</th>')[1].split("</tr>")[0]
    assert "Attempted" in row and "<td>1</td>" in row and "100%" in row
    assert "2 of 3" in page


def test_progress_queries_do_not_grow_with_history(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        attempt = AttemptFactory(user=user)
        for n in (1, 2, 3):
            Response.objects.create(attempt=attempt, question=attempt.question_at(n), answer={}, score=1.0)
    # session, user, close expired exams, open exams, banks, accuracy by bank,
    # recent answers per bank, due reviews per bank, accuracy per day, attempts, case answers by step
    with django_assert_num_queries(11):
        client.get(reverse("progress"))
    AttemptFactory.create_batch(5, user=user)
    with django_assert_num_queries(11):
        client.get(reverse("progress"))

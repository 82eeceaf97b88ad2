"""Finding 8: what a visitor did before logging in becomes theirs when they log in.

Everything goes through the client as a visitor would: start a practice,
answer, flag, then log in on the real login page. If the receiver that claims
the session's work is not connected, the attempt and the flag stay
anonymous and these tests fail.
"""

import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Flag, Response
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def practise_and_flag_as_a_visitor(client) -> tuple[Attempt, int]:
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic)
    started = client.post(reverse("start", args=[topic.slug]), {"count": 5})
    pk, number = map(int, re.fullmatch(r"/attempts/(\d+)/questions/(\d+)/", started["Location"]).groups())
    page = client.get(started["Location"]).content.decode()
    option = re.search(r'name="option" value="(k[0-9a-f]+)"', page).group(1)
    assert client.post(reverse("answer", args=[pk, number]), {"option": option}).status_code == 302
    flagged = int(re.search(r'action="/questions/(\d+)/flag/"', page).group(1))
    assert client.post(reverse("toggle_flag", args=[flagged]), {"next": started["Location"]}).status_code == 302
    attempt = Attempt.objects.get(pk=pk)
    assert attempt.user is None and not Flag.objects.exists()  # nothing is anyone's yet
    return attempt, flagged


def test_logging_in_claims_the_visitors_practice_answer_and_flag(client):
    attempt, flagged = practise_and_flag_as_a_visitor(client)
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.user == user
    assert Response.objects.filter(attempt__user=user).count() == 1
    assert list(Flag.objects.filter(user=user).values_list("question_id", flat=True)) == [flagged]
    # and the learner sees it as theirs
    page = client.get(reverse("progress")).content.decode()
    assert "You have answered 1 question" in page


def test_signing_up_claims_them_too(client):
    attempt, flagged = practise_and_flag_as_a_visitor(client)
    password = "a-long-passphrase-42"
    client.post(reverse("signup"), {"username": "nurse1", "password1": password, "password2": password})
    attempt.refresh_from_db()
    assert attempt.user.username == "nurse1"
    assert Flag.objects.filter(user__username="nurse1", question_id=flagged).exists()


def test_the_receiver_survives_garbage_collection():
    # A receiver defined inside ready() was held only by the signal's weak reference (and, by accident, by
    # an lru_cache in django.utils.inspect), so it could vanish at any collection.
    import gc

    from django.contrib.auth.signals import user_logged_in

    from quizzes.signals import claim_session_attempts

    gc.collect()
    live = [ref() for _, ref, *_ in user_logged_in.receivers]
    assert claim_session_attempts in live

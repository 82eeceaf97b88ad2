"""Finding 10: forms anyone can post are limited per address and per browser session.

A throttled request gets a 429 in the site's layout saying when to try again,
and changes nothing.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Cohort, Membership, Report
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"
BUILD = {"audience": "any", "pool": "all", "count": 5, "mode": "tutor", "minutes": 20, "allowance": "1"}


@pytest.fixture
def tight(settings):
    """Small limits, so a test reaches them in a few requests."""
    settings.THROTTLE_RATES = {
        scope: {"address": "4/h", "session": "2/h"} for scope in ["signup", "join", "start", "report"]
    }


@pytest.fixture
def topic(db):
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic, audience="both")
    return topic


def assert_throttled(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Skip to main content" in html and "<h1>Too many requests</h1>" in html  # the site's own layout
    assert "Nothing was changed. Please try again in " in html
    assert 0 < int(response["Retry-After"]) <= 3600


def with_session(client: Client) -> Client:
    session = client.session
    session["seen"] = True
    session.save()
    return client


START_URLS = {
    "bank": lambda topic: (reverse("start", args=[topic.slug]), {"count": 5}),
    "check": lambda topic: (reverse("start_check", args=[topic.slug]), {}),
    "builder": lambda topic: (reverse("build"), BUILD | {"topics": [topic.pk]}),
}


@pytest.mark.parametrize("where", START_URLS)
def test_a_visitor_starting_practice_after_practice_is_throttled_per_session(client, tight, topic, where):
    url, data = START_URLS[where](topic)
    with_session(client)  # a first request without a session is counted by its address alone
    for _ in range(2):
        assert client.post(url, data).status_code == 302
    assert_throttled(client.post(url, data))
    assert Attempt.objects.count() == 2 and len(client.session["attempt_ids"]) == 2
    # another browser at the same address is not held back by this one
    assert Client().post(url, data).status_code == 302


@pytest.mark.parametrize("where", START_URLS)
def test_browsers_without_cookies_at_one_address_are_throttled_together(tight, topic, where):
    url, data = START_URLS[where](topic)
    for _ in range(4):
        assert Client().post(url, data).status_code == 302  # a fresh session each time
    assert_throttled(Client().post(url, data))
    assert Attempt.objects.count() == 4
    assert Client(REMOTE_ADDR="198.51.100.7").post(url, data).status_code == 302


def test_learners_with_an_account_are_not_counted_for_starting_practice(client, tight, topic, learner):
    for _ in range(5):
        assert client.post(reverse("start", args=[topic.slug]), {"count": 5}).status_code == 302
    assert Attempt.objects.filter(user=learner).count() == 5


def test_signing_up_again_and_again_is_throttled(tight):
    for n in range(4):
        assert (
            Client().post(reverse("signup"), {"username": f"u{n}", "password1": "x", "password2": "y"}).status_code
            == 400
        )
    throttled = Client().post(reverse("signup"), {"username": "nurse1", "password1": PASSWORD, "password2": PASSWORD})
    assert_throttled(throttled)
    assert not User.objects.exists()
    assert Client().get(reverse("signup")).status_code == 200  # reading the form is not counted


def test_sign_up_is_throttled_per_session_too(tight):
    client = with_session(Client())
    for n in range(2):
        assert (
            client.post(reverse("signup"), {"username": f"u{n}", "password1": "x", "password2": "y"}).status_code == 400
        )
    assert_throttled(
        client.post(reverse("signup"), {"username": "nurse1", "password1": PASSWORD, "password2": PASSWORD})
    )
    assert not User.objects.exists()


def test_guessing_join_codes_is_throttled(client, tight, learner):
    owner = UserFactory()
    cohort = Cohort.objects.create(name="Nursing 2027", owner=owner)
    assert client.post(reverse("join_with_code"), {"code": "WRONG1"}).status_code == 302
    assert client.get(reverse("join", args=["WRONG2"])).status_code == 404
    assert_throttled(client.post(reverse("join", args=[cohort.join_code])))
    assert_throttled(client.post(reverse("join_with_code"), {"code": cohort.join_code}))
    assert not Membership.objects.exists()


def test_anonymous_reports_are_throttled(client, tight, topic):
    question = topic.questions.first()
    with_session(client)
    for _ in range(2):
        client.post(reverse("report_question", args=[question.pk]), {"comment": "Looks wrong"})
    assert_throttled(client.post(reverse("report_question", args=[question.pk]), {"comment": "Looks wrong"}))
    assert Report.objects.count() == 2


def test_behind_a_proxy_each_client_address_is_counted_on_its_own(settings, tight, topic):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("start", args=[topic.slug])

    def via_proxy(address: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)

    for _ in range(4):
        assert via_proxy("203.0.113.9").post(url, {"count": 5}).status_code == 302
    assert_throttled(via_proxy("203.0.113.9").post(url, {"count": 5}))
    # a spoofed first entry does not give the same client a new address
    assert_throttled(via_proxy("1.2.3.4, 203.0.113.9").post(url, {"count": 5}))
    assert via_proxy("198.51.100.7").post(url, {"count": 5}).status_code == 302


def test_the_default_limits_let_a_class_behind_one_address_start_together(topic):
    # 40 learners without accounts, one school address, each starting three practices
    for _ in range(40):
        learner = Client(REMOTE_ADDR="192.0.2.50")
        for _ in range(3):
            assert learner.post(reverse("start", args=[topic.slug]), {"count": 5}).status_code == 302

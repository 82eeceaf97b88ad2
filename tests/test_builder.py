"""The quiz builder: choices, the live match count, pools, and starting."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Flag, Profile, Response
from tests.factories import AttemptFactory, QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
BASE = {"audience": "any", "pool": "all", "count": 5, "mode": "tutor", "minutes": 20, "allowance": "1"}


@pytest.fixture
def banks():
    a, b = TopicFactory(name="Bank A"), TopicFactory(name="Bank B")
    QuestionFactory.create_batch(3, topic=a, kind="single", difficulty=1, audience="both")
    QuestionFactory.create_batch(2, topic=a, kind="multiple", difficulty=3, audience="student")
    QuestionFactory.create_batch(4, topic=b, kind="matrix", difficulty=2, audience="patient")
    QuestionFactory(topic=b, status="draft")
    return a, b


def count(client, **choices):
    response = client.get(reverse("build"), BASE | choices, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    return response.content.decode()


def test_builder_page_offers_every_choice(client, banks):
    page = client.get(reverse("build")).content.decode()
    for text in (
        "Bank A",
        "Select all that apply",
        "Drop-down cloze",
        "Application",
        "Plain language",
        "Questions I last answered wrong",
        "Questions I flagged",
        "Timed exam",
        "No time limit",
    ):
        assert text in page
    assert 'hx-get="/practice/"' in page and "Count matching questions" in page


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ({}, "9 questions match."),
        ({"kinds": ["multiple"]}, "2 questions match."),
        ({"difficulties": [2, 3]}, "6 questions match."),
        ({"audience": "patient"}, "7 questions match."),
        ({"audience": "student"}, "5 questions match."),
        ({"kinds": ["cloze"]}, "No questions match these choices yet."),
    ],
)
def test_the_count_follows_the_choices(client, banks, choices, expected):
    assert expected in count(client, **choices)


def test_banks_narrow_the_count(client, banks):
    a, _ = banks
    assert "5 questions match." in count(client, topics=[a.pk])


def test_without_javascript_the_count_button_counts_and_starts_nothing(client, banks):
    """ "Count matching questions" posts the form like Start, so the CSRF token never lands in the address bar;
    it shows the count on the whole page, the choices kept, and starts nothing."""
    page = client.get(reverse("build")).content.decode()
    button = re.search(r"<button[^>]*>Count matching questions</button>", page).group(0)
    assert 'name="action" value="count"' in button and "formmethod" not in button
    response = client.post(reverse("build"), BASE | {"kinds": ["matrix"], "action": "count"})
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page and "4 questions match." in page
    assert re.search(r'value="matrix"[^>]*checked', page)
    assert not Attempt.objects.exists()


def test_the_count_with_javascript_sends_no_csrf_token_in_the_url(client, banks):
    page = client.get(reverse("build")).content.decode()
    assert 'hx-params="not csrfmiddlewaretoken"' in page
    assert "The number of matching questions updates as you choose." in re.search(
        r"<span data-needs-js hidden>[^<]*</span>", page
    ).group(0)


def test_pools_follow_the_learners_own_answers(client, banks):
    user = UserFactory()
    client.force_login(user)
    a, _ = banks
    singles = list(a.questions.filter(kind="single"))
    attempt = AttemptFactory(user=user, question_ids=[q.pk for q in singles])
    Response.objects.create(attempt=attempt, question=singles[0], answer={}, score=0.0)
    Response.objects.create(attempt=attempt, question=singles[1], answer={}, score=1.0)
    later = AttemptFactory(user=user, question_ids=[singles[1].pk])
    Response.objects.create(attempt=later, question=singles[1], answer={}, score=0.5)  # latest answer wrong
    other = AttemptFactory(question_ids=[singles[2].pk])  # someone else's history does not count
    Response.objects.create(attempt=other, question=singles[2], answer={}, score=0.0)
    assert "7 questions match." in count(client, pool="unseen")
    assert "2 questions match." in count(client, pool="wrong")
    Flag.objects.create(user=user, question=singles[2])
    assert "1 question match." in count(client, pool="flagged")


def test_starting_a_tutor_quiz(client, banks):
    a, _ = banks
    response = client.post(reverse("build"), BASE | {"topics": [a.pk], "count": 5})
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("question", args=[attempt.pk, 1])
    assert attempt.mode == "tutor" and attempt.deadline is None and attempt.total == 5
    assert set(attempt.question_ids) == set(a.questions.published().values_list("pk", flat=True))
    assert attempt.title == "Bank A"


@pytest.mark.parametrize(("allowance", "minutes"), [("1", 20), ("1.5", 30), ("2", 40)])
def test_an_exam_deadline_is_set_on_the_server_with_the_allowance(client, banks, allowance, minutes):
    client.post(reverse("build"), BASE | {"mode": "exam", "minutes": 20, "allowance": allowance})
    attempt = Attempt.objects.get()
    assert attempt.mode == "exam"
    assert round((attempt.deadline - attempt.started).total_seconds()) == minutes * 60


def test_no_time_limit_means_no_deadline(client, banks):
    client.post(reverse("build"), BASE | {"mode": "exam", "allowance": "none"})
    assert Attempt.objects.get().deadline is None


def test_the_profile_allowance_is_the_builders_default(client, banks):
    user = UserFactory()
    Profile.objects.create(user=user, time_allowance="2")
    client.force_login(user)
    page = client.get(reverse("build")).content.decode()
    assert '<option value="2" selected>Double time</option>' in page


def test_no_match_is_refused_and_starts_nothing(client, banks):
    response = client.post(reverse("build"), BASE | {"kinds": ["cloze"]})
    assert response.status_code == 400
    assert "No questions match these choices" in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    "bad", [{"count": "7"}, {"mode": "sprint"}, {"pool": "everything"}, {"kinds": ["essay"]}, {"topics": ["999999"]}]
)
def test_bad_choices_get_a_message(client, banks, bad):
    response = client.post(reverse("build"), BASE | bad)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_mix_of_kinds_draws_each_kind_evenly(client, banks):
    """9 questions: 3 single, 2 select-all, 4 matrix. Five drawn with the mix: every kind once or twice, every
    time (a plain draw would give four or five matrix questions about one time in eight)."""
    from collections import Counter

    for _ in range(8):
        response = client.post(reverse("build"), BASE | {"count": 5, "mix": "on"})
        assert response.status_code == 302
        attempt = Attempt.objects.latest("pk")
        kinds = Counter(attempt.question_at(n).kind for n in range(1, attempt.total + 1))
        assert (
            attempt.total == 5
            and sorted(kinds.values()) == [1, 2, 2]
            and set(kinds) == {"matrix", "multiple", "single"}
        )


def test_a_mix_gives_a_short_kind_all_it_has_and_fills_with_the_rest(client, banks):
    response = client.post(reverse("build"), BASE | {"count": 10, "mix": "on", "kinds": ["multiple", "matrix"]})
    attempt = Attempt.objects.get()
    kinds = [attempt.question_at(n).kind for n in range(1, attempt.total + 1)]
    assert response.status_code == 302 and kinds.count("multiple") == 2 and kinds.count("matrix") == 4


def test_the_mix_is_offered_with_its_label_beside_the_box(client, banks):
    page = client.get(reverse("build")).content.decode()
    assert re.search(
        r'<input type="checkbox" name="mix"[^>]*id="id_mix"[^>]*> <label for="id_mix">Mix the kinds: draw evenly', page
    )

"""Random payloads at the answer endpoint: never a 500, a clear 4xx, nothing stored unless valid."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import AnswerError, Response
from tests.factories import AttemptFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db
KINDS = ("single", "true_false", "multiple", "matrix", "ordering", "cloze", "highlight")


@pytest.fixture
def setup(db):
    # Shared by all of a test's examples (hence the suppressed health check); each
    # example removes the answer it stored, so every example starts unanswered.
    user = UserFactory()
    questions = [QuestionFactory(kind=kind) for kind in KINDS]
    attempt = AttemptFactory(user=user, question_ids=[q.pk for q in questions])
    # Real part keys of this attempt (and raw ids, which must never be accepted) to draw from.
    option_ids = [str(pk) for q in questions for pk in q.options.values_list("pk", flat=True)]
    keys = [attempt.keys_for(q)(pk) for q in questions for pk in q.options.values_list("pk", flat=True)]
    columns = [attempt.keys_for(q).column(i) for q in questions for i in range(len(q.columns))]
    return user, attempt, option_ids + keys + columns


def field_names(option_ids):
    prefixes = st.sampled_from(["option", "row-", "place-", "blank-", "score", "csrfmiddlewaretoken", ""])
    return st.one_of(
        st.sampled_from(["option", "score", "correct"]),
        st.builds(lambda p, o: p + o, prefixes, st.sampled_from(option_ids + ["1", "2", "0", "-1"])),
        st.text(max_size=20),
    )


def field_values(option_ids):
    return st.one_of(
        st.sampled_from(option_ids),
        st.integers(min_value=-(2**63), max_value=2**63).map(str),
        st.text(max_size=40),
        st.sampled_from(["", "0", "1", "2", "3", "NaN", "1e9", "null", "[1,2]", "{}", "\x00", "١", "²", "9" * 25]),
    )


def payloads(option_ids):
    return st.dictionaries(field_names(option_ids), st.lists(field_values(option_ids), max_size=4), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), number=st.integers(min_value=1, max_value=len(KINDS)))
def test_random_form_payloads(setup, data, number):
    user, attempt, option_ids = setup
    payload = data.draw(payloads(option_ids))
    client = Client()
    client.force_login(user)
    form = QueryDict(mutable=True)
    for key, values in payload.items():
        form.setlist(key, values)
    question = attempt.question_at(number)
    try:
        question.parse_answer(form, attempt.keys_for(question))
        valid = True
    except AnswerError:
        valid = False
    before = Response.objects.count()
    response = client.post(reverse("answer", args=[attempt.pk, number]), payload)
    if valid:
        assert response.status_code == 302
        Response.objects.filter(attempt=attempt).delete()  # each example starts unanswered
    else:
        assert response.status_code == 422, response.content[:300]
        assert b'role="alert"' in response.content
        assert Response.objects.count() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json", "text/plain", ""]
    ),
    htmx=st.booleans(),
)
def test_random_raw_bodies(setup, body, content_type, htmx):
    user, attempt, _ = setup
    client = Client()
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.generic(
        "POST", reverse("answer", args=[attempt.pk, 1]), body, content_type=content_type, **headers
    )
    assert 400 <= response.status_code < 500
    assert not Response.objects.filter(attempt=attempt).exists()

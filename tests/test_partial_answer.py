"""A partial answer the server refuses (without JavaScript): what was given stays, and what is missing is named
beside the message and marked where it is. Nothing is saved."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Response
from tests.factories import AttemptFactory, QuestionFactory

pytestmark = pytest.mark.django_db

FOUR_ROWS = [
    {"text": "Osteoblasts", "answer": "Build"},
    {"text": "Osteoclasts", "answer": "Break down"},
    {"text": "Tumor cells that spur osteoblasts", "answer": "Build"},
    {"text": "Tumor cells that spur osteoclasts", "answer": "Break down"},
]


def attempt_with(learner, question):
    return AttemptFactory(user=learner, question_ids=[question.pk])


def post(client, attempt, data):
    return client.post(reverse("answer", args=[attempt.pk, 1]), data)


def row_html(page: str, text: str) -> str:
    """The table row of one matrix statement."""
    return re.search(rf"<tr[^>]*>\s*<th scope=\"row\"[^>]*>{re.escape(text)}.*?</tr>", page, re.S).group(0)


def test_a_matrix_with_rows_left_keeps_the_rows_given_and_names_the_rest(client, learner):
    question = QuestionFactory(kind="matrix", parts=FOUR_ROWS)
    attempt = attempt_with(learner, question)
    rows = list(question.options.order_by("position"))
    given = attempt.form_data(question, {"rows": {str(rows[0].pk): "Build", str(rows[1].pk): "Build"}})

    response = post(client, attempt, given)

    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "Choose an answer in every row before you submit: “Tumor cells that spur osteoblasts” and "
        "“Tumor cells that spur osteoclasts” have no answer yet."
    ) in page
    keys = attempt.keys_for(question)
    for row in rows[:2]:  # still chosen, each in its column
        name = f"row-{keys(row.pk)}"
        html = row_html(page, row.text)
        assert re.search(rf'name="{name}" value="{given[name]}" id="[^"]+" checked', html)
        assert "No answer yet" not in html
    for row in rows[2:]:
        html = row_html(page, row.text)
        assert 'class="is-missing"' in html and "No answer yet" in html and 'aria-invalid="true"' in html
        assert "checked" not in html
    assert Response.objects.count() == 0


def test_an_ordering_with_places_left_keeps_the_places_given(client, learner):
    question = QuestionFactory(kind="ordering")
    attempt = attempt_with(learner, question)
    first, second, third = question.options.order_by("position")
    keys = attempt.keys_for(question)

    response = post(client, attempt, {f"place-{keys(first.pk)}": "2", f"place-{keys(second.pk)}": ""})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Give every item a place from 1 to 3: “Second” and “Third” have no place yet." in page
    kept = re.search(rf'<select name="place-{keys(first.pk)}".*?</select>', page, re.S).group(0)
    assert '<option value="2" selected>' in kept and "aria-invalid" not in kept
    for item in (second, third):
        select = re.search(rf'<select name="place-{keys(item.pk)}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in select
    assert page.count("No place yet") == 2
    assert Response.objects.count() == 0


def test_a_cloze_with_a_blank_left_keeps_the_blank_filled(client, learner):
    question = QuestionFactory(kind="cloze")
    attempt = attempt_with(learner, question)
    keys = attempt.keys_for(question)
    build = question.options.get(blank=1, is_correct=True)

    response = post(client, attempt, {"blank-1": keys(build.pk), "blank-2": ""})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Fill in every blank before you submit: blank 2 is empty." in page
    blank_1 = re.search(r'<select name="blank-1"[^>]*>.*?</select>', page, re.S).group(0)
    assert f'<option value="{keys(build.pk)}" selected>' in blank_1 and "aria-invalid" not in blank_1
    assert 'aria-invalid="true"' in re.search(r'<select name="blank-2"[^>]*>', page).group(0)
    assert Response.objects.count() == 0


def test_more_than_two_rows_left_are_counted_and_marked(client, learner):
    question = QuestionFactory(kind="matrix", parts=FOUR_ROWS)
    attempt = attempt_with(learner, question)
    page = post(client, attempt, {}).content.decode()
    assert (
        "Choose an answer in every row before you submit: 4 rows have no answer yet; each is marked “No answer yet”."
    ) in page
    assert page.count('<span class="missing-note">No answer yet</span>') == 4


def test_a_cloze_with_every_blank_left_names_them_all(client, learner):
    question = QuestionFactory(kind="cloze")
    attempt = attempt_with(learner, question)
    page = post(client, attempt, {"blank-1": "", "blank-2": ""}).content.decode()
    assert "Fill in every blank before you submit: blanks 1 and 2 are empty." in page


def test_the_message_takes_focus_when_the_page_comes_back(client, learner):
    """Without JavaScript the whole page loads again; the message is focused on load, as after an htmx swap."""
    question = QuestionFactory(kind="ordering")
    attempt = attempt_with(learner, question)
    page = post(client, attempt, {}).content.decode()
    assert re.search(r'<p class="error" id="answer-error" role="alert" tabindex="-1" autofocus>', page)
    assert 'id="stem" tabindex="-1" autofocus' not in page

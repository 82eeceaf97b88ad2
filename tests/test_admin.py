"""Authoring in the admin: instructors reach it, learners do not."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from quizzes.models import Passage, Question
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(client, bank):
    call_command("seed_demo")
    from django.contrib.auth.models import User

    user = User.objects.get(username="instructor")
    client.force_login(user)
    return user


def test_instructor_sees_questions_with_filters(client, instructor):
    page = client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    assert "By topic" in page and "By kind" in page and "By audience" in page and "By status" in page


def test_question_form_shows_options_and_citations_with_the_passage(client, instructor):
    question = Question.objects.filter(kind="single").first()
    page = client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    citation = question.citations.first()
    assert "<mark>" in page and citation.passage.text.split()[0] in page
    assert question.options.first().rationale in page
    assert "admin-autocomplete" in page  # passage chosen by search


def test_passage_search_for_autocomplete(client, instructor):
    url = reverse("admin:autocomplete") + "?app_label=quizzes&model_name=citation&field_name=passage&term=osteoclasts"
    data = client.get(url).json()
    assert data["results"]


def test_passage_text_is_read_only(client, instructor):
    passage = Passage.objects.first()
    page = client.get(reverse("admin:quizzes_passage_change", args=[passage.pk])).content.decode()
    assert 'name="text"' not in page


def test_learners_cannot_reach_the_admin(client, bank):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:quizzes_question_changelist")).status_code == 302


def test_demo_accounts_are_created_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "(already there)" in capsys.readouterr().out


def form_fields(page: str) -> dict:
    """The values a browser would post from the admin's change form (text inputs, checked boxes, selects)."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                    self.data[a["name"]] = a.get("value", "on")
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
                self.data.setdefault(self.select, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", "")
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                self.data[self.textarea] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.data[self.textarea] += data.removeprefix("\n") if not self.data[self.textarea] else data

    parser = Fields()
    parser.feed(page)
    return parser.data


def test_a_refused_citation_keeps_its_passage_text_beside_the_quote(client, instructor):
    question = Question.objects.filter(kind="single").first()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = form_fields(client.get(url).content.decode())
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "citation" in k.lower()).removesuffix(
        "-TOTAL_FORMS"
    )
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    passage = Passage.objects.exclude(citations__question=question).first()
    data |= {
        f"{prefix}-TOTAL_FORMS": str(n + 1),
        f"{prefix}-{n}-passage": str(passage.pk),
        f"{prefix}-{n}-quote": "words this passage never says",
        f"{prefix}-{n}-position": "9",
        f"{prefix}-{n}-question": str(question.pk),
    }
    data.pop("_saveasnew", None)
    before = question.citations.count()
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "The quote must be copied word for word from the passage." in page
    new_row = page[page.index(f'id="{prefix}-{n}"') :]
    shown = new_row[new_row.index("field-passage_text") :][:4000]
    assert passage.text[:60].replace("'", "&#x27;").replace('"', "&quot;") in shown  # the chosen passage, shown
    assert "Choose a passage" not in shown
    assert question.citations.count() == before  # nothing saved


def test_the_question_form_shows_what_the_flaw_screen_finds(client, instructor):
    from tests.factories import QuestionFactory

    key = {"text": "Cells that lay down new bone matrix", "is_correct": True}
    parts = [key, {"text": "Osteoclasts"}, {"text": "X"}]
    flawed = QuestionFactory(kind="single", status="draft", parts=parts)
    page = client.get(reverse("admin:quizzes_question_change", args=[flawed.pk])).content.decode()
    screen = page[page.index("Item-writing flaws") :]
    assert "<strong>Error: longest-key</strong>. The key is clearly the longest option" in screen
    assert 'name="accepted_flaws"' in screen  # where an editor accepts a screened flaw, with a reason
    clean = QuestionFactory(kind="single", status="draft")
    page = client.get(reverse("admin:quizzes_question_change", args=[clean.pk])).content.decode()
    assert "None found." in page[page.index("Item-writing flaws") :]


def test_saving_a_flawed_item_is_refused_with_the_rule_beside_the_options_and_nothing_changes(client, instructor):
    question = Question.objects.filter(kind="single", status="published").first()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = form_fields(client.get(url).content.decode())
    data.pop("_saveasnew", None)
    data["stem"] = "Which of these is not a bone cell?"  # a negative ask, not emphasized
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    options = page[page.index('id="options-group"') :]
    assert "Negative-stem: A negative ask (not, except) must be emphasized in capitals" in options[:6000]
    question.refresh_from_db()
    assert question.stem != "Which of these is not a bone cell?"


def test_an_accepted_screened_flaw_shows_as_a_warning_with_its_reason(client, instructor):
    from tests.factories import QuestionFactory

    reason = "Both distractors are cells learners confuse with bone builders."
    question = QuestionFactory(kind="single", status="draft", accepted_flaws={"implausible-distractor": reason})
    question.options.exclude(is_correct=True).update(rationale="Wrong.")
    page = client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    screen = page[page.index("Item-writing flaws") :]
    assert f"<strong>Warning: implausible-distractor</strong>. accepted: {reason}" in screen
    assert "Error: implausible-distractor" not in screen

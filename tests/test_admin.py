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

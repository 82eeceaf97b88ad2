"""At a phone's width (390 x 844), in Chromium: every part of a question takes a tap where a person taps it."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question
from tests.pages import assert_whole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_every_phrase_of_every_highlight_question_takes_a_tap(live_server, page: Page, bank):
    """A phrase wraps across lines on a phone; a tap on it must reach its label, not the hidden box before it."""
    page.set_viewport_size(PHONE)
    user = User.objects.create_user("thumb", password="tap-tap-2026")
    questions = list(Question.objects.published().filter(kind=Question.Kind.HIGHLIGHT).order_by("key"))
    assert len(questions) >= 10
    attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=11)
    page.goto(f"{live_server.url}/accounts/login/?next=/attempts/{attempt.pk}/questions/1/")
    page.get_by_label("Username").fill("thumb")
    page.get_by_label("Password").fill("tap-tap-2026")
    page.get_by_role("button", name="Log in").click()
    for n, question in enumerate(questions, start=1):
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n} of {len(questions)}")
        labels = page.locator("#question-form label.phrase")
        assert labels.count() == question.options.count()
        for label in labels.all():
            box = page.locator(f"#{label.get_attribute('for')}")
            label.click()
            expect(box, f"question {n}: {label.inner_text()}").to_be_checked()
        if n == 1:
            assert_whole(page, f"Question 1 of {len(questions)}", "a highlight question on a phone")
        page.get_by_role("button", name="Submit answer").click()
        expect(page.locator("#feedback-heading")).to_be_focused()
        page.get_by_role("link", name="Next question" if n < len(questions) else "See your results").click()
    expect(page.locator(".result-summary")).to_contain_text(f"You answered {len(questions)} of {len(questions)}")

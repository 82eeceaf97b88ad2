"""A bow-tie in Chromium: three labelled groups side by side on a wide screen and stacked on a phone, answered
by keyboard with JavaScript on and off, refused in place when a group is short, and scored out of five."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, Response
from tests.pages import QUESTION, assert_whole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def open_bowtie(live_server, browser, javascript: bool, viewport: dict):
    question = Question.objects.published().filter(kind="bowtie").order_by("key").first()
    user = User.objects.create_user("bowtie", password="bow-tie-2026")
    attempt = Attempt.objects.create(user=user, question_ids=[question.pk], seed=5)
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/attempts/{attempt.pk}/questions/1/")
    page.get_by_label("Username").fill("bowtie")
    page.get_by_label("Password").fill("bow-tie-2026")
    page.keyboard.press("Enter")
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 1")
    return question, attempt, context, page


def tick_by_keyboard(page: Page, texts: list[str]) -> None:
    for text in texts:
        box = page.get_by_label(text, exact=True)
        box.focus()
        page.keyboard.press("Space")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["wide", "phone"])
def test_a_bowtie_answered_by_keyboard(live_server, browser, bank, javascript, viewport):
    question, attempt, context, page = open_bowtie(live_server, browser, javascript, viewport)
    groups = page.locator("fieldset.bowtie-group")
    expect(groups).to_have_count(3)
    expect(groups.nth(0).locator("legend")).to_have_text(re.compile(r"^Actions to take \(choose two\)"))
    expect(groups.nth(1).locator("legend")).to_have_text(re.compile(r"^Condition most likely \(choose one\)"))
    expect(groups.nth(2).locator("legend")).to_have_text(re.compile(r"^Parameters to monitor \(choose two\)"))
    boxes = [groups.nth(i).bounding_box() for i in range(3)]
    if viewport == PHONE:  # stacked, in reading order
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    else:  # a bow-tie: actions | condition | parameters
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] and abs(boxes[0]["y"] - boxes[2]["y"]) < 200
    if javascript:
        assert_whole(page, QUESTION, f"a bow-tie at {viewport['width']} px")

    elements = {g: [o for o in question.options.all() if o.blank == n] for n, g in ((1, "a"), (2, "c"), (3, "p"))}
    right = {g: [o.text for o in els if o.is_correct] for g, els in elements.items()}
    wrong = {g: [o.text for o in els if not o.is_correct] for g, els in elements.items()}
    # One action short first: refused in place, what was ticked kept, the short group named.
    tick_by_keyboard(page, right["a"][:1])
    tick_by_keyboard(page, right["c"])
    tick_by_keyboard(page, [right["p"][0], wrong["p"][0]])
    page.get_by_role("button", name="Submit answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#answer-error")).to_contain_text("Choose two actions, not 1 before you submit.")
    expect(page.get_by_label(right["a"][0], exact=True)).to_be_checked()
    expect(page.get_by_label(wrong["p"][0], exact=True)).to_be_checked()
    assert Response.objects.count() == 0
    tick_by_keyboard(page, right["a"][1:2])
    page.get_by_role("button", name="Submit answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-heading")).to_contain_text("Partly right.")
    expect(page.locator("#feedback-heading")).to_contain_text("Score 80%")
    for heading in ("Actions to take", "Condition most likely", "Parameters to monitor"):
        expect(page.get_by_role("heading", name=heading, level=4)).to_be_visible()
    if javascript:
        expect(page.locator("#feedback-heading")).to_be_focused()
        assert_whole(page, QUESTION, f"bow-tie feedback at {viewport['width']} px")
    response = Response.objects.get(attempt=attempt)
    assert response.score == pytest.approx(0.8)
    context.close()

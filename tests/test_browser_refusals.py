"""An answer the server refuses, in Chromium: the page stays whole, under DEBUG on (as `make run` starts) and off.

With DEBUG on, django-htmx adds a development error handler that replaces the whole document with any 400
response; a refused answer used to wipe the page that way. A refusal is an expected response (422): the form is
shown again in place with the message beside it, focus goes to the message, and htmx keeps driving the page.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, Response
from tests.pages import assert_whole, log_in
from tests.test_browser import fill_answer, start_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["debug-on", "debug-off"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture(params=["desktop", "phone"])
def screen(request, page: Page) -> Page:
    if request.param == "phone":
        page.set_viewport_size(PHONE)
    return page


def start_exam(page: Page, url: str) -> None:
    page.goto(f"{url}/practice/")
    page.get_by_label("How many questions").select_option("5")
    page.get_by_label("Timed exam: see answers and rationales at the end").check()
    page.get_by_role("button", name="Start").click()


def start_check(page: Page, url: str) -> None:
    page.goto(f"{url}/check/")
    page.get_by_role("button", name=re.compile("Living with bone metastasis")).click()


FLOWS = {
    "practice": (lambda page, url: start_practice(page, url), "Submit answer"),
    "exam": (start_exam, "Save answer"),
    "patient": (start_check, "Check my answer"),
}


@pytest.mark.parametrize("flow", FLOWS)
def test_an_empty_answer_is_refused_in_place(live_server, screen: Page, bank, debug, flow):
    page = screen
    begin, button = FLOWS[flow]
    begin(page, live_server.url)
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 5")
    page.evaluate("window.stillTheSamePage = true")  # gone if the document is replaced or reloaded

    page.get_by_role("button", name=button).click()
    error = page.locator("#question-form #answer-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile(r"before you submit|each place|every"))
    expect(error).to_be_focused()
    assert page.evaluate("window.stillTheSamePage === true"), "the refusal replaced the page"
    assert_whole(page, "Question 1 of 5", f"{flow} refusal")

    # htmx still drives the page: a real answer is taken in place
    fill_answer(page)
    page.get_by_role("button", name=button).click()
    if flow == "exam":
        expect(page.locator(".saved")).to_contain_text("question 1 is saved")
    else:
        expect(page.locator("#feedback-heading")).to_be_focused()
    expect(page.locator("#answer-error")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage === true")
    assert_whole(page, "Question 1 of 5", f"{flow} answered after a refusal")


def test_the_title_follows_htmx_navigation(live_server, page: Page, bank):
    start_practice(page, live_server.url)
    expect(page).to_have_title(re.compile(r"^Question 1 of 5 "))
    for n in range(1, 4):
        fill_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        expect(page.locator("#feedback-heading")).to_be_focused()
        page.get_by_role("link", name="Next question").click()
        expect(page).to_have_title(re.compile(rf"^Question {n + 1} of 5 · Bone metastasis quiz$"))
        assert_whole(page, f"Question {n + 1} of 5", f"question {n + 1} after htmx navigation")
    page.go_back()
    expect(page).to_have_title(re.compile(r"^Question 3 of 5 "))


def test_keyboard_focus_after_a_swap_can_be_seen(live_server, page: Page, bank):
    page.set_viewport_size(PHONE)
    start_practice(page, live_server.url)
    page.locator("#question-form input, #question-form select").first.focus()
    fill_answer(page)
    page.keyboard.press("Enter")
    heading = page.locator("#feedback-heading")
    expect(heading).to_be_focused()
    assert heading.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.locator("body").press("n")
    stem = page.locator("#stem")
    expect(stem).to_be_focused()
    assert stem.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    expect(page.locator(".quiz-progress")).to_be_in_viewport()  # "Question 2 of 5" is not scrolled away


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_partial_matrix_answer_is_kept_and_what_is_missing_is_marked(live_server, browser, bank, javascript):
    user = User.objects.create_user("halfway", password="one-row-only-2026")
    question = Question.objects.published().filter(kind=Question.Kind.MATRIX).order_by("key").first()
    attempt = Attempt.objects.create(user=user, question_ids=[question.pk], seed=5)
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "halfway", "one-row-only-2026", next=f"/attempts/{attempt.pk}/questions/1/")
    rows = page.locator("#question-form table.matrix tbody tr")
    assert rows.count() >= 4  # so the message counts the rows left instead of naming them
    first = rows.first.locator("input[type=radio]").last
    first.check()

    page.get_by_role("button", name="Submit answer").click()

    error = page.locator("#answer-error")
    expect(error).to_contain_text("Choose an answer in every row before you submit")
    expect(error).to_be_focused()
    expect(first).to_be_checked()  # the row given is kept
    expect(rows.first.locator(".missing-note")).to_have_count(0)
    expect(error).to_contain_text(f"{rows.count() - 1} rows have no answer yet")
    for row in rows.all()[1:]:
        expect(row.locator(".missing-note")).to_have_text("No answer yet")
    assert_whole(page, "Question 1 of 1", "a partial matrix answer refused", javascript)
    assert not Response.objects.exists()
    context.close()

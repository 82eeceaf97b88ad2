"""Controls that need JavaScript show only with it, and the keyboard shortcuts do what the panel says."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from quizzes.models import Attempt, Question, Response
from tests.pages import assert_whole, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_to(page: Page, url: str, attempt: Attempt, name: str) -> None:
    log_in(page, url, name, f"{name}-keys-2026", next=f"/attempts/{attempt.pk}/questions/1/")


def attempt_of(name: str, kinds: list[str], **fields) -> Attempt:
    user = User.objects.create_user(name, password=f"{name}-keys-2026")
    questions = [Question.objects.published().filter(kind=kind).order_by("key").first() for kind in kinds]
    return Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=4, **fields)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_time_button_shortcuts_and_live_count_show_only_where_they_work(
    live_server, browser: Browser, bank, javascript
):
    from django.utils import timezone

    now = timezone.now()
    attempt = attempt_of(
        "timed", ["single", "matrix"], mode="exam", started=now, deadline=now + timezone.timedelta(minutes=20)
    )
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    log_in_to(page, live_server.url, attempt, "timed")
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 2")
    if javascript:
        expect(page.get_by_role("button", name="Read the time left")).to_be_visible()
        expect(page.locator("summary", has_text="Keyboard shortcuts")).to_be_visible()
    else:
        expect(page.get_by_role("button", name="Read the time left")).to_be_hidden()
        expect(page.locator("summary", has_text="Keyboard shortcuts")).to_be_hidden()
    assert_whole(page, "Question 1 of 2", "an exam question", javascript)

    page.goto(f"{live_server.url}/practice/")
    live = page.get_by_text("The number of matching questions updates as you choose.")
    expect(live).to_be_visible() if javascript else expect(live).to_be_hidden()
    page.get_by_role("checkbox", name="Matrix").check()
    page.get_by_role("button", name="Count matching questions").click()
    expect(page.locator("#match-count")).to_contain_text(re.compile(r"\d+ questions? match"))
    assert "csrfmiddlewaretoken" not in page.url
    assert_whole(page, "Build a quiz", "the builder after counting", javascript)
    context.close()


def test_digits_pick_a_column_in_the_focused_row_and_enter_submits_from_a_list(live_server, page: Page, bank):
    attempt = attempt_of("keys", ["matrix", "ordering", "cloze"])
    log_in_to(page, live_server.url, attempt, "keys")

    rows = page.locator("#question-form table.matrix tbody tr")
    for row in rows.all():
        row.locator("input[type=radio]").first.focus()
        page.keyboard.press("2")
        expect(row.locator("input[type=radio]").nth(1)).to_be_checked()
    page.keyboard.press("Enter")
    heading = page.locator("#feedback-heading")
    expect(heading).to_be_focused()
    page.keyboard.press("Tab")  # the first stop after the verdict is the way on
    expect(page.get_by_role("link", name="Next question")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".quiz-progress")).to_contain_text("Question 2 of 3")
    selects = page.locator("#question-form select")
    for n, select in enumerate(selects.all(), start=1):
        select.focus()
        page.keyboard.type(str(n))  # the list takes its own digit: the place
        expect(select).to_have_value(str(n))
    page.keyboard.press("Enter")  # from the last list
    expect(page.locator("#feedback-heading")).to_be_focused()
    page.keyboard.press("n")

    expect(page.locator(".quiz-progress")).to_contain_text("Question 3 of 3")
    for select in page.locator("#question-form select").all():
        select.focus()
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-heading")).to_be_focused()
    answers = dict(Response.objects.values_list("question__kind", "answer"))
    assert set(answers) == {"matrix", "ordering", "cloze"}
    matrix = Question.objects.get(pk=attempt.question_ids[0])
    assert set(answers["matrix"]["rows"].values()) == {matrix.columns[1]}

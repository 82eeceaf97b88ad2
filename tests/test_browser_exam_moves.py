"""Moving through an exam never loses a choice: Previous, Next, the navigator and Submit save it on the way.

With JavaScript (htmx posts the form and swaps the next question in) and without (the buttons submit the form).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Response
from tests.pages import assert_whole
from tests.test_browser import fill_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_exam(page: Page, url: str) -> None:
    page.goto(f"{url}/practice/")
    page.get_by_label("How many questions").select_option("5")
    page.get_by_label("Timed exam: see answers and rationales at the end").check()
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 5")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_move_saves_the_choice(live_server, browser, bank, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page = context.new_page()
    start_exam(page, live_server.url)

    fill_answer(page)  # chosen, but "Save answer" is not pressed
    page.get_by_role("button", name="Next question").click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 2 of 5")
    assert_whole(page, "Question 2 of 5", "question 2 after Next", javascript)
    expect(page.locator("#exam-summary")).to_have_text(re.compile(r"^1 of 5 questions answered"))
    expect(page.locator("#navigator").get_by_role("button", name=re.compile(r"^1\W+answered"))).to_be_visible()

    fill_answer(page)
    page.locator("#navigator").get_by_role("button", name=re.compile(r"^4\W+not answered")).click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 4 of 5")
    page.get_by_role("button", name="Previous question").click()  # nothing chosen on 4: nothing saved, no error
    expect(page.locator(".quiz-progress")).to_contain_text("Question 3 of 5")
    expect(page.locator("#answer-error")).to_have_count(0)
    page.locator("#navigator").get_by_role("button", name=re.compile(r"^1\W+answered")).click()
    chosen = page.locator("#question-form input:checked, #question-form option:checked:not([value=''])")
    expect(chosen.first).to_be_attached()  # the choice made before Next is still there

    page.get_by_role("button", name="Save answer").click()  # saving it again as it stands
    expect(page.get_by_role("main")).to_contain_text("Your answer to question 1 is saved")
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 5")  # Save stays, both ways
    expect(page.locator("#exam-summary")).to_have_text(re.compile(r"^2 of 5 questions answered"))
    if javascript:
        expect(page.locator(".saved")).to_be_focused()

    page.get_by_role("button", name="Flag for later").click()  # the navigator shows the flag at once, both ways
    expect(page.get_by_role("button", name="Flagged for later")).to_be_visible()
    expect(page.locator("#navigator").get_by_role("button", name=re.compile(r"^1\W+answered, flagged"))).to_be_visible()

    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name="Submit the exam?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("3 questions are not answered and will score 0")
    assert_whole(page, "Submit the exam?", "submit confirmation", javascript)
    attempt = Attempt.objects.get()
    assert attempt.finished is None and Response.objects.filter(attempt=attempt).count() == 2
    page.get_by_role("button", name="Submit the exam now").click()
    expect(page.get_by_role("heading", name=re.compile("^Review:"))).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.finished is not None
    context.close()

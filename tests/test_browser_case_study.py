"""An unfolding case study in Chromium, with the shipped bank: the record beside the question on a wide screen
and above it on a phone, its tabs an ARIA tablist with JavaScript (arrow keys move between them) and plain
sections with links without it, the record growing as the case moves on, and feedback after each step."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, CaseStudy
from tests.pages import QUESTION, SITE_TITLE, assert_whole, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def answer_by_keyboard(page: Page, attempt: Attempt, number: int) -> None:
    """Give the step's right answer through its form, by keyboard: each box or radio the answer needs is ticked
    with Space, each drop-down chosen, then Submit is pressed with Enter."""
    question = attempt.question_at(number)
    for name, values in attempt.form_data(question, question.correct_answer()).items():
        for value in values if isinstance(values, list) else [values]:
            field = page.locator(f'#question-form [name="{name}"]')
            if field.first.evaluate("e => e.tagName") == "SELECT":
                field.first.select_option(str(value))
            else:
                box = page.locator(f'#question-form [name="{name}"][value="{value}"]')
                if not box.is_checked():
                    box.focus()
                    page.keyboard.press("Space")
    page.get_by_role("button", name="Submit answer").focus()
    page.keyboard.press("Enter")


@pytest.mark.parametrize(
    "javascript,viewport", [(True, WIDE), (False, WIDE), (True, PHONE)], ids=["js-wide", "no-js-wide", "js-phone"]
)
def test_a_case_study_unfolds_beside_its_record(live_server, browser, bank, javascript, viewport):
    case = CaseStudy.objects.ready().order_by("position").first()
    User.objects.create_user("casey", password="case-study-2026")
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, "casey", "case-study-2026", next="/cases/")
    assert_whole(page, "Case studies · Bone metastasis quiz", "the case list", javascript)
    expect(page.get_by_role("heading", name=case.title, level=2)).to_be_visible()
    page.get_by_role("button", name=f"Start the case: {case.title}").click()

    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 6")
    expect(page.locator(".case-step")).to_have_text("Step 1 of 6: Recognize cues")
    record = page.locator(".case-record")
    expect(record.get_by_role("heading", name="Client record")).to_be_visible()
    question_box, record_box = page.locator("#question-form").bounding_box(), record.bounding_box()
    if viewport == PHONE:  # stacked: the record first, then the question, both within the screen
        assert record_box["y"] + record_box["height"] <= question_box["y"] + 1
        assert record_box["width"] <= PHONE["width"]
    else:  # side by side, the record on the left
        assert record_box["x"] + record_box["width"] <= question_box["x"] + 1
        assert abs(record_box["y"] - question_box["y"]) < 200

    first_tabs = case.record_at(1)
    if javascript:
        tabs = record.get_by_role("tab")
        expect(tabs).to_have_count(len(first_tabs))
        expect(tabs.first).to_have_attribute("aria-selected", "true")
        expect(record.get_by_role("tabpanel")).to_have_count(1)  # the others are hidden
        tabs.first.focus()
        page.keyboard.press("ArrowRight")
        expect(tabs.nth(1)).to_be_focused()
        expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
        expect(record.get_by_role("tabpanel")).to_contain_text(first_tabs[1]["entries"][0].text)
        expect(record.locator("[data-record-links]")).to_be_hidden()
        assert_whole(page, QUESTION, f"a case's first step at {viewport['width']} px")
    else:  # every tab is a section with its heading, reached by the links above them
        for tab in first_tabs:
            expect(record.get_by_role("link", name=tab["label"])).to_be_visible()
            expect(record.get_by_role("heading", name=tab["label"], level=3)).to_be_visible()
            for entry in tab["entries"]:
                expect(record).to_contain_text(entry.text)
        assert_whole(page, QUESTION, f"a case's first step at {viewport['width']} px", javascript=False)
    later = [e.text for e in case.entries.all() if e.step > 1]
    for text in later:  # nothing of what the case has not reached yet
        expect(record).not_to_contain_text(text)

    attempt = Attempt.objects.get(user__username="casey")
    answer_by_keyboard(page, attempt, 1)
    expect(page.locator("#feedback-heading")).to_contain_text("Right.")
    if javascript:
        expect(page.locator("#feedback-heading")).to_be_focused()
    page.get_by_role("link", name="Next question").click()
    expect(page.locator(".case-step")).to_have_text("Step 2 of 6: Analyze cues")
    expect(page).to_have_title(QUESTION)
    second = case.record_at(2)
    new = [t for t in second if t["new"]]
    if new and javascript:  # the record opens on the tab with what is new
        selected = record.locator('[role="tab"][aria-selected="true"]')
        expect(selected).to_have_text(re.compile(rf"^{re.escape(new[0]['label'])} \(new\)$"))
    for tab in second:
        for entry in tab["entries"]:
            if entry.step == 2:
                expect(record.locator("li.is-new", has_text=entry.text)).to_have_count(1)
    if javascript:
        assert_whole(page, QUESTION, f"a case's second step at {viewport['width']} px")
    expect(page).to_have_title(re.compile(SITE_TITLE.pattern))
    context.close()

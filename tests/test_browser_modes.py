"""The learning modes in Chromium: builder, exam with timer, dashboard, patient check, shortcuts."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, Response
from tests.pages import QUESTION, assert_whole
from tests.test_browser import fill_answer, start_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, url: str, username: str = "nurse") -> User:
    user = User.objects.create_user(username, password="a-long-passphrase-42")
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    return user


def test_build_and_take_a_timed_exam(live_server, page: Page, bank):
    log_in(page, live_server.url)
    page.get_by_role("link", name="Build a quiz").first.click()
    assert_whole(page, "Build a quiz", "builder")
    page.get_by_label("Diagnostic tests").check()
    diagnosis = Question.objects.published().filter(topic__slug="diagnosis")
    # htmx counted on the server
    expect(page.locator("#match-count")).to_have_text(f"{diagnosis.count()} questions match.")
    page.get_by_label("Select all that apply").check()
    expect(page.locator("#match-count")).to_have_text(f"{diagnosis.filter(kind='multiple').count()} questions match.")
    page.get_by_label("Select all that apply").uncheck()
    page.get_by_label("How many questions").select_option("5")
    page.get_by_label("Timed exam: see answers and rationales at the end").check()
    page.get_by_label("Exam time").select_option("10")
    page.get_by_label("Time allowance").select_option("1.5")
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("timer")).to_contain_text("minutes")
    page.get_by_role("button", name="Read the time left").click()
    expect(page.locator("#time-status")).to_contain_text(re.compile(r"Time left: 1[45] minutes"))
    assert_whole(page, QUESTION, "exam question with timer")
    for n in range(1, 4):
        fill_answer(page)
        page.get_by_role("button", name="Save answer").click()
        expect(page.locator(".saved")).to_contain_text(f"question {n} is saved")
        expect(page.locator("#navigator button.is-answered")).to_have_count(n)
        expect(page.locator("#feedback-heading")).to_have_count(0)  # no feedback in an exam
        page.get_by_role("button", name="Next question").click()
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n + 1} of 5")
    page.locator("#navigator").get_by_role("button", name=re.compile(r"^1\W+answered")).click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of 5")
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name="Submit the exam?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("2 questions are not answered and will score 0")
    assert_whole(page, "Submit the exam?", "submit confirmation")
    page.get_by_role("button", name="Submit the exam now").click()
    expect(page.get_by_role("heading", name=re.compile("^Review:"))).to_be_visible()
    expect(page.locator(".review-item")).to_have_count(5)
    expect(page.locator(".review-item .verdict").filter(has_text="Not answered.")).to_have_count(2)
    assert_whole(page, "Review", "exam review")
    attempt = Attempt.objects.get()
    assert attempt.finished and round((attempt.deadline - attempt.started).total_seconds()) == 15 * 60


def test_dashboard_after_practice(live_server, page: Page, bank):
    log_in(page, live_server.url)
    start_practice(page, live_server.url, count="5")
    for n in range(1, 6):
        fill_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        expect(page.locator("#feedback-heading")).to_be_focused()
        page.get_by_role("link", name="Next question" if n < 5 else "See your results").click()
        if n < 5:
            expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n + 1} of 5")
    page.get_by_role("link", name="My progress").click()
    expect(page.locator(".result-summary")).to_contain_text("You have answered 5 questions")
    expect(page.locator("svg[role=img]")).to_be_visible()
    page.get_by_text("How levels are worked out").click()
    assert_whole(page, "My progress", "dashboard")


def test_a_patient_checks_their_understanding(live_server, page: Page, bank):
    page.goto(live_server.url)
    page.get_by_role("link", name="Check what I understood").first.click()
    expect(page.get_by_role("note")).to_contain_text("not medical advice")
    assert_whole(page, "Check what I understood", "patient check")
    page.get_by_role("button", name=re.compile("Living with bone metastasis")).click()
    assert_whole(page, QUESTION, "patient question")
    fill_answer(page)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect(page.locator("#feedback")).not_to_contain_text("Score")
    assert_whole(page, QUESTION, "patient feedback")


def test_keyboard_shortcuts_answer_and_move_on(live_server, page: Page, bank):
    start_practice(page, live_server.url, count="5")
    attempt = Attempt.objects.get()
    for n in range(1, 4):
        kind = attempt.question_at(n).kind
        page.locator("main").click(position={"x": 5, "y": 5})  # focus on the page, not a control
        if kind in ("single", "true_false", "multiple", "highlight"):
            page.keyboard.press("1")
        else:
            fill_answer(page)
            page.locator("main").click(position={"x": 5, "y": 5})
        page.keyboard.press("Enter")
        expect(page.locator("#feedback-heading")).to_be_focused()
        page.keyboard.press("n")
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n + 1} of 5")
    assert Response.objects.count() == 3

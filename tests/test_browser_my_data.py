"""My data in Chromium: a learner deletes their account from "My settings" by keyboard, with JavaScript on and
off and on a phone, and downloads their data as a JSON file."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from quizzes.models import Attempt, Response
from tests.factories import QuestionFactory
from tests.pages import assert_whole, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "leaving-the-quiz-2026"


def learner_with_an_answer(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    question = QuestionFactory()
    attempt = Attempt.objects.create(user=user, question_ids=[question.pk], seed=1)
    attempt.record_answer(question, question.correct_answer())
    return user


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab, as a keyboard user does, until `target` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {limit} presses of Tab")


@pytest.mark.parametrize(
    "javascript,viewport",
    [(True, DESKTOP), (False, DESKTOP), (True, PHONE)],
    ids=["js", "no-js", "phone"],
)
def test_a_learner_deletes_their_account_by_keyboard(live_server, browser, javascript, viewport):
    learner_with_an_answer("leaving")
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, "leaving", PASSWORD)
    page.goto(f"{live_server.url}/profile/")
    assert_whole(page, "My settings", "My settings with My data", javascript)

    tab_to(page, page.get_by_role("link", name="Delete my account"))
    page.keyboard.press("Enter")
    expect(page).to_have_title("Delete my account · Bone metastasis quiz")
    for heading in ("What is deleted", "What is kept"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("how many people answered it")).to_be_visible()
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    assert_whole(page, "Delete my account", "the page that says what is deleted", javascript)

    password = page.get_by_label("Your password")
    tab_to(page, password)
    page.keyboard.type("not-my-password")
    page.keyboard.press("Enter")
    error = page.locator(".field.has-error", has=password).locator("#id_password_error")
    expect(error).to_have_text("That is not your password. Nothing was deleted.")
    expect(password).to_be_focused()
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bid_password_error\b"))
    assert_whole(page, "Delete my account", "a wrong password refused", javascript)
    assert User.objects.filter(username="leaving").exists()

    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".messages")).to_have_text("Your account and your data are deleted.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # logged out
    assert_whole(page, "Bone metastasis quiz", "home after the account is deleted", javascript)
    assert not User.objects.filter(username="leaving").exists()
    assert not Response.objects.exists()
    context.close()


def test_the_download_link_gives_the_learners_data_as_json(live_server, page: Page):
    learner_with_an_answer("keeper")
    log_in(page, live_server.url, "keeper", PASSWORD)
    page.goto(f"{live_server.url}/profile/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data").click()
    download = info.value
    assert re.fullmatch(r"my-data-keeper-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["username"] == "keeper"
    assert data["attempts"][0]["answers"][0]["answer"] == "Osteoblasts"
    assert_whole(page, "My settings", "My settings after the download")  # the page stays where it was

"""A person taking quizzes in Chromium: with htmx, without JavaScript, by keyboard.

axe-core runs on every page and state of these flows and must find nothing.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, Response
from tests.pages import SITE_TITLE, assert_whole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KINDS = ("single", "true_false", "multiple", "matrix", "ordering", "cloze", "highlight", "bowtie")


def fill_answer(page: Page) -> None:
    """Give some answer to whatever kind of question is on the page, with the mouse."""
    form = page.locator("#question-form")
    if form.locator("table.matrix").count():
        for row in form.locator("table.matrix tbody tr").all():
            row.locator("input[type=radio]").first.check()
    elif form.locator("ol.ordering").count():
        for i, select in enumerate(form.locator("select").all(), start=1):
            select.select_option(str(i))
    elif form.locator("p.cloze").count():
        for select in form.locator("select").all():
            select.select_option(index=1)
    elif form.locator("p.highlight-text").count():
        form.locator("label.phrase").first.click()
    elif form.locator(".bowtie").count():
        for group in form.locator("fieldset.bowtie-group").all():
            inputs = group.locator("input")
            picks = 1 if inputs.first.get_attribute("type") == "radio" else 2
            for i in range(picks):
                inputs.nth(i).check()
    else:
        form.locator("input[name=option]").first.check()


def start_practice(page: Page, url: str, bank: str = "Bone basics and remodeling", count: str = "5") -> None:
    page.goto(url)
    card = page.locator("li.bank", has=page.get_by_role("heading", name=bank))
    card.get_by_label("How many questions").select_option(count)
    card.get_by_role("button", name=re.compile("Start practice")).click()


def test_a_whole_quiz_with_htmx(live_server, page: Page, bank):
    start_practice(page, live_server.url)
    assert_whole(page, "Question 1 of 5", "question 1")
    page.get_by_role("button", name="Submit answer").click()  # nothing chosen yet
    expect(page.locator("#answer-error")).to_be_visible()
    assert_whole(page, "Question 1 of 5", "form error")
    for n in range(1, 6):
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n} of 5")
        fill_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        heading = page.locator("#feedback-heading")
        expect(heading).to_be_focused()  # focus moves to the feedback
        expect(page.locator("#feedback[aria-live=polite]")).to_contain_text("Why each answer is right or wrong")
        expect(page.locator("#feedback mark").first).to_be_visible()
        expect(page.locator("#question-form fieldset :is(input, select)").first).to_be_disabled()
        if n == 1:
            assert_whole(page, f"Question {n} of 5", "feedback after an htmx swap")
        if n < 5:
            page.get_by_role("link", name="Next question").click()
            expect(page.locator("#stem")).to_be_focused()
            assert page.url.endswith(f"/questions/{n + 1}/")  # htmx pushed the real URL
    page.get_by_role("link", name="See your results").click()
    expect(page.get_by_role("heading", name=re.compile("Your results"))).to_be_visible()
    expect(page.locator(".result-summary")).to_contain_text("You answered 5 of 5 questions.")
    assert_whole(page, "Results", "results")
    assert Response.objects.count() == 5
    assert Attempt.objects.get().finished is not None


def test_the_quote_link_opens_the_source_on_the_passage(live_server, page: Page, bank):
    start_practice(page, live_server.url, count="5")
    fill_answer(page)
    page.get_by_role("button", name="Submit answer").click()
    link = page.locator("#feedback figure.citation a").first
    quote = page.locator("#feedback figure.citation mark").first.inner_text()
    link.click()
    expect(page.locator(".passage.is-cited mark")).to_have_text(quote)
    anchor = page.url.split("#")[1]
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    assert_whole(page, "Sources", "source reader with a quote marked")


def test_a_whole_quiz_without_javascript(live_server, browser, bank):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    start_practice(page, live_server.url, bank="Diagnostic tests")
    for n in range(1, 6):
        fill_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        assert page.url.endswith(f"/questions/{n}/")  # posted, then redirected back
        expect(page.locator("#feedback")).to_contain_text("What the source says")
        expect(page.locator("#feedback mark").first).to_be_visible()
        page.get_by_role("link", name="Next question" if n < 5 else "See your results").click()
    expect(page.locator(".result-summary")).to_contain_text("You answered 5 of 5 questions.")
    assert Response.objects.count() == 5
    context.close()


def test_every_kind_by_keyboard_alone(live_server, page: Page, bank):
    user = User.objects.create_user("keyboard", password="keyboard-only-2026")
    questions = [Question.objects.published().filter(kind=kind).order_by("key").first() for kind in KINDS]
    attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=3)
    page.goto(f"{live_server.url}/accounts/login/?next=/attempts/{attempt.pk}/questions/1/")
    page.get_by_label("Username").fill("keyboard")
    page.get_by_label("Password").fill("keyboard-only-2026")
    page.keyboard.press("Enter")
    for n, kind in enumerate(KINDS, start=1):
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {n} of {len(KINDS)}")
        assert_whole(page, f"Question {n} of {len(KINDS)}", f"{kind} question")
        form = page.locator("#question-form")
        if kind == "matrix":
            for row in form.locator("table.matrix tbody tr").all():
                row.locator("input[type=radio]").first.focus()
                page.keyboard.press("Space")
        elif kind == "ordering":
            for i, select in enumerate(form.locator("select").all(), start=1):
                select.focus()
                page.keyboard.type(str(i))
        elif kind == "cloze":
            for select in form.locator("select").all():
                select.focus()
                page.keyboard.press("ArrowDown")
        elif kind == "bowtie":
            for name, picks in (("action", 2), ("condition", 1), ("parameter", 2)):
                for box in form.locator(f"input[name={name}]").all()[:picks]:
                    box.focus()
                    page.keyboard.press("Space")
        else:
            form.locator("input[name=option]").first.focus()
            page.keyboard.press("Space")
        page.get_by_role("button", name="Submit answer").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#feedback-heading")).to_be_focused()
        assert_whole(page, f"Question {n} of {len(KINDS)}", f"{kind} feedback")
        next_link = page.get_by_role("link", name="Next question" if n < len(KINDS) else "See your results")
        next_link.focus()
        page.keyboard.press("Enter")
    expect(page.locator(".result-summary")).to_contain_text(f"You answered {len(KINDS)} of {len(KINDS)} questions.")
    saved = dict(Response.objects.values_list("question__kind", "answer"))
    assert set(saved) == set(KINDS)
    assert saved["ordering"]["order"] and len(saved["matrix"]["rows"]) >= 2


def test_signing_up_keeps_the_practice_and_shows_progress(live_server, page: Page, bank):
    start_practice(page, live_server.url)
    fill_answer(page)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()
    page.get_by_role("link", name="Sign up").click()
    assert_whole(page, "Sign up", "sign-up form")
    page.get_by_label("Username").fill("newnurse")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    expect(page.locator(".result-summary")).to_contain_text("You have answered 1 question")
    assert_whole(page, "My progress", "progress")


def test_home_and_sources_pages_are_accessible(live_server, page: Page, bank):
    page.goto(live_server.url)
    assert_whole(page, SITE_TITLE, "home")
    page.get_by_role("link", name="Sources").first.click()
    assert_whole(page, "Sources", "source list")
    page.get_by_role("link", name="Bone Metastasis: Symptoms, Types, Causes and Treatment").click()
    expect(page.locator("caption").first).to_have_text("Table 1: Key Symptoms of Bone Metastasis")
    assert_whole(page, "Sources", "source reader with tables")
    page.goto(f"{live_server.url}/accounts/login/")
    assert_whole(page, "Log in", "login")


def test_pages_send_a_strict_content_security_policy(live_server, page: Page, bank):
    response = page.goto(live_server.url)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    start_practice(page, live_server.url)
    fill_answer(page)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()
    assert not [e for e in errors if "Content Security Policy" in e], errors

"""At a phone's width (390 x 844), in Chromium: every part of a question takes a tap where a person taps it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Attempt, Question, Source
from tests.pages import assert_whole, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_every_phrase_of_every_highlight_question_takes_a_tap(live_server, page: Page, bank):
    """A phrase wraps across lines on a phone; a tap on it must reach its label, not the hidden box before it."""
    page.set_viewport_size(PHONE)
    user = User.objects.create_user("thumb", password="tap-tap-2026")
    questions = list(Question.objects.published().filter(kind=Question.Kind.HIGHLIGHT).order_by("key"))
    assert len(questions) >= 10
    attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=11)
    log_in(page, live_server.url, "thumb", "tap-tap-2026", next=f"/attempts/{attempt.pk}/questions/1/")
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


def overflow(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_every_question_its_feedback_and_the_review_fit_a_phone(live_server, browser, bank):
    """WCAG 1.4.10 Reflow over the whole shipped bank: a wide grid or a cited table row scrolls inside its own
    region; nothing (not even the visually hidden labels inside such a region) widens the page."""
    user = User.objects.create_user("narrow", password="narrow-screen-2026")
    questions = list(Question.objects.published().order_by("key"))
    now = timezone.now()
    exam = Attempt.objects.create(
        user=user, question_ids=[q.pk for q in questions], seed=2, mode="exam", started=now,
        deadline=now + timedelta(hours=6),
    )  # fmt: skip
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "narrow", "narrow-screen-2026")
    wide = []
    for n, question in enumerate(questions, start=1):
        page.goto(f"{live_server.url}/attempts/{exam.pk}/questions/{n}/")
        if overflow(page) > 0:
            wide.append(f"{question.key} question: {overflow(page)} px")
    Attempt.objects.filter(pk=exam.pk).update(finished=timezone.now())  # its questions are no longer held back
    practice = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=2)
    for question in questions:
        practice.record_answer(question, question.correct_answer())
    for n, question in enumerate(questions, start=1):
        page.goto(f"{live_server.url}/attempts/{practice.pk}/questions/{n}/")
        expect(page.locator("#feedback-heading")).to_be_visible()
        if overflow(page) > 0:
            wide.append(f"{question.key} feedback: {overflow(page)} px")
    page.goto(f"{live_server.url}/attempts/{practice.pk}/review/")
    if overflow(page) > 0:
        wide.append(f"review: {overflow(page)} px")
    assert wide == [], "wider than a phone: " + "; ".join(wide)
    context.close()


def test_every_page_a_learner_reads_fits_a_phone(live_server, page: Page, bank):
    """My progress (the mastery and practices tables), every source in the reader (the Consensus table), the
    results and the review, with a learner who has answered 40 questions."""
    page.set_viewport_size(PHONE)
    user = User.objects.create_user("reader", password="reader-phone-2026")
    questions = list(Question.objects.published().order_by("key")[:40])
    attempt = Attempt.objects.create(user=user, question_ids=[q.pk for q in questions], seed=3)
    for question in questions:
        attempt.record_answer(question, question.correct_answer())
    log_in(page, live_server.url, "reader", "reader-phone-2026")
    pages = {
        "/progress/": "My progress",
        f"/attempts/{attempt.pk}/results/": "Results",
        f"/attempts/{attempt.pk}/review/": "Review",
        "/practice/": "Build a quiz",
        "/sources/": "Sources",
    }
    pages |= {source.get_absolute_url(): source.title for source in Source.objects.all()}
    for url, title in pages.items():
        page.goto(f"{live_server.url}{url}")
        assert_whole(page, title, f"{url} at 390 px")
    page.goto(f"{live_server.url}/progress/")
    assert page.locator(".chart svg").bounding_box()["width"] >= 300  # the accuracy chart fills the phone's width


def test_teaching_pages_fit_a_phone(live_server, page: Page, bank):
    from django.core.management import call_command

    from quizzes.models import Assignment, Cohort, Membership, Response

    page.set_viewport_size(PHONE)
    teacher = User.objects.create_user("teacher", password="teacher-phone-2026")
    call_command("make_instructor", "teacher")
    cohort = Cohort.objects.create(name="Nursing 2027", owner=teacher)
    now = timezone.now()
    topic = Question.objects.published().first().topic
    assignment = Assignment.objects.create(
        cohort=cohort, title="Week 1", topic=topic, count=5, opens=now, due=now + timedelta(days=3)
    )
    learner = User.objects.create_user("student")
    Membership.objects.create(cohort=cohort, user=learner)
    attempt = Attempt.objects.create(user=learner, assignment=assignment, question_ids=assignment.draw_questions())
    for qid in attempt.question_ids:
        Response.objects.create(attempt=attempt, question_id=qid, answer={}, score=0.5, seconds=30)
    log_in(page, live_server.url, "teacher", "teacher-phone-2026")
    pages = {
        "/teach/": "Teaching",
        "/teach/cohorts/new/": "New cohort",
        f"/teach/assignments/{assignment.pk}/edit/": "Edit Week 1",
        f"/teach/cohorts/{cohort.pk}/": "Gradebook",
        f"/teach/cohorts/{cohort.pk}/learners/{learner.pk}/": "student",
        f"/teach/items/?topic={topic.slug}&sort=-facility": "Item analysis",
    }
    for url, title in pages.items():
        page.goto(f"{live_server.url}{url}")
        assert_whole(page, title, f"{url} at 390 px")


def test_an_answered_wide_grid_still_scrolls_by_keyboard(live_server, page: Page, bank):
    """After an answer the grid is closed, but on a phone it still scrolls in its region, which keeps its focus
    (a disabled fieldset around it made the region unfocusable: axe's scrollable-region-focusable)."""
    from tests.test_browser import fill_answer

    page.set_viewport_size(PHONE)
    User.objects.create_user("grid", password="grid-phone-2026")
    question = Question.objects.get(key="treatment-approach-purpose-matrix")
    attempt = Attempt.objects.create(user=User.objects.get(username="grid"), question_ids=[question.pk], seed=1)
    log_in(page, live_server.url, "grid", "grid-phone-2026", next=f"/attempts/{attempt.pk}/questions/1/")
    fill_answer(page)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect(page.locator("#question-form input[type=radio]").first).to_be_disabled()
    region = page.get_by_role("region", name="Answer grid")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll at this width
    region.focus()
    expect(region).to_be_focused()
    assert_whole(page, "Question 1 of 1", "an answered wide grid on a phone")

"""Instructor pages in Chromium with axe-core: teaching home, gradebook, items, reports, previews, authoring."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from quizzes.models import Assignment, Attempt, Cohort, Membership, Passage, Question, Report, Response
from tests.pages import SITE_TITLE, assert_accessible, assert_whole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KINDS = ("single", "true_false", "multiple", "matrix", "ordering", "cloze", "highlight")


@pytest.fixture
def teaching(live_server, page: Page, bank):
    teacher = User.objects.create_user("teacher", password="a-long-passphrase-42")
    call_command("make_instructor", "teacher")
    cohort = Cohort.objects.create(name="Nursing 2027", owner=teacher)
    now = timezone.now()
    topic = Question.objects.first().topic
    assignment = Assignment.objects.create(
        cohort=cohort, title="Week 1", topic=topic, count=5, opens=now - timedelta(days=1), due=now + timedelta(days=6)
    )
    for i in range(3):
        learner = User.objects.create_user(f"student{i}")
        Membership.objects.create(cohort=cohort, user=learner)
        attempt = Attempt.objects.create(user=learner, assignment=assignment, question_ids=assignment.draw_questions())
        for qid in attempt.question_ids[: i + 2]:
            Response.objects.create(attempt=attempt, question_id=qid, answer={}, score=i / 2, seconds=30)
        Report.objects.create(question_id=attempt.question_ids[0], user=learner, comment="I think this is wrong.")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Log in").click()
    return cohort, learner


def test_teaching_pages_are_accessible(live_server, page: Page, teaching):
    cohort, learner = teaching
    page.get_by_role("link", name="Teaching").click()
    expect(page.get_by_role("heading", name="Teaching")).to_be_visible()
    assert_whole(page, "Teaching", "teaching home")
    page.get_by_role("link", name="Gradebook of Nursing 2027").click()
    expect(page.locator("table.gradebook tbody tr")).to_have_count(3)
    assert_whole(page, "Gradebook", "gradebook")
    page.get_by_role("link", name="Week 1", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_count(1)
    page.get_by_role("link", name=learner.username).click()
    assert_whole(page, SITE_TITLE, "learner detail")
    page.goto(f"{live_server.url}/teach/items/")
    assert_whole(page, "Item analysis", "item analysis")
    page.goto(f"{live_server.url}/teach/reports/")
    expect(page.locator(".report-comment")).to_have_count(3)
    assert_whole(page, SITE_TITLE, "reports")


def test_a_cohort_and_its_assignment_are_set_on_teaching_pages(live_server, page: Page, teaching):
    page.get_by_role("link", name="Teaching").click()
    page.get_by_role("link", name="New cohort").click()
    expect(page).to_have_title(re.compile("^New cohort · Teaching"))
    page.get_by_role("button", name="Create the cohort").click()  # no name yet
    expect(page.locator("#id_name_error")).to_have_text("This field is required.")
    assert_whole(page, "New cohort", "a refused new cohort")
    page.get_by_label("Name of the cohort").fill("Nursing 2028")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", name="Gradebook: Nursing 2028")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Cohort “Nursing 2028” created")

    page.get_by_role("link", name="New assignment").click()
    expect(page.get_by_label("Cohort")).to_have_value(str(Cohort.objects.get(name="Nursing 2028").pk))
    assert_whole(page, "New assignment", "a new assignment")
    page.get_by_label("Title").fill("Week 2")
    page.get_by_label("Timed exam").check()
    page.get_by_label("Opens").fill("2026-12-07T09:00")
    page.get_by_label("Due").fill("2026-12-14T17:00")
    page.get_by_role("button", name="Set the assignment").click()  # an exam without a time limit
    expect(page.locator("#id_time_limit_error")).to_have_text("A timed exam needs a time limit in minutes.")
    expect(page.get_by_label("Title")).to_have_value("Week 2")  # what was typed is kept
    page.get_by_label("Time limit (minutes)").fill("25")
    page.get_by_role("button", name="Set the assignment").click()
    expect(page.get_by_role("status")).to_contain_text("Assignment “Week 2” set.")
    expect(page.get_by_role("link", name="Edit Week 2")).to_be_visible()
    assert Assignment.objects.get(title="Week 2").time_limit == 25
    assert "/admin/" not in page.url


def test_every_kind_previews_accessibly(live_server, page: Page, teaching):
    for kind in KINDS:
        question = Question.objects.filter(kind=kind).first()
        page.goto(f"{live_server.url}/teach/questions/{question.pk}/preview/")
        expect(page.locator("#feedback-heading")).to_contain_text("Right.")
        assert_whole(page, SITE_TITLE, f"preview of a {kind} question")


def test_authoring_pages_are_accessible(live_server, page: Page, teaching):
    question = Question.objects.filter(kind="single").first()
    page.goto(f"{live_server.url}/admin/quizzes/question/")
    expect(page.get_by_role("heading", name="Select question to change")).to_be_visible()
    assert_accessible(page, "question list")
    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    expect(page.get_by_role("link", name="Preview as learner")).to_be_visible()
    expect(page.locator(".field-passage_text mark").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # the autocomplete has set up every citation...
    expect(page.locator(".inline-related:not(.empty-form) .field-passage_text mark")).to_have_count(
        question.citations.count()  # ...and each passage still shows its quote marked
    )
    assert_accessible(page, "question form")
    page.goto(f"{live_server.url}/admin/quizzes/question/import/")
    expect(page.get_by_role("heading", name="Import questions").first).to_be_visible()
    assert_accessible(page, "import page")


def test_the_chosen_passage_appears_beside_the_quote_while_writing(live_server, page: Page, teaching):
    question = Question.objects.filter(kind="single").first()
    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    page.locator(".add-row a", has_text="Add another Citation").click()  # the admin's script makes it a button
    new = page.locator(".inline-related:not(.empty-form)").filter(has=page.locator("select[id$='-passage']")).last
    new.locator(".select2-selection").click()
    search = page.locator(".select2-search__field")
    expect(search).to_have_attribute("aria-label", "Search Passage")  # select2 draws it without a label
    search.fill("reabsorb")
    option = page.locator(".select2-results__option", has_text="staywell-bone-basics-4")
    expect(option).to_be_visible(timeout=15_000)  # the search is a request to the server; the machine is shared
    assert_accessible(page, "the passage search open")
    option.click()
    passage = Passage.objects.get(key="staywell-bone-basics-4")
    expect(new.locator("select[id$='-passage']")).to_have_value(str(passage.pk))
    shown = new.locator(".field-passage_text .readonly")
    expect(shown).to_have_text("Osteoclasts are cells that break down, or reabsorb, old bone.", timeout=15_000)

    # the quote is marked in the passage as it is typed, and the page says whether it is word for word
    quote = new.locator("textarea[id$='-quote']")
    quote.press_sequentially("break down, or reabsorb")
    expect(shown.locator("mark")).to_have_text("break down, or reabsorb")
    expect(new.locator(".quote-status")).to_have_text("Found word for word in the passage: it is marked above.")
    quote.press_sequentially(" new")
    expect(shown.locator("mark")).to_have_count(0)
    expect(new.locator(".quote-status")).to_have_text("Not found word for word in the passage yet.")

    # a refused save keeps the chosen passage's text beside the quote
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("The quote must be copied word for word from the passage.")).to_be_visible()
    refused = page.locator(".inline-related.errors, .inline-related:has(.errorlist)").last
    expect(refused.locator(".field-passage_text .readonly")).to_contain_text("Osteoclasts are cells that break down")


def test_the_theme_toggle_shows_only_where_it_works(live_server, browser, teaching):
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
        page.get_by_label("Username").fill("teacher")
        page.get_by_label("Password").fill("a-long-passphrase-42")
        page.get_by_role("button", name="Log in").click()
        toggle = page.locator("button.theme-toggle")
        expect(toggle).to_be_visible() if javascript else expect(toggle).to_be_hidden()
        if javascript:
            expect(toggle).to_have_accessible_name("Toggle theme (current theme: auto)")
            assert_accessible(page, "the admin index")
        context.close()

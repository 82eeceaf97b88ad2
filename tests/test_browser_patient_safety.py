"""The two patient items an expert read found unsafe, as a patient meets them in a real browser: the urgency is
in the plain explanation on the page, not in a rationale that must be opened first."""

import random
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from quizzes import views
from quizzes.models import Question
from tests.pages import QUESTION, assert_whole
from tests.test_browser import fill_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGENT = re.compile(r"care team right away", re.IGNORECASE)


@pytest.mark.parametrize("key", ["symptoms-cord-message", "symptoms-cord-compression-steps"])
def test_a_red_flag_item_tells_a_patient_to_call_the_care_team_without_opening_anything(
    key, live_server, page: Page, bank, monkeypatch
):
    target = Question.objects.get(key=key)
    assert target.audience in ("patient", "both")

    def target_first(ids, k):
        """The check's draw, with this item first."""
        return [target.pk, *[i for i in ids if i != target.pk]][:k]

    draw = SimpleNamespace(sample=target_first, randrange=random.randrange, shuffle=random.shuffle)
    monkeypatch.setattr(views, "random", draw)
    page.goto(f"{live_server.url}/check/")
    page.get_by_role("button", name=re.compile(target.topic.name)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(target.stem[:40])
    fill_answer(page)
    page.get_by_role("button", name="Check my answer").click()
    feedback = page.locator("#feedback")
    expect(page.locator("#feedback-heading")).to_be_focused()
    # Seen as it is: the sentence is visible, outside every closed <details>.
    urgent = feedback.get_by_text(URGENT).first
    expect(urgent).to_be_visible()
    assert urgent.evaluate("el => !el.closest('details:not([open])')")
    expect(feedback).not_to_contain_text("point to other problems")
    expect(feedback).not_to_contain_text("Score")
    assert_whole(page, QUESTION, "patient feedback")

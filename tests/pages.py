"""What every page state a browser test reaches must be: whole, and clean under axe-core."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

axe = Axe()
SITE_TITLE = re.compile(r"^(.+ · )?Bone metastasis quiz$")  # a page of the site, whatever its own part
QUESTION = re.compile(r"^Question \d+ of \d+ · Bone metastasis quiz$")


def assert_accessible(page: Page, state: str) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{state}: {results.generate_report()}"


def assert_whole(page: Page, title: str | re.Pattern, state: str, javascript: bool = True) -> None:
    """The page is the site's, not a fragment: its title names the state, it has the header, one main landmark
    and the stylesheet, nothing makes it wider than the screen, and axe-core finds nothing.

    axe-core runs as a script in the page, so with JavaScript off (javascript=False) it cannot run there; the
    same templates are checked by axe in the JavaScript runs."""
    expect(page, state).to_have_title(title if isinstance(title, re.Pattern) else re.compile(re.escape(title)))
    expect(page.locator("body > header"), state).to_have_count(1)
    expect(page.get_by_role("main"), state).to_have_count(1)
    styled = page.evaluate(
        "() => [...document.styleSheets].some(s => s.href && s.href.includes('/css/site'))"
        " && getComputedStyle(document.body).fontFamily.includes('system-ui')"
    )
    assert styled, f"{state}: the site's stylesheet is not applied"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        wide = page.evaluate(
            "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >"
            " document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
        )
        raise AssertionError(f"{state}: the page is {overflow} px wider than the screen, at {wide}")
    if javascript:
        assert_accessible(page, state)


def log_in(page: Page, url: str, username: str, password: str, next: str = "") -> None:
    """Log in through the form, as a person does, and land on `next` (a path) or the account's home."""
    page.goto(f"{url}/accounts/login/" + (f"?next={next}" if next else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

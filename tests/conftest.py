import os
import shutil

import pytest
from playwright.sync_api import expect

# On a busy two-core machine a page can take longer than Playwright's 5 s default to answer: every browser
# assertion waits on what the page shows, up to a real deadline (passing ones return as soon as they hold).
expect.set_options(timeout=20_000)

# Sync Playwright runs an event loop in the test thread; Django's ORM calls in
# the same thread (fixtures, assertions) are safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fresh_parts_cache():
    """Tests change questions in place without a new version; start each with an empty cache."""
    from quizzes.models import clear_parts_cache

    clear_parts_cache()
    yield
    clear_parts_cache()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: no test is throttled by the requests of another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def browser_debug(request):
    """Browser tests run with DEBUG on in the SQLite run and off in the PostgreSQL run: `make run` (SQLite, DEBUG
    on, with django-htmx's development error handler) is what people start first, and production runs with
    DEBUG off. CI runs the suite on both, so every browser state is seen both ways; a test that must see both in
    one run (the refusals) sets DEBUG itself, after this."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    from django.db import connection

    settings = request.getfixturevalue("settings")
    settings.DEBUG = connection.vendor == "sqlite"
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright cannot download its own browser here."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("The browser tests need Chromium: run 'make test' (it installs it) or 'apt-get install chromium'.")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sources(db):
    """The five real sources as passages."""
    from quizzes.exchange import load_sources

    load_sources()


@pytest.fixture
def bank(sources):
    """The whole shipped bank, published."""
    from quizzes.exchange import load_questions, read_bank_files

    load_questions(read_bank_files())


@pytest.fixture
def learner(client):
    """A logged-in learner."""
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    return user

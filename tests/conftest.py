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


@pytest.fixture
def case(db):
    """A case of six questions (single choice) whose record grows at questions 2 and 6."""
    from quizzes.judgment import STEP_SLUGS
    from quizzes.models import CaseEntry, CaseStudy
    from tests.factories import PASSAGE_TEXT, PassageFactory, QuestionFactory, TopicFactory

    QUOTE = PASSAGE_TEXT[: PASSAGE_TEXT.index(".") + 1]  # "Osteoblasts are cells that build new bone."
    topic = TopicFactory()
    passage = PassageFactory()
    case = CaseStudy.objects.create(
        key="case-ana", topic=topic, title="Ana's healing bone", intro="Ana, 60, at clinic."
    )
    CaseEntry.objects.create(case=case, tab="history", step=1, text="Ana is 60 and had breast cancer.", position=1)
    CaseEntry.objects.create(case=case, tab="notes", step=1, text="Reports an ache in the hip.", position=2,
                             passage=passage, quote=QUOTE)  # fmt: skip
    CaseEntry.objects.create(case=case, tab="findings", step=2, text="The X-ray shows new bone.", position=3,
                             passage=passage, quote=QUOTE)  # fmt: skip
    CaseEntry.objects.create(case=case, tab="notes", step=6, text="A week later the ache is gone.", position=4)
    for step in reversed(STEP_SLUGS):  # created out of order: the case orders them by step
        QuestionFactory(topic=topic, case=case, case_step=step, audience="student", key=f"case-ana-{step}",
                        stem=f"Step {step}: which cells build new bone?", cite=passage)  # fmt: skip
    return case

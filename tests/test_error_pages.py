"""The site's own 400, 403, 404 and 500 pages (DEBUG off, as in production): the layout, a title, a way back.
And where logging in leads: instructors to Teaching, learners to their progress."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_site_page(response, status: int, title: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert re.search(rf"<title>{re.escape(title)} · Bone metastasis quiz</title>", page)
    assert '<header class="site-header">' in page and '<main id="main"' in page and "css/site" in page
    assert 'href="/">Back to the question banks</a>' in page
    return page


def test_a_learner_opening_teaching_gets_the_sites_403(client, learner, settings):
    settings.DEBUG = False
    page = assert_site_page(client.get(reverse("teach")), 403, "Not open to you")
    assert "this page is for instructors" in page and "Nothing was changed." in page


def test_a_missing_page_gets_the_sites_404(client, settings):
    settings.DEBUG = False
    page = assert_site_page(client.get("/attempts/999999/questions/1/"), 404, "Page not found")
    assert "There is no page at this address, or it belongs to someone else." in page


def test_an_expired_form_gets_a_page_that_says_so(settings, learner):
    settings.DEBUG = False
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    page = assert_site_page(strict.post(reverse("build"), {}), 403, "Form expired")
    assert "Nothing was saved" in page


def test_a_server_error_gets_the_sites_500(settings):
    """Rendered as Django renders it after an exception: no request context, so nothing in it may need one."""
    settings.DEBUG = False
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "<title>Something went wrong · Bone metastasis quiz</title>" in page
    assert '<header class="site-header">' in page and "Answers you saved before this are kept." in page


def test_a_bad_request_gets_the_sites_400(settings):
    settings.DEBUG = False
    from django.test import RequestFactory
    from django.views.defaults import bad_request

    page = bad_request(RequestFactory().get("/"), exception=None).content.decode()
    assert "<title>Request not understood · Bone metastasis quiz</title>" in page and "Nothing was changed." in page


def test_an_instructor_lands_on_teaching_and_a_learner_on_progress():
    UserFactory(username="teacher", password="teacher-pass-2026")
    call_command("make_instructor", "teacher")
    UserFactory(username="student", password="student-pass-2026")
    for name, lands in (("teacher", reverse("teach")), ("student", reverse("progress"))):
        client = Client()
        response = client.post(reverse("login"), {"username": name, "password": f"{name}-pass-2026"}, follow=True)
        assert response.redirect_chain[-1][0] == lands and response.status_code == 200


def test_a_refused_sign_up_focuses_the_first_field_that_is_wrong(client):
    response = client.post(reverse("signup"), {"username": "nurse1", "password1": "short1", "password2": "short1"})
    page = response.content.decode()
    assert response.status_code == 400
    password = re.search(r'<input type="password" name="password1"[^>]*>', page).group(0)
    assert "autofocus" in password and 'aria-invalid="true"' in password
    assert "autofocus" not in re.search(r'<input type="text" name="username"[^>]*>', page).group(0)
    error = page.index('id="id_password1_error"')
    assert page.index('name="password1"') < error < page.index('name="password2"')  # under its own field

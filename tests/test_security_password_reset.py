"""Finding 10: no password-reset page that can never work (no e-mail is collected, no mail is sent)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
RESET_URLS = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]


@pytest.mark.parametrize("url", RESET_URLS)
def test_the_reset_pages_are_gone(client, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "someone@example.org"}).status_code == 404


def test_no_url_is_named_for_a_reset():
    for name in ["password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"]:
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_no_page_links_to_a_reset(client):
    UserFactory(username="teacher")
    call_command("make_instructor", "teacher")
    visitor, learner, teacher = Client(), Client(), Client()
    learner.force_login(UserFactory())
    teacher.force_login(User.objects.get(username="teacher"))
    pages = {
        visitor: [reverse("home"), reverse("login"), reverse("signup"), "/admin/login/"],
        learner: [reverse("home"), reverse("profile"), reverse("progress"), reverse("password_change")],
        teacher: [reverse("teach"), "/admin/"],
    }
    for who, urls in pages.items():
        for url in urls:
            response = who.get(url)
            assert response.status_code == 200, url
            html = response.content.decode().lower()
            assert "password_reset" not in html and "/reset/" not in html and "forgotten your password" not in html, url
    templates = [*ROOT.glob("quizsite/templates/**/*.html"), *ROOT.glob("quizzes/templates/**/*.html")]
    assert templates and not [t for t in templates if "password_reset" in t.read_text()]


def test_a_learner_changes_their_password_from_their_settings(client, learner):
    assert reverse("password_change") in client.get(reverse("profile")).content.decode()
    new = "a-new-long-passphrase-77"
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Your new password is saved." in client.get(reverse("password_change_done")).content.decode()
    learner.refresh_from_db()
    assert learner.check_password(new)


def test_changing_to_a_guessable_password_is_refused(client, learner):
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert response.status_code == 200 and "too guessable" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password("correct-horse-battery")

"""Finding 10: no new username can pass for another one in the gradebook."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


def sign_up(client, username: str):
    return client.post(reverse("signup"), {"username": username, "password1": PASSWORD, "password2": PASSWORD})


def error_beside_username(response) -> str:
    match = re.search(r'<div class="error" id="id_username_error" role="alert">(.*?)</div>', response.content.decode())
    assert match, "no error beside the username field"
    return match.group(1)


@pytest.mark.parametrize(
    "username",
    [
        "\u0430dmin",  # Cyrillic a
        "m\u0430ry",  # Cyrillic a in the middle
        "jos\u00e9",  # an accented letter
        "nurse\u200b1",  # a zero-width space
    ],
)
def test_non_ascii_usernames_are_refused_beside_the_field(client, username):
    response = sign_up(client, username)
    assert response.status_code == 400
    assert "Use only English letters (a-z, A-Z), digits and the characters @ . + - _" in error_beside_username(response)
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_full_width_forms_of_an_existing_name_are_refused(client):
    UserFactory(username="teacher")
    response = sign_up(client, "\uff34\uff45\uff41\uff43\uff48\uff45\uff52")  # full-width "Teacher"
    assert response.status_code == 400
    assert "A user with that username already exists." in error_beside_username(response)
    assert User.objects.count() == 1


def test_a_name_that_looks_like_an_older_non_ascii_account_is_refused(client):
    # accounts made before the rule may have compatibility characters in their names
    UserFactory(username="\uff4d\uff41\uff52\uff59")  # full-width "mary"
    UserFactory(username="\ufb01sh")  # the "fi" ligature, then "sh"
    for name in ["Mary", "FISH"]:
        response = sign_up(client, name)
        assert response.status_code == 400, name
        assert "A user with that username already exists." in error_beside_username(response)
    assert User.objects.count() == 2


def test_a_case_variant_of_an_existing_name_is_refused(client):
    UserFactory(username="nurse1")
    assert "already exists" in error_beside_username(sign_up(client, "NURSE1"))


def test_ordinary_usernames_still_work(client):
    for name in ["nurse.one", "student+2@school", "j_smith-3"]:
        client.post(reverse("logout"))
        assert sign_up(client, name).status_code == 302, name
    assert User.objects.count() == 3

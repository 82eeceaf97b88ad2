"""Finding 10: a password must be hard to guess, not just long."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_up(client, password: str, username: str = "nurse1"):
    return client.post(reverse("signup"), {"username": username, "password1": password, "password2": password})


def error_beside_password(response) -> str:
    match = re.search(r'<div class="error" id="id_password1_error" role="alert">(.*?)</div>', response.content.decode())
    assert match, "no error beside the password field"
    return match.group(1)


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "password1234", "abcabcabcabc", "qwertyuiop12", "nurse1nurse1"],
)
def test_guessable_passwords_of_twelve_or_more_characters_are_refused(client, password):
    response = sign_up(client, password)
    assert response.status_code == 400
    message = error_beside_password(response)
    assert "too guessable" in message or "too common" in message, message
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_the_message_says_what_is_wrong(client):
    message = error_beside_password(sign_up(client, "aaaaaaaaaaaa"))
    assert "Repeats like" in message


@pytest.mark.parametrize("password", ["a-long-passphrase-42", "my cat likes warm bread", "Tr0ub4dor&3-blue"])
def test_a_good_passphrase_works(client, password):
    response = sign_up(client, password)
    assert response.status_code == 302
    assert User.objects.get(username="nurse1").check_password(password)

"""Finding 5: one success must not wipe the failures recorded against someone else's account."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"  # every factory user's password


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_as(client: Client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


def test_logging_into_ones_own_account_does_not_reset_the_failures_against_another():
    victim, attacker = UserFactory(), UserFactory()
    client = Client()
    for _ in range(4):
        assert log_in(client, victim.username, "guess").status_code == 200
    assert log_in(client, attacker.username, RIGHT).status_code == 302  # the attacker's own, open sign-up account
    client.post(reverse("logout"))
    fifth = log_in(client, victim.username, "guess")
    assert fifth.status_code == 429 and "locked for 15 minutes" in fifth.content.decode()
    # even the right password is refused during the cool-off, from this address
    locked = log_in(client, victim.username, RIGHT)
    assert locked.status_code == 429
    assert logged_in_as(client) is None
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(Client(), victim.username, RIGHT).status_code == 302


def test_the_lock_is_on_the_username_at_that_address_only():
    victim = UserFactory()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        log_in(attacker, victim.username, "guess")
    assert log_in(attacker, victim.username, RIGHT).status_code == 429
    # the victim at their own address is not locked out by someone else's guessing
    at_home = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(at_home, victim.username, RIGHT).status_code == 302


def test_a_classmate_at_the_same_address_is_not_locked_until_the_per_address_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    school = "192.0.2.50"
    forgetful, classmate, last = UserFactory(), UserFactory(), UserFactory()
    guesser = Client(REMOTE_ADDR=school)
    for _ in range(5):
        log_in(guesser, forgetful.username, "guess")
    assert log_in(guesser, forgetful.username, RIGHT).status_code == 429  # a refused login counts as a failure
    # 6 failures from the address so far: a classmate behind it logs in
    assert log_in(Client(REMOTE_ADDR=school), classmate.username, RIGHT).status_code == 302
    # the same address then guesses other usernames a few times each, staying under axes' 5 for each
    for _ in range(4):
        assert log_in(guesser, "nobody1", "guess").status_code == 200
    assert log_in(guesser, "nobody2", "guess").status_code == 200
    # 11 failures: still under the address limit
    assert log_in(Client(REMOTE_ADDR=school), classmate.username, RIGHT).status_code == 302
    assert log_in(guesser, "nobody2", "guess").status_code == 200
    # 12 failures from the address, the limit: every login from it now waits, the right one too
    paused = log_in(Client(REMOTE_ADDR=school), last.username, RIGHT)
    assert paused.status_code == 429
    assert "Logins from this network are paused for 15 minutes after 12 failed logins" in paused.content.decode()
    assert not User.objects.get(pk=last.pk).last_login
    assert log_in(Client(REMOTE_ADDR="198.51.100.7"), last.username, RIGHT).status_code == 302


def test_behind_a_proxy_the_address_it_gives_is_the_one_counted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    victim = UserFactory()
    proxy = "10.0.0.2"
    bad_actor = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(5):
        log_in(bad_actor, victim.username, "guess")
    assert log_in(bad_actor, victim.username, RIGHT).status_code == 429
    # the same victim through the same proxy from another client address is not locked out
    classroom = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in(classroom, victim.username, RIGHT).status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    victim = UserFactory()
    proxy = "10.0.0.2"
    for n in range(6):
        # the client writes its own X-Forwarded-For; the proxy appends the real address after it
        spoofed = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9")
        last = log_in(spoofed, victim.username, "guess" if n < 5 else RIGHT)
    assert last.status_code == 429

"""Who a request comes from, and how often it may do something that costs us.

django-axes locks a username at one address after a few wrong passwords; this
module adds what axes does not: a higher limit on failed logins from one
address (whatever usernames it tries), and per-address and per-session limits
on the other forms anyone can post (sign-up, join codes, anonymous attempts,
anonymous reports). A refused request gets a 429 page and changes nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the one the outermost one saw.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with n trusted proxies the n-th entry from the right is
    the client's; anything left of it was written by the client and is not
    believed. A header shorter than that, or not an address, was not written by
    our proxies: fall back to the peer address.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _session_key(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


def _parse(rate: str) -> tuple[int, int]:
    """'30/h' -> (30, 3600)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def _hit(scope: str, who: str, rate: str) -> int:
    """Count one request of `who` in the current window; return seconds until it ends if over the limit, else 0."""
    limit, period = _parse(rate)
    now = time.time()
    window = int(now // period)
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        return max(1, math.ceil((window + 1) * period - now))
    return 0


def _wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "in a minute"
    if minutes < 120:
        return f"in {minutes} minutes"
    return f"in {math.ceil(minutes / 60)} hours"


def too_many(request: HttpRequest, seconds: int, what: str) -> HttpResponse:
    response = render(request, "throttled.html", {"what": what, "wait": _wait_text(seconds)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def throttle(scope: str, what: str, *, methods: tuple[str, ...] = ("POST",), anonymous_only: bool = False) -> Callable:
    """Limit a view per client address and per browser session, at the rates in settings.THROTTLE_RATES[scope].

    `what` finishes the sentence "You have ... too often". Only the given
    methods count. With anonymous_only, logged-in learners are not counted:
    their work is tied to an account, and a whole class shares one address.
    A visitor without a session yet is counted by address alone.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods or (anonymous_only and request.user.is_authenticated):
                return view(request, *args, **kwargs)
            rates = settings.THROTTLE_RATES[scope]
            waits = [_hit(f"{scope}:address", client_ip(request), rates["address"])]
            if (key := _session_key(request)) is not None:
                waits.append(_hit(f"{scope}:session", key, rates["session"]))
            if wait := max(waits):
                return too_many(request, wait, what)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def address_login_failures(ip: str) -> int:
    """Failed logins from one address within the cool-off, whatever usernames they tried (from axes' records)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def login_address_limit(view: Callable) -> Callable:
    """Refuse logins from an address that has failed LOGIN_FAILURES_PER_ADDRESS times within axes' cool-off.

    axes counts each username at each address on its own, so that one
    person's typos do not lock out their classmates; this stops one address
    from guessing many usernames a few times each. Counted from axes' own
    database records, so every worker process sees the same number.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit = settings.LOGIN_FAILURES_PER_ADDRESS
        if request.method == "POST" and address_login_failures(client_ip(request)) >= limit:
            minutes = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
            response = render(
                request,
                "registration/locked.html",
                {"by_address": True, "limit": settings.LOGIN_FAILURES_PER_ADDRESS, "minutes": minutes},
                status=429,
            )
            response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
            return response
        return view(request, *args, **kwargs)

    return wrapped

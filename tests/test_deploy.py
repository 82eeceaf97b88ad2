"""Production settings: check --deploy is clean, secrets are required, health is reported."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
    "ALLOWED_HOSTS": "quiz.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://quiz.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    drop = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests' switch is not for production
    environ = {k: v for k, v in os.environ.items() if k not in drop} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off." in result.stderr


def test_production_settings_are_strict():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT,"
        " s.ALLOWED_HOSTS, s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1],"
        " s.TEMPLATES[0]['OPTIONS']['loaders'][0][0].rsplit('.', 1)[1], s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "['quiz.example.org']",
        "CompressedManifestStaticFilesStorage",
        "Loader",
        "True",
    ], result.stderr


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_the_bare_benchmark_view_is_off_by_default(client):
    assert client.get("/bench/bare/").status_code == 404

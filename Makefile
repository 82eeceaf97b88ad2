# Two commands do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Django 6 needs Python 3.12+. PYTHON=... wins; otherwise take the first
# interpreter that really runs and is new enough: python3.13/3.12 on PATH
# (pyenv shims fail the check unless a version is selected), then pyenv's own
# installs, newest first.
PYENV_DIR := $(shell pyenv root 2>/dev/null || echo $${PYENV_ROOT:-$$HOME/.pyenv})
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 $$(ls -d $(PYENV_DIR)/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$c; break; fi; done)

.PHONY: run serve test prepare lint format browser bench clean

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ] || ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "error: Python 3.12 or newer is needed (found: '$(PYTHON)'). Install it (e.g. 'pyenv install 3.13') or run 'make PYTHON=/path/to/python3.12 ...'." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

prepare: $(VENV)/.installed
	$(PY) manage.py prepare

run: prepare
	@echo "Serving on http://127.0.0.1:$(PORT)/ (demo logins above; Ctrl-C stops), with a task worker beside it"
	@$(PY) manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn with (2 x cores) + 1 workers, DEBUG off, hashed and
# compressed static files. SECRET_KEY (and ALLOWED_HOSTS) come from the
# environment; see the README's deployment section.
serve: $(VENV)/.installed
	@if [ -z "$$SECRET_KEY" ]; then echo "error: set SECRET_KEY for production, e.g. export SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'); and ALLOWED_HOSTS." >&2; exit 1; fi
	DEBUG=false $(PY) manage.py prepare --no-demo
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0
	@# The task worker (scores to LMS gradebooks) runs beside gunicorn and stops with it; see the README.
	@DEBUG=false $(PY) manage.py db_worker --no-reload & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=false $(VENV)/bin/gunicorn quizsite.wsgi --workers $$(( 2 * $$(nproc) + 1 )) --bind $${BIND:-127.0.0.1:$(PORT)} --access-logfile - --error-logfile -

# Throughput and latency of the main pages against a bare view, on a large
# PostgreSQL data set (seeded once); prints a table and writes bench/results.md.
bench: $(VENV)/.installed
	$(PY) bench/run.py

# The browser tests drive Debian's Chromium; Playwright cannot download its own here.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing chromium for the browser tests..."; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
		else \
			echo "error: the browser tests need Chromium. Install it: 'sudo apt-get install chromium' (Debian/Ubuntu)." >&2; exit 1; \
		fi; \
	fi

test: prepare browser
	$(PY) manage.py check_bank
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

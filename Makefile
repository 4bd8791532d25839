# Lindungi: two commands on a fresh Debian machine with Python 3.11.
#   make run   set up, migrate, load demo data when the database is empty, serve on :8000
#   make test  the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PERSONS ?= 2000

.PHONY: run test setup migrate demo serve lint bench clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: setup
	$(PY) manage.py seed_demo --if-empty --persons $(DEMO_PERSONS)

run: demo
	@$(PY) manage.py demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/  (background worker started beside it; Ctrl+C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker --queue-name '*' >/dev/null 2>&1 & \
	  $(PY) manage.py recover_jobs --every 20 >/dev/null 2>&1 & \
	  $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile - ; \
	  wait

test: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -n 2 -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed
	$(PY) bench/run_all.py $(BENCH_ARGS)

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l id --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'bench/*' --no-obsolete
	$(PY) manage.py compilemessages -l id --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*

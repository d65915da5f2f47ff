# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
PYTEST_ARGS ?= -n 2

.PHONY: demo test test-sqlite test-postgres test-cluster setup venv npm messages system-packages bench bench-load serve lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

venv: $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt

npm:
	npm install --no-audit --no-fund --loglevel=error

system-packages:
	bash scripts/system-packages.sh

messages: venv
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0; fi

setup: venv npm messages

demo: setup
	$(PY) manage.py migrate -v0
	$(PY) manage.py demo_data --scale county --if-empty
	@echo "Open http://127.0.0.1:8000 and log in with one of the accounts above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: system-packages setup
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) test-cluster

test-sqlite:
	@echo "== test suite on SQLite =="
	$(PYTEST) $(PYTEST_ARGS)

# Two app servers, a Celery worker, Redis and nginx over PostgreSQL, with no shared disk (scripts/cluster.py).
test-cluster:
	@echo "== several app servers, a worker and one store =="
	bash scripts/cluster.sh

test-postgres:
	@echo "== test suite on PostgreSQL =="
	bash scripts/with-postgres.sh $(PYTEST) $(PYTEST_ARGS)

bench: setup
	bash scripts/with-postgres.sh $(PY) bench/run.py

# 64 users against gunicorn on the county and the city (bench/load.py); a port of its own beside other servers.
bench-load: setup
	PGPORT_THROWAWAY=$${PGPORT_THROWAWAY:-55441} bash scripts/with-postgres.sh $(PY) bench/load.py $(LOAD_ARGS)

# Production: settings from the environment (README, Deployment). Refuses DEBUG or a missing SECRET_KEY
# (the deployment checks), unapplied migrations; then collects the static files and runs gunicorn.
serve: setup
	$(PY) manage.py check --deploy --fail-level WARNING
	@$(PY) manage.py migrate --check -v0 || { echo "Unapplied migrations: run '$(PY) manage.py migrate' first."; exit 1; }
	$(PY) manage.py collectstatic --noinput -v0
	exec $(VENV)/bin/gunicorn -c jiceng/gunicorn.conf.py jiceng.wsgi

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

# Traject: `make run` starts the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_SCALE ?= 0.05
BACKUP ?= var/backup.dump

.PHONY: run test lint install messages worker beat backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --scale $(DEMO_SCALE) --if-empty
	@echo "Traject runs on http://127.0.0.1:8000 (stop with Ctrl-C)."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale nl --ignore "$(VENV)/*" --ignore "tests/*"
	$(BIN)/python manage.py compilemessages --ignore "$(VENV)/*" --ignore "tests/*"

worker: $(STAMP)
	$(BIN)/celery --app traject worker --loglevel INFO

beat: $(STAMP)
	$(BIN)/celery --app traject beat --loglevel INFO --schedule var/celerybeat-schedule

backup:
	pg_dump --format custom --no-owner --dbname "$(DATABASE_URL)" --file "$(BACKUP)"

restore:
	pg_restore --clean --if-exists --no-owner --dbname "$(DATABASE_URL)" "$(BACKUP)"

# Traject: `make run` starts the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_SCALE ?= 0.05
BACKUP ?= var/backup.dump

.PHONY: run run-sso sso-provider feeds test lint install messages worker beat backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

FEEDS_PORT ?= 8040
FEEDS := http://127.0.0.1:$(FEEDS_PORT)
export ORGANISATION_REGISTRY_URL ?= $(FEEDS)
export STAFF_FEED_URL ?= $(FEEDS)/files/staff.jsonl
export PROCESS_FEED_URL ?= $(FEEDS)/files/processes.jsonl

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --scale $(DEMO_SCALE) --if-empty
	@echo "Traject runs on http://127.0.0.1:8000 (stop with Ctrl-C);"
	@echo "the stand-in of the authentic sources on $(FEEDS)."
	@$(BIN)/python -m sources.standin --port $(FEEDS_PORT) \
		--file sources/fixtures/organisations.json --directory sources/fixtures & \
	standin=$$!; trap "kill $$standin 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The demo with single sign-on: the OpenID Connect stand-in offers the demo's
# people (objectives/demo/data/sso_identities.json); LOCAL_LOGIN_ENABLED=0
# takes the password form away.
SSO_PORT ?= 8050
SSO := http://127.0.0.1:$(SSO_PORT)
LOCAL_LOGIN_ENABLED ?= 1
SSO_ENV := OIDC_ENABLED=1 LOCAL_LOGIN_ENABLED=$(LOCAL_LOGIN_ENABLED) OIDC_ISSUER=$(SSO) \
	OIDC_AUTHORIZATION_ENDPOINT=$(SSO)/authorize OIDC_TOKEN_ENDPOINT=$(SSO)/token \
	OIDC_USERINFO_ENDPOINT=$(SSO)/userinfo OIDC_JWKS_ENDPOINT=$(SSO)/jwks \
	OIDC_CLIENT_ID=traject OIDC_CLIENT_SECRET=traject-demo-secret

run-sso: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --scale $(DEMO_SCALE) --if-empty
	@echo "Traject runs on http://127.0.0.1:8000 with single sign-on (Ctrl-C stops);"
	@echo "the OpenID Connect stand-in on $(SSO), the sources' on $(FEEDS)."
	@$(BIN)/python -m sources.standin --port $(FEEDS_PORT) \
		--file sources/fixtures/organisations.json --directory sources/fixtures & \
	standin=$$!; \
	$(BIN)/python -m traject.oidc_standin --port $(SSO_PORT) & \
	provider=$$!; trap "kill $$standin $$provider 2>/dev/null" EXIT INT TERM; \
	$(SSO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

sso-provider: $(STAMP)
	$(BIN)/python -m traject.oidc_standin --port $(SSO_PORT)

feeds: $(STAMP)
	$(BIN)/python -m sources.standin --port $(FEEDS_PORT) \
		--file sources/fixtures/organisations.json --directory sources/fixtures

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

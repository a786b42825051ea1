# Genomics Collaboration Portal — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install system-deps browser-deps bench-deps run test lint fmt migrate worker beat bench lock

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

install: $(BIN)/.installed system-deps ## Create .venv and install the pinned dependencies

system-deps: ## Install Pango for WeasyPrint (as root; names the packages otherwise)
	@scripts/system-deps.sh pango

browser-deps: ## Install Debian's Chromium for the browser tests
	@scripts/system-deps.sh chromium

run: install ## Migrate, load the demo, start web + worker + beat (Ctrl-C stops all)
	DEBUG=$${DEBUG:-true} $(MANAGE) migrate --no-input
	DEBUG=$${DEBUG:-true} $(MANAGE) sync_schedules
	DEBUG=$${DEBUG:-true} $(MANAGE) seed_demo
	@echo ""
	@echo "  Portal:    http://127.0.0.1:$(PORT)/"
	@echo "  API docs:  http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Logins:    admin, ministry, approver, nih_lead, nih_expert, nih_expert2, bgi_liaison, api_client"
	@echo "  Password:  $$(DEBUG=true $(BIN)/python -c 'import django,os;os.environ.setdefault("DJANGO_SETTINGS_MODULE","portal.settings.base");django.setup();from django.conf import settings;print(settings.DEMO_PASSWORD)')"
	@echo ""
	DEBUG=$${DEBUG:-true} WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho start -f Procfile.dev

test: install browser-deps ## Run the whole test suite
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install ## ruff, djLint, mypy, import-linter, checks, migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	$(BIN)/mypy portal collaboration delegations mou genebank reports overview search events
	$(BIN)/lint-imports
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

fmt: install ## Fix what ruff can, format code and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

migrate: install ## Apply migrations
	$(MANAGE) migrate

worker: install ## Run a Celery worker
	$(BIN)/celery -A portal worker -l info

beat: install ## Run Celery beat (database scheduler)
	$(BIN)/celery -A portal beat -l info

bench-deps: ## Install wrk, the load tool of the benchmark
	@scripts/system-deps.sh bench

bench: install bench-deps ## Seed a large programme, load it under gunicorn + wrk, write bench/results.json
	$(BIN)/python bench/run.py

lock: ## Re-pin requirements/constraints.txt from the current .venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt

.PHONY: messages
MESSAGES_IGNORE := --ignore=.venv --ignore=static/vendor --ignore=tests --ignore=var --ignore=node_modules --ignore=bench --ignore=backups
messages: $(BIN)/.installed ## Update locale/*.po from the code (Urdu, Chinese) and compile the .mo files
	$(MANAGE) makemessages -l ur -l zh_Hans --no-obsolete $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages -l ur -l zh_Hans $(MESSAGES_IGNORE)

backup: install ## Back up the database and uploads into backups/<timestamp>/ (SHA-256 manifest)
	$(MANAGE) backup

restore: install ## Restore BACKUP=<dir> into the (fresh) DATABASE_URL database; FORCE=1 replaces
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=backups/<timestamp> [FORCE=1]"; exit 2; }
	$(MANAGE) restore "$(BACKUP)" $(if $(filter 1,$(FORCE)),--force,)

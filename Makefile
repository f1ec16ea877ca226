# The two commands: `make run` serves the portal, `make test` runs the whole suite.
# Both create or update the virtual environment in .venv first.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

# The first Python >= 3.12 found: python3.14 … python3, then pyenv's installed versions.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v "$$p"; break; fi; done)

# Development defaults; production sets its own environment (see .env.example).
DEV_ENV := DEBUG=1 SECRET_KEY=$${SECRET_KEY:-unsicherer-schluessel-nur-fuer-die-entwicklung}
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-unsicherer-schluessel-nur-fuer-tests} SECURE_SSL_REDIRECT=0

.PHONY: help run test test-html vnu lint fmt superuser seed bench bench-pdf loadtest backup restore lock clean messages

help:
	@echo "make run        – Umgebung einrichten, Datenbank migrieren, Seed-Daten laden, http://127.0.0.1:8000 und den Task-Worker starten"
	@echo "make test       – alle Tests (SQLite; PostgreSQL mit DATABASE_URL=postgres://…)"
	@echo "make test-html  – nur die HTML-Prüfung aller Seitentypen (Nu Html Checker, braucht npm und Java)"
	@echo "make lint       – ruff, hadolint, Migrations- und Systemprüfung"
	@echo "make fmt        – Code formatieren"
	@echo "make superuser  – ein Administrationskonto anlegen"
	@echo "make bench      – Seiten und PDFs messen: Portal gegen bloßes Django (wrk), Seed-Daten und 10.000 Maßnahmen, zwei Server"
	@echo "make bench-pdf  – nur die PDFs: erstes Erzeugen, Cache, Speicher (Seed-Daten und +500 Maßnahmen)"
	@echo "make loadtest   – Lasttest: gunicorn (Produktionseinstellungen, PostgreSQL), 50 Clients 60 s mit wrk"
	@echo "make backup     – Inhalte, Konten und Verlauf sichern (FILE=…, Standard backups/…json)"
	@echo "make restore FILE=… – eine Sicherung in eine leere Datenbank einspielen"
	@echo "make lock       – Abhängigkeiten neu auflösen (requirements*.lock)"
	@echo "make messages   – die Übersetzungen (locale/…/*.po) kompilieren"

$(VENV)/.installed: requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "Kein Python >= 3.12 gefunden. Bitte Python 3.12 oder neuer installieren" \
		     "oder PYTHON=/pfad/zu/python3 angeben."; exit 1; fi
	@echo "Python: $(PYTHON)"
	test -x $(PY) || "$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# The project's translations (locale/*/LC_MESSAGES/*.po), compiled to the .mo files Django
# reads; Babel's pure-Python compiler, so GNU gettext need not be installed. The .mo files
# are not committed: every run, test and image build makes them from the .po files.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

messages: $(CATALOGUES)

locale/%.mo: locale/%.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# The web server and, beside it, the task worker that renders the PDFs; Ctrl+C ends both.
run: $(VENV)/.installed messages
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) load_seed
	$(DEV_ENV) $(MANAGE) renew_publications
	$(DEV_ENV) $(MANAGE) schedule_reminders
	$(DEV_ENV) $(MANAGE) schedule_subscription_mails
	$(DEV_ENV) $(MANAGE) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: $(VENV)/.installed messages
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# The Nu Html Checker (vnu.jar, pinned), from npm into build/; its test runs with `make
# test` once it is there (CI installs it first) and alone with `make test-html`.
VNU_VERSION := 26.9.27
VNU_JAR := build/vnu/node_modules/vnu-jar/build/dist/vnu.jar

vnu: $(VNU_JAR)

$(VNU_JAR):
	npm install --prefix build/vnu --no-save --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION)
	test -f $@

test-html: $(VENV)/.installed messages $(VNU_JAR)
	$(TEST_ENV) VNU_REQUIRED=1 $(BIN)/pytest tests/iserlohn_digital/test_html_valid.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run
	$(DEV_ENV) $(MANAGE) check

fmt: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(VENV)/.installed messages
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) createsuperuser

seed: $(VENV)/.installed messages
	$(DEV_ENV) $(MANAGE) load_seed

# Benchmarks run on their own database file, never on the one of `make run`.
BENCH_ENV := SECRET_KEY=$${SECRET_KEY:-unsicherer-schluessel-nur-fuer-die-entwicklung} ALLOWED_HOSTS=testserver DATABASE_URL=sqlite:///$(CURDIR)/bench.sqlite3 MEDIA_ROOT=$(CURDIR)/bench-media

bench-pdf: $(VENV)/.installed messages
	rm -rf bench.sqlite3* bench-media
	$(BENCH_ENV) $(MANAGE) migrate --noinput --verbosity 0
	$(BENCH_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(BENCH_ENV) $(MANAGE) load_seed
	$(BENCH_ENV) $(MANAGE) bench_publications --label "(Seed-Daten)"
	$(BENCH_ENV) $(MANAGE) generate_measures 500
	$(BENCH_ENV) $(MANAGE) bench_publications --label "(Seed-Daten + 500 erzeugte)"
	rm -rf bench.sqlite3* bench-media

# Needs PostgreSQL (PERF_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432), Redis
# (PERF_REDIS_URL, default database 15 on 127.0.0.1:6379) and wrk (apt-get install wrk).
loadtest: $(VENV)/.installed messages
	$(PY) -m perf.loadtest

# Portal against bare Django's hello with wrk, seed data and 10,000 measures (perf/bench.py),
# then the PDF figures; needs what `make loadtest` needs.
bench: $(VENV)/.installed
	$(PY) -m perf.bench
	$(MAKE) --no-print-directory bench-pdf

FILE ?= backups/iserlohn-digital-$(shell date +%Y-%m-%d-%H%M).json

backup: $(VENV)/.installed
	mkdir -p $(dir $(FILE))
	$(MANAGE) backup $(FILE)

restore: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) restore $(FILE)

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 --universal --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 --universal --generate-hashes -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache $(CATALOGUES)

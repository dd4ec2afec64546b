# The two commands for a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
LIGHTHOUSE := bench/lighthouse

.PHONY: run test test-postgres test-redis serve install install-test lint format migrate seed editor clean \
	bench bench-quick bench-import bench-engines bench-hit-path lighthouse soak backup restore messages

# Installs are redone only when pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: set up, migrate and seed the SQLite database, and serve on http://127.0.0.1:$(PORT)
run: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) seed_directory
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

## test: the whole suite (DATABASE_URL picks the database; SQLite by default)
test: install-test
	$(BIN)/python -m pytest

## test-postgres: the whole suite on PostgreSQL: the server on 127.0.0.1:5432 when it answers,
## otherwise a throwaway cluster from the installed server binaries, as CI does (.ci/with-postgres)
test-postgres: install-test
	bash .ci/with-postgres $(BIN)/python -m pytest

## test-redis: the whole suite with the cache in Redis (127.0.0.1:6379 database 13, which the tests
## empty, or a throwaway redis-server), as CI's PostgreSQL pass does (.ci/with-redis)
test-redis: install-test
	bash .ci/with-redis $(BIN)/python -m pytest

## serve: production-like: DEBUG off, hashed and compressed static files, gunicorn
serve: install
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) migrate --no-input
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" \
	DJANGO_SSL_REDIRECT="$${DJANGO_SSL_REDIRECT:-0}" \
	$(BIN)/gunicorn directory.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

## bench: load 10,000 then 100,000 synthetic organisations into PostgreSQL, drive gunicorn with
## wrk and print the tables (docs/performance.md); about 30 minutes.
bench: install
	$(BIN)/python bench/run.py

## bench-quick: a smoke run of the benchmark: 1,000 organisations, 3 s per page.
bench-quick: install
	BENCH_SIZES=1000 BENCH_SECONDS=3 $(BIN)/python bench/run.py

## soak: gunicorn and a throwaway PostgreSQL under wrk's load for 75 s while a worker is killed and
## PostgreSQL restarts; prints errors per fault window, recovery time and PASS/FAIL (bench/soak.py).
soak: install
	$(BIN)/python bench/soak.py

## backup: dump the database DATABASE_URL names (the SQLite file of `make run` by default) to backups/
backup: install
	$(MANAGE) backup_database

## restore: load a dump into an empty database, then migrate: `make restore FILE=backups/...`
## (FORCE=1 loads it over a database that already has tables)
restore: install
	$(MANAGE) restore_database "$(FILE)" $(if $(filter 1,$(FORCE)),--force)

## bench-import: import_openreferral on one NDJSON file of 5,000 then 50,000 services into a fresh
## PostgreSQL database, twice each: seconds, services a second, peak memory (about 10 minutes)
bench-import: install
	$(BIN)/python bench/import_size.py

## bench-hit-path: what each middleware costs per request, in one process, against the benchmark's
## database (after make bench); --profile PATH for a profile (docs/performance.md)
bench-hit-path: install
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/directory_bench}" \
	$(BIN)/python bench/hit_path.py

## bench-engines: Django's templates against Jinja2 for the list's cards (after make bench)
bench-engines: install-test
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/directory_bench}" \
	$(BIN)/python bench/engines.py

## lighthouse: Lighthouse (mobile, Debian's Chromium) on the home, list, detail and signposting
## pages served by gunicorn with DEBUG off; scores, KB transferred and the targets (about 90 s).
lighthouse: install $(LIGHTHOUSE)/node_modules/.installed
	$(BIN)/python bench/lighthouse.py

# Lighthouse from npm, exactly as package-lock.json says; redone only when the lock file changes.
$(LIGHTHOUSE)/node_modules/.installed: $(LIGHTHOUSE)/package-lock.json $(LIGHTHOUSE)/package.json
	@command -v npm >/dev/null || { echo "make lighthouse needs Node.js 18.16+ and npm" >&2; exit 1; }
	cd $(LIGHTHOUSE) && npm ci --no-audit --no-fund
	touch $@

## messages: bring each catalogue (locale/<lang>/LC_MESSAGES/django.po) up to date with the marked
## strings, then compile the django.mo beside it; commit both (docs/translating.md). Needs GNU
## gettext (apt-get install gettext): a developer's machine only, since make run and make test read
## the committed .mo files and compile_translations is pure Python (polib).
messages: install-test
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext (apt-get install gettext)" >&2; exit 1; }
	$(MANAGE) makemessages --all --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(MANAGE) compile_translations

# What make messages leaves out: the tools, the tests and what they write, and the admin, which is
# always in English (its URLs have no language prefix), so its strings are no translator's work.
# Locations are file names only (--add-location=file): reviewers see where a string is used, and
# moving a line changes nothing. tests/test_translations.py reads this list.
MESSAGES_IGNORE := --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles \
	--ignore=node_modules --ignore='*.egg-info' --ignore=build --ignore=backups \
	--ignore=templates/admin --ignore=templates/simple_history \
	--ignore=admin.py --ignore=admin_site.py --ignore=history_admin.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: install
	$(MANAGE) migrate --no-input

seed: install
	$(MANAGE) seed_directory

## editor: make an editor account and enrol their authenticator app, e.g. `make editor NAME=amina EMAIL=amina@example.org`
editor: install
	$(MANAGE) create_editor "$(NAME)" --email "$(EMAIL)"
	$(MANAGE) enrol_totp "$(NAME)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info $(LIGHTHOUSE)/node_modules

# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench translations extract-messages screenshots clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d volunteer/translations >/dev/null

# Serve the site with demo data on http://$(HOST):$(PORT), and the job worker beside it
# (batches and whole-tree exports run there, on a SQLite queue in instance/; stopped on exit).
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite; TEST_DATABASE_URL=postgresql://... runs it on PostgreSQL.
test: $(STAMP) translations
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) translations
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# PNGs of the main phone pages (demo data, scratch database) under docs/screenshots/
screenshots: $(STAMP) translations
	$(BIN)/python bench/screenshots.py

# Refresh the message catalogs after adding or changing UI strings.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o volunteer/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i volunteer/translations/messages.pot -d volunteer/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

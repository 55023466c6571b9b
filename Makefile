# Lifeline — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
export PORT

TRANSLATIONS := app/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
PYBABEL := $(BIN)/pybabel

.PHONY: run test check install setup lint bench clean translations messages new-language

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

# Languages (README "Languages"): compile each catalog; `make messages` re-extracts the text
# and updates every catalog; `make new-language CODE=fr` starts one more.
translations: $(CATALOGS:.po=.mo)

$(TRANSLATIONS)/%.mo: $(TRANSLATIONS)/%.po | $(VENV)/.installed
	$(PYBABEL) -q compile -i $< -o $@

messages: $(VENV)/.installed
	$(PYBABEL) -q extract -F babel.cfg -k lazy_gettext -k _l --add-comments=Translators: \
	  --project=Lifeline --msgid-bugs-address=dev@lifeline.invalid -o $(TRANSLATIONS)/messages.pot .
	$(PYBABEL) -q update -N -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(MAKE) translations

new-language: $(VENV)/.installed
	@test -n "$(CODE)" || { echo "make new-language CODE=xx (an ISO 639-1 code)"; exit 2; }
	$(PYBABEL) init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(CODE)

# Migrate, load the standard catalog and seed the demo data into a new database only (never twice).
setup: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) catalog load
	$(FLASK) demo seed --if-new-database

run: setup
	$(BIN)/python -m workers.run_all

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

# Security and quality gates: lint, no high-severity bandit findings, known-vulnerability audit.
# The audit fails when the advisory database cannot be reached, unless AUDIT_OFFLINE_OK=1.
check: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r app workers --severity-level high
	$(BIN)/python scripts/audit_dependencies.py

bench: install
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache

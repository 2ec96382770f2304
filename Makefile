# Two commands set everything up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := survey_app

.DEFAULT_GOAL := help
.PHONY: help run test lint migration bench demo serve setup translations messages clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations: $(VENV)/.installed  ## Compile the interface translations (.po -> .mo)
	$(BIN)/pybabel compile -d survey_app/translations

messages: $(VENV)/.installed  ## Re-extract interface strings into messages.pot and update the .po files
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --omit-header -o survey_app/translations/messages.pot .
	$(BIN)/pybabel update --omit-header -i survey_app/translations/messages.pot -d survey_app/translations

setup: $(VENV)/.installed translations  ## Migrate the embedded database and load reference data + questionnaires
	$(BIN)/flask db upgrade
	$(BIN)/flask reference load reference/
	$(BIN)/flask questionnaires load questionnaires/
	$(BIN)/flask users ensure-admin

# Debug mode reloads code; the interactive debugger stays off (the app's own error page
# answers a 500: a traceback with locals is no page for whoever reaches the port).
run: export FLASK_DEBUG := 1
run: instance/secret_key setup  ## Set up and serve the app on 127.0.0.1:$(PORT) (development server + task worker)
	@# The task queue's worker runs beside the server and stops with it.
	@$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --no-debugger --host 127.0.0.1 --port $(PORT)

# On a laptop the key is random, generated once into instance/secret_key (readable by its
# owner only); the app reads it whenever SECRET_KEY is not set, so `make run`, `make serve`
# and every `.venv/bin/flask` command in another terminal sign with the same key.
instance/secret_key:
	@mkdir -p instance
	@(umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@) \
	  && echo "generated instance/secret_key (mode 0600)"

serve: $(VENV)/.installed translations  ## Production-like: set up, then gunicorn (several workers, no debug) on 127.0.0.1:$(PORT)
	@# Production sets SECRET_KEY; without it the app uses instance/secret_key.
	@if [ -z "$$SECRET_KEY" ]; then $(MAKE) --no-print-directory instance/secret_key; fi
	@$(MAKE) --no-print-directory setup
	@# Several workers need one store of the rate limits (gunicorn.conf.py refuses
	@# memory://): without RATELIMIT_STORAGE_URI a private Redis, on a socket in
	@# instance/ and keeping nothing on disk, runs beside gunicorn and stops with it.
	@if [ -z "$$RATELIMIT_STORAGE_URI" ]; then \
	  redis-server --port 0 --unixsocket $(CURDIR)/instance/redis.sock --unixsocketperm 700 \
	    --save '' --appendonly no --daemonize yes --pidfile $(CURDIR)/instance/redis.pid \
	    --logfile $(CURDIR)/instance/redis.log && \
	  export RATELIMIT_STORAGE_URI=redis+unix://$(CURDIR)/instance/redis.sock && \
	  trap 'kill $$(cat $(CURDIR)/instance/redis.pid) 2>/dev/null' EXIT INT TERM; fi; \
	  COMPRESS_RESPONSES=$${COMPRESS_RESPONSES:-1} \
	  $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) survey_app.wsgi:app

bench: $(VENV)/.installed translations  ## Benchmarks beside baselines measured in the same run (bench/README.md)
	$(BIN)/python bench/run.py

# The demo never touches the real database: its own file, recreated each time.
DEMO_DB        := $(CURDIR)/instance/demo.sqlite3
DEMO_RESPONSES ?= 30000
DEMO_YEAR      ?= $(shell expr $$(date -u +%Y) - 1)
demo: export DATABASE_URL = sqlite:///$(DEMO_DB)
demo: export FLASK_DEBUG = 1
demo: $(VENV)/.installed translations  ## Serve a demo (instance/demo.sqlite3): a synthetic year of responses, demo logins
	mkdir -p instance && rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/flask db upgrade
	$(BIN)/flask reference load reference/
	$(BIN)/flask questionnaires load questionnaires/
	$(BIN)/flask demo seed --responses $(DEMO_RESPONSES) --year $(DEMO_YEAR)
	@echo "Demo logins at http://127.0.0.1:$(PORT)/staff/login (the data is of $(DEMO_YEAR):"
	@echo "open http://127.0.0.1:$(PORT)/staff/?period=$(DEMO_YEAR) and /staff/reports?period=$(DEMO_YEAR))"
	@$(BIN)/flask demo accounts
	$(BIN)/flask run --no-debugger --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed translations  ## Install with the dev extra and run the whole test suite
	$(BIN)/pytest

migration: $(VENV)/.installed  ## New Alembic revision from the models: make migration MSG="what changes"
	@test -n "$(MSG)" || { echo 'error: say what the revision does: make migration MSG="…"'; exit 2; }
	$(BIN)/flask db migrate -m "$(MSG)"

lint: $(VENV)/.installed  ## ruff, then mypy (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:  ## Remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

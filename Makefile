# Two entry points (see README): `make demo` and `make test`. Both set up everything they need
# from a fresh clone: a project-local virtualenv, the Kafka broker jars (mvn) and Beam's Prism
# runner (go install), cached under .cache/ so the second run starts at once.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install chromium demo test test-unit test-integration clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Debian's chromium for the dashboard's browser test (Playwright drives it; `playwright install`
# is never run). Idempotent: nothing happens when /usr/bin/chromium is there.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium (for the dashboard's browser test)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "/usr/bin/chromium is missing and installing it needs root: run 'sudo apt-get install -y chromium' (Debian's package), then make again" >&2; \
		exit 1; \
	fi

install: $(STAMP) chromium
	$(BIN)/refusal-monitor kafka install
	$(BIN)/python -c "from schemas import Settings; from infra import ensure_prism; print('prism:', ensure_prism(Settings()))"

demo: install
	$(BIN)/refusal-monitor demo

test: install
	$(BIN)/python -m pytest

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration"

clean:
	rm -rf $(VENV) var

# Every benchmark in turn, a summary table against the targets, benchmarks/results/all.json
# (docs/performance.md). `make bench BENCH_ARGS=--quick` is the few-minute smoke run.
.PHONY: bench
bench: install
	$(BIN)/python benchmarks/bench_all.py $(BENCH_ARGS)

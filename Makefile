# govern — two commands: `make demo` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
GOVERN := $(BIN)/govern

.PHONY: install demo test bench docs clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## demo: set up, then lint and diff the bundled example contracts
demo: $(STAMP)
	@echo "== govern lint contracts/ (every example contract, both revisions)"
	@$(GOVERN) lint contracts/ ; echo "   exit code $$?"
	@echo
	@echo "== govern lint --format json contracts/orders/v2/openapi.yaml (machine output)"
	@$(GOVERN) lint --format json contracts/orders/v2/openapi.yaml | head -20 ; true
	@echo
	@echo "== govern rules --kind lint"
	@$(GOVERN) rules --kind lint

## test: set up, then run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## bench: on-demand benchmarks (not part of make test)
bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py

## docs: regenerate docs/rules.md from the rule registry
docs: $(STAMP)
	$(GOVERN) rules --format markdown --output docs/rules.md

clean:
	rm -rf $(VENV) build dist .pytest_cache

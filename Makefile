# govern — two commands: `make demo` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
GOVERN := $(BIN)/govern

.PHONY: install demo test bench docs clean redis

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## demo: set up, then lint and diff the bundled example contracts
demo: $(STAMP)
	@echo "== govern lint contracts/   (every example contract, both revisions; the orders API leaves 5xx undocumented on purpose)"
	@$(GOVERN) lint contracts/ ; echo "   -> exit code $$?"
	@echo
	@echo "== govern diff contracts/orders/v1/openapi.yaml contracts/orders/v2/openapi.yaml   (REST)"
	@$(GOVERN) diff contracts/orders/v1/openapi.yaml contracts/orders/v2/openapi.yaml ; echo "   -> exit code $$?"
	@echo
	@echo "== govern diff contracts/payments/v1 contracts/payments/v2   (gRPC, buf categories)"
	@$(GOVERN) diff contracts/payments/v1 contracts/payments/v2 ; echo "   -> exit code $$?"
	@echo
	@echo "== govern diff contracts/events/v1/asyncapi.yaml contracts/events/v2/asyncapi.yaml   (events)"
	@$(GOVERN) diff contracts/events/v1/asyncapi.yaml contracts/events/v2/asyncapi.yaml ; echo "   -> exit code $$?"
	@echo
	@echo "== govern diff --mode FULL contracts/schemas/v1/order-placed.schema.json contracts/schemas/v2/order-placed.schema.json"
	@$(GOVERN) diff --mode FULL contracts/schemas/v1/order-placed.schema.json contracts/schemas/v2/order-placed.schema.json ; echo "   -> exit code $$?"
	@echo
	@echo "Exit code 1 above means: breaking changes found (as intended in the v2 examples)."

## redis: install redis-server (Debian) for the event-client end-to-end tests, if it is missing
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null \
	      || echo "warning: could not install redis-server; the Redis Streams tests will be skipped"; \
	  else echo "warning: no apt-get; install redis-server to run the Redis Streams tests"; fi; }

## test: set up, then run the whole test suite
test: $(STAMP) redis
	$(BIN)/python -m pytest

## bench: on-demand benchmarks (not part of make test); each script in benchmarks/ also runs alone
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/event_catalogue.py --runs 3
	$(BIN)/python benchmarks/proto_large_tree.py --files 3000
	$(BIN)/python benchmarks/check_repo.py
	$(BIN)/python benchmarks/openapi_speed.py --runs 3
	$(BIN)/python benchmarks/openapi_validation.py --runs 3 --agreement --mutations 2000

## docs: regenerate docs/rules.md from the rule registry
docs: $(STAMP)
	$(GOVERN) rules --format markdown --output docs/rules.md

clean:
	rm -rf $(VENV) build dist .pytest_cache

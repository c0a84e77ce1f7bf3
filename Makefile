# Two commands: `make run` starts the dashboard, `make test` runs ruff, mypy and the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_MODULES := frontend/node_modules/.package-lock.json

.PHONY: run test lint bench frontend clean js-deps

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The map's JavaScript tests and linter need Node.js and frontend/node_modules (npm installs the
# versions frontend/package-lock.json pins). Without npm they skip; users never need Node.js.
js-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  if [ ! -f $(NODE_MODULES) ] || [ frontend/package-lock.json -nt $(NODE_MODULES) ]; then \
	    cd frontend && npm ci --no-audit --no-fund; \
	  fi; \
	else echo "npm not found: the map's JavaScript tests will be skipped"; fi

test: lint js-deps
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_geodesy.py

# Rebuild the map component (src/mapviz/map_component/, committed) from frontend/: needs Node.js
# and npm; versions are pinned in frontend/package.json and package-lock.json.
frontend:
	cd frontend && npm ci --no-audit --no-fund && npm test && npm run build

clean:
	rm -rf $(VENV)

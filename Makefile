# Two commands: `make run` starts the dashboard, `make test` runs ruff, mypy and the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench frontend clean

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

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_geodesy.py

# Rebuild the map component (src/mapviz/map_component/, committed) from frontend/: needs Node.js
# and npm; versions are pinned in frontend/package.json and package-lock.json.
frontend:
	cd frontend && npm ci && npm run build

clean:
	rm -rf $(VENV)

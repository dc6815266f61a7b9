# One place that knows how to set the project up: `make run` and `make test` both start here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench anafpy-venv clean

# An editable install leaves the project's own modules uncompiled (pip compiles only what it copies). Compiled
# once here, they are read at every start, even where bytecode is never written (PYTHONDONTWRITEBYTECODE, a
# read-only checkout): about 0.1 s off each `anaf-sandbox up`. A file changed since is recompiled as it is imported.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q foundation mock_anaf mock_sbs demo_app sandbox bench
	touch $(STAMP)

## Start mock ANAF, mock SBS and the demo app, seeded (extra flags: make run ARGS="--fresh").
run: $(STAMP)
	$(BIN)/anaf-sandbox up $(ARGS)

## Run the whole test suite on two worker processes (make test PYTEST_WORKERS=0 runs it in one; extra flags:
## make test PYTEST_ARGS="-k rule").
PYTEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## Print the benchmark table.
bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

## Build .venv-anafpy (Python >= 3.12 with anafpy 0.13.3), so `make test` also runs anafpy against the sandbox.
anafpy-venv: $(STAMP)
	$(BIN)/python tests/e2e/thirdparty/anafpy_venv.py

clean:
	rm -rf $(VENV) .venv-anafpy .sandbox .pytest_cache

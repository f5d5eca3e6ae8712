# Two commands: `make report` builds an edition, `make test` runs the tests.
# Both create the virtual environment in .venv and install the project when missing.
YEAR ?= 2024
ENGINE ?= auto
# Parameter overrides, e.g.  make report PARAMS="-p estimation.nonresponse_factor.central=0.3"
PARAMS ?=
PYTHON ?= python3

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test validate synth clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/exploitation-report build $(YEAR) --engine $(ENGINE) $(PARAMS)

test: $(STAMP)
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/exploitation-report validate $(YEAR) $(PARAMS)

synth: $(STAMP)
	$(BIN)/exploitation-report synth

clean:
	rm -rf _build _output

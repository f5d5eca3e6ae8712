# Two commands: `make report` builds an edition, `make test` runs the tests.
# Both create the virtual environment in .venv and install the project when missing.
YEAR ?= 2024
ENGINE ?= auto
# Parameter overrides, e.g.  make report PARAMS="-p estimation.nonresponse_factor.central=0.3"
PARAMS ?=
# A named variant: builds _output/$(YEAR)--$(VARIANT)/ and leaves the base edition alone, e.g.
#   make report VARIANT=lowfactor            (overrides from params/variants/lowfactor.yml)
#   make report VARIANT=mincount PARAMS="-p suppression.min_count=10"
VARIANT ?=
VARIANT_FLAG := $(if $(VARIANT),--variant $(VARIANT))
# Only the steps whose inputs, parameters or code changed run again; FORCE=1 reruns every step.
FORCE ?=
FORCE_FLAG := $(if $(FORCE),--force)
PYTHON ?= python3

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test validate synth compare list batch clean

$(STAMP): pyproject.toml
	@echo "Installing the dependencies into $(VENV) (once, or after pyproject.toml changed): about 3 to 5 minutes."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# Bytecode for the project's own modules, as pip writes it for every other package.
	$(BIN)/python -m compileall -q src > /dev/null
	@touch $(STAMP)
	@echo "Dependencies installed."

report: $(STAMP)
	$(BIN)/exploitation-report build $(YEAR) --engine $(ENGINE) $(VARIANT_FLAG) $(FORCE_FLAG) $(PARAMS)

test: $(STAMP)
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/exploitation-report validate $(YEAR) $(VARIANT_FLAG) $(PARAMS)

# Refuses to overwrite existing files; add SYNTH="--force" (or --out another folder) on purpose.
synth: $(STAMP)
	$(BIN)/exploitation-report synth --year $(YEAR) $(SYNTH)

# What moved between the base edition and a variant: make compare VARIANT=lowfactor
compare: $(STAMP)
	$(BIN)/exploitation-report compare $(YEAR) $(YEAR)$(if $(VARIANT),--$(VARIANT))

list: $(STAMP)
	$(BIN)/exploitation-report list

# Every edition of params/ (years and variants), two at a time: workflow/Snakefile.
batch: $(STAMP)
	$(BIN)/snakemake --cores 2

clean:
	rm -rf _build _output

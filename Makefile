# matsim: fresh machine -> `make test` or `make demo`. Set-up runs only when setup.cfg changed.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
MPIEXEC := .venv/bin/mpiexec
STAMP := .venv/.setup-done
export MPLBACKEND ?= Agg

.PHONY: setup test test-serial test-mpi demo bench clean ngspice lint

setup: $(STAMP) ngspice

$(STAMP): setup.cfg pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[all]' mpich
	@touch $(STAMP)

# ngspice comes from the system package manager; install it when we are root and it is missing.
ngspice:
	@if command -v ngspice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing ngspice (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ngspice >/dev/null; \
	else \
	  echo "NOTE: ngspice not found and cannot be installed here (not root or no apt-get)."; \
	  echo "      Install it with your package manager (e.g. 'sudo apt-get install ngspice');"; \
	  echo "      tests that need it are skipped with that reason."; \
	fi

# Whole suite: serial tests, then MPI tests under mpiexec -n 2. pytest exit 5 (no tests) fails make.
test: setup test-mpi test-serial

test-serial: setup
	$(PY) -m pytest tests --ignore=tests/mpi -q

test-mpi: setup
	$(MPIEXEC) -n 2 $(PY) -m pytest tests/mpi -q -p no:cacheprovider

# Style (ruff: pyflakes, bugbear, stale noqa) and the import-layer contract (pyproject.toml).
lint: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports

# The main job: DFT -> KMC -> compact fit -> ngspice/Verilog-A -> crossbar, report in runs/hfo2_vcm_crossbar-small/
demo: setup
	.venv/bin/matsim info
	.venv/bin/matsim run workflows/hfo2_vcm_crossbar.yaml

# Benchmarks print speed figures; QUICK=1 uses small sizes (CI).
bench: setup
	@$(PY) -c "import badcrossbar" 2>/dev/null || { $(PIP) install -q --no-deps badcrossbar && $(PIP) install -q sigfig pathvalidate; } || echo "badcrossbar not installed: the crossbar benchmark skips its comparison"
	@set -e; for b in benchmarks/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(PY) $$b $(if $(QUICK),--quick,); done

clean:
	rm -rf .venv *.egg-info .pytest_cache

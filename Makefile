# `make run` and `make test` set up .venv from nothing (Python 3.11) and then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps ingest eval bench lint serve clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Optional system programs (Debian/Ubuntu, as root): chromium for the browser tests,
# tesseract-ocr to read image-only PDFs.
system-deps:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium tesseract-ocr

run: setup
	$(PY) -m qa ingest
	$(VENV)/bin/streamlit run chat_server.py --server.headless true --browser.gatherUsageStats false

test: setup
	$(PY) -m pytest

ingest: setup
	$(PY) -m qa ingest

serve: setup
	$(PY) -m qa serve

eval: setup
	$(PY) -m eval run --gold eval/gold.jsonl --out eval-report --baseline

bench: setup
	$(PY) -m eval bench --out bench-report --long-pdf data/corpus/3M_2018_10K.pdf

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf .deckqa test-artifacts eval-report bench-report fuzz-report .pytest_cache

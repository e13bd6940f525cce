# The GAN book. `make book` sets everything up and builds the book; `make test` sets everything
# up and runs the tests. Both are safe to re-run: nothing is reinstalled or re-executed unless
# its inputs changed.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHAPTERS_OUT := book/chapters
MATHJAX := _vendor/mathjax/es5/tex-chtml.js
# pip reads the machine's config; its notices about missing local mirrors are noise here
PIP_QUIET := PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: setup browser execute book test benchmark clean help

help:
	@echo "make book       set up, execute every chapter (quick profile) and build the HTML book"
	@echo "make test       set up, build the book, then run the unit tests, the browser and site tests and nbval"
	@echo "make benchmark  run the speed benchmarks in benchmarks/"
	@echo "make clean      remove the build, the executed chapters and the virtual environment"

# The stamp is newer than pyproject.toml once its pins are installed.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing ganlib and the pinned dependencies into $(VENV) (once)"
	@$(PIP_QUIET) $(PY) -m pip install -q -e '.[book,test]' 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	@touch $@

setup: $(VENV)/.installed

# tests/test_browser.py reads the built book in a real, headless Chromium. Playwright (pinned in
# the test extra) drives it; the browser itself is Debian's package, because Playwright's own
# download comes from a site these machines cannot reach. GANBOOK_CHROMIUM may name another one.
browser:
	@if [ -n "$${GANBOOK_CHROMIUM:-}" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian's chromium for the browser test (once)"; \
	  apt-get install -y -q chromium > .browser-install.log 2>&1 \
	    || { apt-get update -q >> .browser-install.log 2>&1 && apt-get install -y -q chromium >> .browser-install.log 2>&1; } \
	    || { cat .browser-install.log; echo "could not install chromium: install it, or set GANBOOK_CHROMIUM to a Chromium binary"; exit 1; }; \
	else \
	  echo "the browser test needs Chromium: install the chromium package (sudo apt-get install chromium)"; \
	  echo "or set GANBOOK_CHROMIUM to a Chromium or Chrome binary"; exit 1; \
	fi

# The runner skips chapters whose notebook, parameters and ganlib sources did not change.
execute: setup
	@$(PY) -m ganbook run --profile quick --out $(CHAPTERS_OUT) --no-fail-checks --quiet
	@$(PY) -m ganbook report $(CHAPTERS_OUT) -o $(CHAPTERS_OUT)/run_report.md

# MathJax is served from the built site so that formulas render with no network. Its files come
# from a pinned Python package (django-static-mathjax ships MathJax's es5 bundle as plain files;
# nothing of Django is used), so the book builds with Python and make alone.
$(MATHJAX): $(VENV)/.installed
	@rm -rf _vendor/mathjax && mkdir -p _vendor/mathjax
	@cp -r "$$($(PY) -c 'import mathjax, pathlib; print(pathlib.Path(mathjax.__file__).parent / "static/mathjax/es5")')" _vendor/mathjax/es5

book: execute $(MATHJAX)
	@$(VENV)/bin/jupyter-book build . --quiet --warningiserror --keep-going > _build.log 2>&1 || { cat _build.log; exit 1; }
	@echo "book built: $(CURDIR)/_build/html/index.html"

# The book is built first: the tests also read the built site (it must load nothing from outside).
test: book browser
	@$(PY) -m ganbook run --profile quick --out $(CHAPTERS_OUT) --quiet
	@$(PY) -m pytest -q -p no:cacheprovider tests --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(CHAPTERS_OUT)/*.ipynb

benchmark: setup
	@$(PY) benchmarks/train_speed.py
	@$(PY) benchmarks/stability_cost.py
	@$(PY) benchmarks/time_to_quality.py

clean:
	rm -rf _build _build.log $(CHAPTERS_OUT) _vendor $(VENV)

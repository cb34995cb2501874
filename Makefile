# Two commands: `make run` and `make test`. Both set everything up on a fresh machine and are
# quick no-ops for setup the second time (stamps for install, a fingerprint for training).
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export UV_PYTHON_DOWNLOADS := never
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: help setup train run test quick lint bench chat clean voice-tools test-tools deploy-check-tools

# Fonts for minority scripts (a file each package installs): the kiosk page serves them, the cards draw
# Khmer and Tai Viet with them (Andika: the Central Highlands letters; Noto: Khmer, Tai Viet).
FONTS := /usr/share/fonts-sil-andika/woff2/Andika-Regular.woff2:fonts-sil-andika \
	/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf:fonts-noto-core \
	/usr/share/fonts/truetype/noto/NotoSansTaiViet-Regular.ttf:fonts-noto-core

# Voice needs ffmpeg and espeak-ng (Debian), the kiosk and the cards the fonts; tests also drive a real
# Chromium for the kiosk page and start a throwaway PostgreSQL (Debian keeps initdb off PATH: pg_ctlcluster
# stands for the package), Redis, and nginx for deploy/nginx.conf (in /usr/sbin, not on a normal user's PATH).
voice-tools:
	@scripts/system_packages.sh --optional ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng
	@scripts/system_packages.sh --optional="the kiosk page and the cards use other fonts" $(FONTS)

test-tools:
	@scripts/system_packages.sh ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng chromium:chromium \
		chromedriver:chromium-driver pdftoppm:poppler-utils pg_ctlcluster:postgresql redis-server:redis-server \
		/usr/sbin/nginx:nginx $(FONTS)

# Pinned, hash-checked check tools for the deploy tests (compose schema, hadolint) into .tools/test-tools/.
deploy-check-tools: setup
	@$(BIN)/python -m tests.support.pinned_tools

help:
	@echo "make run    set up, train if needed, start the assistant on 127.0.0.1:5005"
	@echo "make test   set up, train if needed, run every test"
	@echo "make quick  unit tests only (about a minute, no servers)"
	@echo "make chat   chat in the terminal;  make bench   run the benchmarks;  make lint"

.tools/bin/uv:
	@echo "==> Installing uv $(UV_VERSION) (package installer)"
	@py=$$(scripts/find_python.sh) && "$$py" -m venv .tools && .tools/bin/pip install -q "uv==$(UV_VERSION)"

$(VENV)/.setup-stamp: pyproject.toml uv.lock | $(UV)
	@echo "==> Installing locked dependencies into $(VENV) (first time: about a minute)"
	@py=$$(scripts/find_python.sh) && $(UV) sync --frozen --all-extras --python "$$py"
	@touch $@

setup: $(VENV)/.setup-stamp

train: setup
	@$(BIN)/caunoi train

run: train voice-tools
	@$(BIN)/caunoi voice download vosk-small --if-online
	@$(BIN)/caunoi run

chat: train
	@$(BIN)/caunoi chat

test: train test-tools deploy-check-tools
	@$(BIN)/ruff check bot voice tests bench
	@$(BIN)/pytest

# The quick loop while coding: unit tests only (no trained model, servers, browser or speech model;
# the voice unit tests decode and speak with the real ffmpeg and espeak-ng).
quick: setup voice-tools
	@$(BIN)/ruff check bot voice tests bench
	@$(BIN)/pytest -m "not e2e" -q

lint: setup
	@$(BIN)/ruff check bot voice tests bench

bench: train
	@$(BIN)/python bench/nlu_eval.py
	@$(BIN)/python bench/latency.py

clean:
	rm -rf $(VENV) .tools models data

# Shipdeck: `make run` opens the app on the demo workspace, `make test` runs
# every check. Both install what is missing first (scripts/setup.sh).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

export CARGO_TARGET_DIR ?= $(HOME)/.cache/shipdeck-target
APP_FEATURES := --features shipdeck-app/custom-protocol
CLI := $(CARGO_TARGET_DIR)/debug/shipdeck
APP := $(CARGO_TARGET_DIR)/debug/shipdeck-app
DATA_DIR := $(or $(SHIPDECK_DATA_DIR),$(HOME)/.local/share/shipdeck)
DEMO ?= $(DATA_DIR)/demo-workspace
TOOLS := $(or $(SHIPDECK_TOOLS),$(HOME)/.cache/shipdeck-tools)
# Cargo profile `make package` bundles: release, or debug to reuse `make build`.
PROFILE ?= release

.PHONY: run test setup ui build lint unit e2e package package-check screenshots bindings bench bench-secrets bench-deps bench-bundle bench-coverage clean

setup:
	@scripts/setup.sh

ui: setup
	cd ui && npx vite build --logLevel warn

build: ui
	cargo build -p shipdeck -p shipdeck-app $(APP_FEATURES)

run: build
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run needs a display; on a headless machine use: xvfb-run -a make run" >&2; exit 1; fi
	@[ -d "$(DEMO)/.git" ] || "$(CLI)" demo create "$(DEMO)"
	"$(APP)" "$(DEMO)"

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets $(APP_FEATURES) -- -D warnings
	scripts/check-core-deps.sh
	scripts/check-size.sh
	cd ui && npm run --silent check && npm run --silent lint

unit: build
	cd ui && npm test --silent
	PATH="$(TOOLS)/bin:$$PATH" scripts/with-keyring.sh cargo test --workspace --exclude shipdeck-bench-hello $(APP_FEATURES)
	# The CLI again on a shared PostgreSQL store (a private server of the test kit).
	SHIPDECK_TEST_STORE=postgres PATH="$(TOOLS)/bin:$$PATH" scripts/with-keyring.sh cargo test --workspace --exclude shipdeck-bench-hello $(APP_FEATURES) --test cli

e2e: build
	tests/e2e/run.sh

test: lint unit e2e package-check

# The Debian package of the app with the CLI beside it (scripts/package.sh
# prints its path). PROFILE=debug bundles the build `make build` made.
package: ui
	@case "$(PROFILE)" in release|debug) ;; *) echo "PROFILE must be release or debug" >&2; exit 2;; esac
	cargo build $(if $(filter release,$(PROFILE)),--release) -p shipdeck -p shipdeck-app $(APP_FEATURES)
	scripts/package.sh $(PROFILE)

# The debug package, installed into a temporary root and run from there.
package-check: build
	tests/package/check.sh

# PNGs of every view for the docs.
screenshots: build
	SHIPDECK_SCREENSHOTS=$(CURDIR)/docs/screenshots tests/e2e/run.sh

# Regenerate ui/src/lib/bindings from the Rust types, and the capability and
# TS call wrappers from the command table (src-tauri/src/commands/table.rs).
bindings: ui
	SHIPDECK_UPDATE_BINDINGS=1 cargo test -p shipdeck-core --test bindings
	SHIPDECK_UPDATE_BINDINGS=1 cargo test -p shipdeck-app $(APP_FEATURES) --test seam
	cd ui && npx prettier --check src >/dev/null

bench: build
	@scripts/setup.sh --bench
	bench/startup/run.sh
	bench/secrets/run.sh
	bench/deps/run.sh
	bench/bundle/run.sh
	bench/coverage/run.sh

# Secret scanning against gitleaks and detect-secrets (~1.1 GB tree, 50,000 commits).
bench-secrets:
	@scripts/setup.sh --bench
	bench/secrets/run.sh

# Outdated dependencies (300 npm, 100 crates, 50 PyPI) against local registries, vs npm outdated.
bench-deps:
	@scripts/setup.sh --bench
	bench/deps/run.sh

# Next.js bundle analysis: a generated 500-route build, vs Next.js's own computation.
bench-bundle:
	@scripts/setup.sh --bench
	bench/bundle/run.sh

# Reading a 50 MB lcov tracefile, vs lcov --summary.
bench-coverage:
	@scripts/setup.sh --bench
	bench/coverage/run.sh

clean:
	rm -rf ui/dist ui/node_modules

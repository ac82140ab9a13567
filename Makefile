# The two commands of the README: `make dev` runs the platform on functions/, `make test` runs every test tier.
# Each installs what it needs first, so both work on a fresh machine.

FUNCTIONS ?= functions
PORT ?= 8080

.PHONY: dev test deps

deps: node_modules/.package-lock.json
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

dev: deps
	node bin/faas.js dev --functions $(FUNCTIONS) --port $(PORT)

test: deps
	bash test/run

# The two commands of the README: `make dev` runs the platform on functions/, `make test` runs every test tier.
# Each installs what it needs first, so both work on a fresh machine: a maintained Node (24 LTS from the
# npm registry when the machine's is older than 22), uv (from its PyPI wheel when missing), npm packages.

FUNCTIONS ?= functions
PORT ?= 8080

export FAAS_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/poorman-faas
# Evaluated once per make run; each prints nothing when the machine's own tool will do.
TOOL_DIRS := $(shell bash build/ensure-node) $(shell bash build/ensure-uv)
export PATH := $(foreach dir,$(TOOL_DIRS),$(dir):)$(PATH)

.PHONY: dev test deps

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

dev: deps
	node bin/faas.js dev --functions $(FUNCTIONS) --port $(PORT)

test: deps
	bash test/run

# weir's build. The two commands a new machine needs:
#   make demo   build weir and run `weir demo` (simulate an estate, ingest it, serve the API)
#   make test   install what the tests need, then run every test
# Everything else is here for developers: make build, make bench, make fuzz.

# duckdb-go's Arrow interface (the store's fast load path) needs this tag on every build.
export GOFLAGS := -tags=duckdb_arrow
GO ?= go

.PHONY: all build console deps geo demo test test-short bench eval fuzz vet clean

all: build

# deps installs the Debian packages and tools the build and tests use (idempotent).
deps:
	bash scripts/install-deps.sh

# geo fetches the bundled country and ASN data that the binary embeds.
geo:
	bash scripts/fetch-geo.sh

# console builds the web console (web/) into web/dist, which the binary embeds.
# npm ci runs only when package-lock.json is newer than the installed modules.
console:
	cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build

build: geo console
	$(GO) build -o bin/weir ./cmd/weir

demo: deps build
	./bin/weir demo

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

test: deps geo console vet
	cd web && npm test
	WEIR_REQUIRE_GEO=1 $(GO) test -count=1 -timeout 20m ./...

test-short: geo console
	$(GO) test -short ./...

# bench prints one line per figure of the README's performance table.
bench: build
	bash scripts/bench.sh

# eval scores the detectors against the simulator's truth over three seeds and two estate sizes.
eval: build
	bash scripts/eval.sh

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf bin weir-data web/node_modules web/e2e/artifacts

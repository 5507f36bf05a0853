#!/usr/bin/env bash
# bench.sh prints weir's pipeline figures (one line each) with the real binary:
# ingest speed and RSS for AWS VPC v5 gzip and Azure VNet JSON, bytes per flow on
# disk at 10M flows, and the latency of `weir flows 'src.ip = X'` over 24 h.
# Last, the size of the console's JavaScript.
# Smaller runs: BENCH_AWS=1000000 BENCH_AZURE=200000 make bench
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./tools/bench -weir bin/weir -aws "${BENCH_AWS:-10000000}" -azure "${BENCH_AZURE:-1000000}"
# The console's download size (the Hub's render time is a figure of the console
# e2e test: go test -run TestConsoleE2E -v ./cmd/weir).
(cd web && npm run -s size)

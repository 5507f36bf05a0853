#!/usr/bin/env bash
# fuzz.sh runs every fuzz target for FUZZTIME each (default 20s). The seeds alone run
# in `make test`; this searches further. Findings land in the package's
# testdata/fuzz/ and then fail `make test` until fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
time="${FUZZTIME:-20s}"
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
		echo "fuzz: $pkg $target ($time)"
		# -fuzzminimizetime keeps minimisation of a slow input from stalling the run.
		go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" -fuzzminimizetime 1x
	done
done

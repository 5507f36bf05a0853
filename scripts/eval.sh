#!/usr/bin/env bash
# eval.sh measures the detectors against the simulator's truth: for each seed and
# estate size it simulates 48 hours, ingests them, hunts the second day against the
# first and scores the findings (`weir eval`). It prints one table per run and a
# summary line each. Usage: scripts/eval.sh [seeds] [sizes], e.g. "1 2 3" "60 200".
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-1 2 3}"
sizes="${2:-60 200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
weir=bin/weir
for size in $sizes; do
	for seed in $seeds; do
		logs="$work/logs-$size-$seed" data="$work/data-$size-$seed"
		"$weir" simulate --out "$logs" --hours 48 --seed "$seed" --workloads "$size" >/dev/null
		"$weir" ingest --data "$data" --inventory "$logs/inventory.yaml" --intel "$logs/intel/weir-sim-level1.netset" \
			--intel "$logs/intel/drop.txt" --sanctioned-llm "Azure OpenAI" \
			"$logs/aws" "$logs/azure" "$logs/gcp" "$logs/zeek" "$logs/route53" >/dev/null
		echo "== seed $seed, $size workloads"
		"$weir" eval --data "$data" --truth "$logs/truth.json"
	done
done

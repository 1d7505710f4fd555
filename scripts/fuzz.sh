#!/usr/bin/env bash
# Runs every Go fuzz target of the module for FUZZTIME each (default 5m).
# Minimization is capped at 10s an input (carbon.xml seeds are large and
# would otherwise stall the run for a minute each); FUZZPARALLEL sets workers.
# Targets are discovered per package with `go test -list '^Fuzz'`, so a new
# FuzzXxx function is picked up without touching this script.
set -euo pipefail

fuzztime="${FUZZTIME:-5m}"
cd "$(dirname "$0")/.."

ran=0
while read -r pkg; do
	targets="$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)"
	for target in $targets; do
		echo "=== fuzz $pkg $target for $fuzztime"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 10s -parallel "${FUZZPARALLEL:-2}" "$pkg"
		ran=$((ran + 1))
	done
done < <(go list ./...)

if [ "$ran" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz: $ran target(s) ran for $fuzztime each without a failure"

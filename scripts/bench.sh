#!/usr/bin/env bash
# make bench: the Go micro-benchmarks, then the side-by-side comparison of
# bench/ (our provider, the no-op floor, terraform_data, Ansible, raw
# OpenSSH) for N = 100 and 400, locally and over SSH at RTT 0, 5, 50 and
# 100 ms: on APIM 2.1.0 homes, writing bench/results/, then on APIM 4.2.0
# homes, writing bench/results-4.2.0/. Arguments go to both runs of
# `go run ./bench` after those flags, so they win (see `go run ./bench -h`);
# with -homes or -out among them there is one run, as given (make
# bench-quick passes -out). As root on Debian it installs what the comparison
# needs: ansible (with community.general), python3-lxml, gnuplot-nox, time,
# procps, besides what `make test` needs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-prereqs.sh

need=()
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
/usr/bin/python3 -c 'import lxml' >/dev/null 2>&1 || need+=(python3-lxml)
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
[ -x /usr/bin/time ] || need+=(time)
command -v pkill >/dev/null 2>&1 || need+=(procps)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
if ((${#need[@]})); then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "make bench: missing ${need[*]}; install them (Debian package names) and run again" >&2
		exit 1
	fi
	echo "make bench: apt-get install ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
fi

# BENCH_MICRO=0 (make bench-quick) skips the micro-benchmarks.
if [ "${BENCH_MICRO:-1}" != 0 ]; then
	mkdir -p bench/results
	echo "== make bench: Go micro-benchmarks (bench/results/micro.txt)"
	go test -run '^$' -bench . -benchmem ./internal/... | tee bench/results/micro.txt
fi

export CHECKPOINT_DISABLE=1
# Issue 11: N = 100 and 400, over SSH at RTT 0, 5, 50 and 100 ms (the local
# target runs at 0 only), resuming an interrupted run (-resume: results.json
# keeps every finished part, and a run of the same code on the same machine
# measures only the parts missing); the arguments come after, so they win.
measure=(-n 100,400 -rtt 0,5,50,100 -resume)

# Arguments that choose the homes or the results directory make it one run,
# as given: two runs would write to the same place.
one_run=
for a in "$@"; do
	case "$a" in
	-homes | -homes=* | --homes | --homes=* | -out | -out=* | --out | --out=*) one_run=1 ;;
	esac
done
if [ -n "$one_run" ]; then
	echo "== make bench: side-by-side comparison (go run ./bench ${measure[*]} $*)"
	go run -buildvcs=false ./bench "${measure[@]}" "$@"
	exit
fi

echo "== make bench: side-by-side comparison, APIM 2.1.0 homes (go run ./bench ${measure[*]} $*; bench/results/)"
go run -buildvcs=false ./bench "${measure[@]}" "$@"

# Issue 10: the same sides, targets and RTTs on APIM 4.2.0 homes.
echo "== make bench: side-by-side comparison, APIM 4.2.0 homes (go run ./bench -homes 4.2.0 ${measure[*]} $*; bench/results-4.2.0/)"
go run -buildvcs=false ./bench -homes 4.2.0 "${measure[@]}" "$@"

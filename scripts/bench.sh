#!/usr/bin/env bash
# make bench: the Go micro-benchmarks, then the side-by-side comparison of
# bench/ (our provider, the no-op floor, terraform_data, Ansible, raw
# OpenSSH), writing bench/results/. Arguments go to `go run ./bench` (see
# `go run ./bench -h`). As root on Debian it installs what the comparison
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

mkdir -p bench/results
echo "== make bench: Go micro-benchmarks (bench/results/micro.txt)"
go test -run '^$' -bench . -benchmem ./internal/... | tee bench/results/micro.txt

echo "== make bench: side-by-side comparison (go run ./bench $*)"
export CHECKPOINT_DISABLE=1
go run ./bench "$@"

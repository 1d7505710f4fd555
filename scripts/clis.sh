#!/usr/bin/env bash
# The CLI matrix: the provider's tests and demo under every CLI it supports.
#
#   clis.sh build   builds the pinned CLIs from the Go module proxy into
#                   .cache/clis/<name>-<version>/ unless they are there already
#                   (a folder is only ever complete: a build goes to a temporary
#                   folder renamed into place at the end);
#   clis.sh test    every test (go test ./...) under the terraform on PATH, then
#                   every test of the packages whose tests drive a CLI
#                   (internal/provider, bench/floor: see acceptance_packages)
#                   under each pinned CLI, building those first; goes on after
#                   a failure and exits non-zero at the end if anything failed;
#   clis.sh demo    make demo under the terraform on PATH and each pinned CLI;
#   clis.sh summary one line per CLI from what test and demo recorded in the
#                   file $CLI_RESULTS (set by .ci/run), e.g.
#                   "CLI terraform 1.11.4: tests ok, demo ok".
#
# The pinned CLIs are the oldest Terraform the provider supports (1.5.7; its
# examples say required_version >= 1.5) and OpenTofu 1.12.6. Nothing is
# downloaded but Go modules: Terraform with `go install`, OpenTofu from its
# module source (`go install` refuses a module with a replace directive).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/clis"
terraform_version="1.5.7"
tofu_version="1.12.6"

# Every CLI here must run with a real (empty) CLI configuration: without one
# OpenTofu warns on stdout that the file is missing, which breaks
# terraform-exec's parsing of `tofu version -json`.
empty_rc="$cache/empty.tfrc"

# pinned prints "name version binary" for each pinned CLI.
pinned() {
	echo "terraform $terraform_version $cache/terraform-$terraform_version/terraform"
	echo "tofu $tofu_version $cache/tofu-$tofu_version/tofu"
}

# build_into <folder> <command...>: runs the command with $out set to a
# temporary folder, then renames it to <folder>; prints how long it took.
build_into() {
	local dir="$1" start
	shift
	[ -d "$dir" ] && return 0
	out="$dir.partial"
	rm -rf "$out"
	mkdir -p "$out"
	start=$SECONDS
	echo "clis: building $(basename "$dir") from the Go module proxy"
	"$@"
	mv "$out" "$dir"
	echo "clis: built $(basename "$dir") in $((SECONDS - start)) s"
}

build_terraform() {
	# Terraform 1.5.7's version package has no dev flag: its Prerelease is
	# already "" in the tagged source.
	GOBIN="$out" go install "github.com/hashicorp/terraform@v$terraform_version"
}

build_tofu() {
	local src
	src="$(go mod download -json "github.com/opentofu/opentofu@v$tofu_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[ -n "$src" ] || {
		echo "clis: go mod download gave no source folder for OpenTofu $tofu_version" >&2
		return 1
	}
	(cd "$src" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$out/tofu" ./cmd/tofu)
}

build() {
	mkdir -p "$cache"
	: >"$empty_rc"
	build_into "$cache/terraform-$terraform_version" build_terraform
	build_into "$cache/tofu-$tofu_version" build_tofu
	local name version bin said
	while read -r name version bin; do
		# The whole output first: piped into head, the CLI could be killed
		# by SIGPIPE before it finished writing, which pipefail reports as
		# a failure of a CLI that said the right thing. A CLI that fails or
		# says anything else gets its output, stderr too, shown below.
		said="$(TF_CLI_CONFIG_FILE="$empty_rc" "$bin" version 2>&1)" || true
		grep -qx "\(Terraform\|OpenTofu\) v$version" <<<"${said%%$'\n'*}" || {
			echo "clis: $bin does not say it is $name $version; it says:" >&2
			echo "$said" >&2
			return 1
		}
	done < <(pinned)
}

# version_of <binary>: the version the CLI reports (OpenTofu's own numbering
# for tofu), from `version -json`.
version_of() {
	TF_CLI_CONFIG_FILE="$empty_rc" "$1" version -json | sed -n 's/^[[:space:]]*"terraform_version": "\(.*\)",$/\1/p'
}

# record <name> <version> <what> <ok|FAILED>: one result, kept in $CLI_RESULTS
# when .ci/run collects them for its summary.
record() {
	results+=("CLI $1 $2: $3 $4")
	if [ -n "${CLI_RESULTS:-}" ]; then
		echo "$1 $2 $3 $4" >>"$CLI_RESULTS"
	fi
}

# run_under <binary> <name> <command...>: the command with the test
# environment of that CLI: terraform-plugin-testing takes it from
# TF_ACC_TERRAFORM_PATH (the PATH one when empty) and, for OpenTofu, serves
# the in-process provider as registry.opentofu.org/hashicorp/apim; every CLI
# reads the empty CLI configuration.
run_under() {
	local bin="$1" name="$2"
	shift 2
	local env=(env -u TF_ACC_TERRAFORM_PATH -u TF_ACC_PROVIDER_HOST TF_ACC=1 CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$empty_rc")
	[ "$bin" = terraform ] || env+=(TF_ACC_TERRAFORM_PATH="$bin")
	[ "$name" = terraform ] || env+=(TF_ACC_PROVIDER_HOST=registry.opentofu.org)
	"${env[@]}" "$@"
}

# acceptance_packages: the packages whose tests drive a CLI (those that use
# terraform-plugin-testing's helper/resource; internal/provider's CLI tests
# run the CLI the same way, see terraformCLI). The unit tests of every other
# package involve no CLI and run once, under the terraform on PATH.
acceptance_packages() {
	go list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... |
		awk '/ github.com\/hashicorp\/terraform-plugin-testing\/helper\/resource( |$)/ { print $1 }'
}

summarize() {
	printf '\n'
	printf '%s\n' "${results[@]}"
}

test_all() {
	build
	local status=0 name version bin start packages
	mapfile -t packages < <(acceptance_packages)
	version="$(version_of terraform)"
	echo "== clis: every test under terraform $version on PATH"
	start=$SECONDS
	if run_under terraform terraform go test -count=1 -timeout 30m ./...; then
		record terraform "$version" tests "ok ($((SECONDS - start)) s)"
	else
		record terraform "$version" tests "FAILED ($((SECONDS - start)) s)"
		status=1
	fi
	while read -r name version bin; do
		echo "== clis: the acceptance tests (${packages[*]}) under $name $version"
		start=$SECONDS
		if run_under "$bin" "$name" go test -count=1 -timeout 30m "${packages[@]}"; then
			record "$name" "$version" tests "ok ($((SECONDS - start)) s)"
		else
			record "$name" "$version" tests "FAILED ($((SECONDS - start)) s)"
			status=1
		fi
	done < <(pinned)
	summarize
	return "$status"
}

demo_all() {
	build
	local status=0 name version bin
	while read -r name version bin; do
		echo "== clis: make demo under $name $version"
		if TF_CLI_CONFIG_FILE="$empty_rc" make --no-print-directory -C "$root" demo TF="$bin"; then
			record "$name" "$version" demo ok
		else
			record "$name" "$version" demo FAILED
			status=1
		fi
	done < <(echo "terraform $(version_of terraform) terraform" && pinned)
	summarize
	return "$status"
}

# summary: "CLI <name> <version>: tests ok, demo ok", one line per CLI, in
# the order the results came.
summary() {
	[ -s "${CLI_RESULTS:-}" ] || {
		echo "clis: no results recorded (CLI_RESULTS is unset or empty)" >&2
		return 1
	}
	awk '{
		key = $1 " " $2; what = $3; $1 = $2 = $3 = ""; sub(/^ +/, "")
		if (!(key in line)) { order[++n] = key; line[key] = what " " $0 }
		else line[key] = line[key] ", " what " " $0
	} END { for (i = 1; i <= n; i++) print "CLI " order[i] ": " line[order[i]] }' "$CLI_RESULTS"
}

results=()
cd "$root"
case "${1:-}" in
build) build ;;
test) test_all ;;
demo) demo_all ;;
summary) summary ;;
*)
	echo "usage: $0 build|test|demo|summary" >&2
	exit 2
	;;
esac

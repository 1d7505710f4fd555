#!/usr/bin/env bash
# Reproduces the figures in RELIABILITY.md: the fault-injection trials, the
# bad-input table, the parallel load, the secrets check and the hostile-host
# trials, each printed as the summary lines its test logs. Fuzzing is `make fuzz` (FUZZTIME, 5m each).
# Needs what `make test` needs: root, sshd, sudo, fish and tcsh.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run() {
	echo "== $*"
	if ! go test -count=1 -v "$@" >"$log" 2>&1; then
		cat "$log"
		echo "reliability: go test $* failed" >&2
		exit 1
	fi
}

run -run 'TestLocalFaultTrials|TestSSHFaultTrials' ./internal/target/
grep -o 'FAULT-TRIALS .*' "$log"

run -run 'TestBadInput' ./internal/provider/
grep -E -e '--- (PASS|SKIP|FAIL): TestBadInput/' "$log" | sed 's/^ *//'

run -run 'TestLoadCLI|TestSSHCLISecrets' ./internal/provider/
grep -o -E '(LOAD|LOAD-TWICE|SECRETS) .*' "$log"

run -run 'TestLocalHostileTrials|TestSSHHostileTrials' ./internal/target/
grep -o 'HOSTILE-TRIALS .*' "$log"

run -run 'TestLocalHostileUnsafePaths|TestSSHHostileUnsafePaths|TestSSHLoginShells|TestSSHRefusesHugeAndSpecialFiles|TestLocalLimits' ./internal/target/
grep -E -e '--- (PASS|SKIP|FAIL): Test(LocalHostileUnsafePaths|SSHHostileUnsafePaths|SSHLoginShells|SSHRefusesHugeAndSpecialFiles|LocalLimits)' "$log" | sed 's/^ *//'

run -run 'TestHostileOwnerCLI' ./internal/provider/
grep -o -E 'HOSTILE-CLI .*' "$log"

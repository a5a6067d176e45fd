#!/bin/sh
# Runs every go fuzz target of mpimis in turn for a while each: a longer
# campaign than the seed corpora that `go test ./...` runs in CI.
#
#   scripts/fuzz.sh [package ...]      (default: every package, ./...)
#
# Environment:
#   FUZZTIME      time per target, as for go test -fuzztime (default 30s;
#                 "500x" means 500 executions)
#   FUZZPARALLEL  fuzzing workers per target (default: go's, GOMAXPROCS)
#   FUZZMATCH     only targets whose name matches this regexp (default all)
#   FUZZKEEP      copy up to this many of the smallest inputs the fuzzer
#                 found new coverage with (go's cache) into the package's
#                 testdata/fuzz/<Target>/ after each target (default 0):
#                 review and commit them as seeds
#
# Go fuzzes one target per package invocation, so the targets are listed
# per package (go test -list) and run one by one. The first failure stops
# the campaign; the failing input is saved under the package's
# testdata/fuzz/<Target>/ (go's corpus format), and its path is printed:
# commit it as a regression seed once the bug is fixed. New inputs that
# widened coverage stay in go's cache ($(go env GOCACHE)/fuzz), where the
# next run starts from them.
set -eu
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
match=${FUZZMATCH:-.}
keep=${FUZZKEEP:-0}
cache=$(go env GOCACHE)/fuzz
parallel=""
if [ -n "${FUZZPARALLEL:-}" ]; then
	parallel="-parallel ${FUZZPARALLEL}"
fi
[ $# -gt 0 ] || set -- ./...

log=$(mktemp)
trap 'rm -f "$log"' EXIT
total=0
start=$(date +%s)
for pkg in $(go list "$@"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(go test -list '^Fuzz' -run '^$' "$pkg" | grep '^Fuzz' | grep -E -- "$match" || true)
	for t in $targets; do
		total=$((total + 1))
		printf 'fuzz: %s %s (%s) ... ' "$pkg" "$t" "$fuzztime"
		# shellcheck disable=SC2086 # $parallel is empty or two words
		if go test -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -timeout 0 $parallel "$pkg" >"$log" 2>&1; then
			execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
			echo "ok, ${execs:-?} execs"
			if [ "$keep" -gt 0 ] && [ -d "$cache/$pkg/$t" ]; then
				mkdir -p "$dir/testdata/fuzz/$t"
				# shellcheck disable=SC2012 # cache names are hex hashes
				ls -S -r "$cache/$pkg/$t" | head -n "$keep" | while read -r f; do
					cp "$cache/$pkg/$t/$f" "$dir/testdata/fuzz/$t/"
				done
			fi
			continue
		fi
		input=$(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | tail -n 1)
		# go 1.26's fuzz coordinator can fail a run whose -fuzztime ran
		# out while a worker was busy (golang/go#75804): a bare "context
		# deadline exceeded", no input saved. Not a finding if the corpus
		# still passes.
		if [ -z "$input" ] && grep -q '^    context deadline exceeded$' "$log" &&
			! grep -q -e '--- FAIL: .*/' -e 'panic:' "$log" &&
			go test -count=1 -run "^$t\$" "$pkg" >/dev/null 2>&1; then
			echo "ok (go's end-of-fuzztime race ignored: golang/go#75804)"
			continue
		fi
		echo FAIL
		cat "$log"
		if [ -n "$input" ]; then
			echo "fuzz: failing input: $dir/$input" >&2
			echo "fuzz: re-run with: go test -run '$t/$(basename "$input")' $pkg" >&2
		else
			echo "fuzz: $pkg $t failed without a saved input (see the output above)" >&2
		fi
		exit 1
	done
done
echo "fuzz: $total targets passed in $(($(date +%s) - start))s"

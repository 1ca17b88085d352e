#!/usr/bin/env bash
# Runs every fuzz harness for a fixed number of inputs over its seed
# corpus: a quick check that the harnesses build, run and find nothing on
# the seeds and their first mutations.  Deterministic: fixed -seed and
# -runs, and the inputs found go to a scratch directory, never into the
# committed corpus.  Prints "N passed, N failed" last (one per harness);
# a failing harness's libFuzzer log is shown.
set -uo pipefail
cd "$(dirname "$0")/.."

build=${FUZZ_BUILD:-build/fuzz}
runs=${FUZZ_RUNS:-4000}
passed=0
failed=0

for src in fuzz/fuzz-*.c; do
    name=$(basename "$src" .c)
    short=${name#fuzz-}
    bin=$build/$name
    work=$build/work/$short
    log=$build/$name.log
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: $bin not built (make fuzz)"
        failed=$((failed + 1))
        continue
    fi
    rm -rf "$work"
    mkdir -p "$work"
    seeds=fuzz/corpus/$short
    [ -d "$seeds" ] || seeds=
    if "$bin" -runs="$runs" -seed=1 -timeout=20 -rss_limit_mb=2048 \
              "$work" $seeds >"$log" 2>&1; then
        echo "PASS $name: $runs runs"
        passed=$((passed + 1))
    else
        echo "FAIL $name: see $log"
        tail -n 40 "$log"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Benchmark: a pre-commit style run — `reclint check` on 5 named files, as a
# hook passes the files of a commit — timed with process start included.
#
#   bench/precommit.sh            # 30 runs
#   RUNS=100 bench/precommit.sh
#
# Prints the median and the slowest run in milliseconds. Needs bash, the
# Rust toolchain and GNU date (nanoseconds).
set -euo pipefail

RUNS="${RUNS:-30}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reclint="${CARGO_TARGET_DIR:-$repo/target}/release/reclint"
(cd "$repo" && cargo build --release --bin reclint) >&2

# Files of four formats, two dialplans.
files=(
    fixtures/asterisk/REC001/bad_every_extension_recorded.conf
    fixtures/asterisk/REC004/bad_one_branch_skips_the_question.conf
    fixtures/freeswitch/REC003/bad_bridge_without_notice/public.xml
    fixtures/amazon-connect/REC003/bad_ivr_recorded_before_notice.json
    fixtures/twilio/REC003/bad_ringing_recorded_without_notice.twiml
)

cd "$repo"
times=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$reclint" check --no-config "${files[@]}" >/dev/null || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$((RUNS / 2))]}
slowest=${sorted[$((RUNS - 1))]}
printf '%d files, %d runs: median %d.%03d ms, slowest %d.%03d ms\n' \
    "${#files[@]}" "$RUNS" $((median / 1000)) $((median % 1000)) $((slowest / 1000)) $((slowest % 1000))

#!/usr/bin/env bash
# Benchmark: how long `reclint check` takes on generated Asterisk dialplans of
# growing size, and how much memory it needs.
#
#   bench/run.sh                     # 25k, 50k, 100k and 200k priorities, 5 runs each
#   SIZES="100000" RUNS=3 bench/run.sh
#   SEED=7 SUB_DEPTH=3 bench/run.sh  # passed on to the generator
#   TIMER=bash bench/run.sh          # force a timing method (see below)
#   FORMATS=asterisk bench/run.sh    # only this table (default: asterisk connect freeswitch)
#
# After the Asterisk table it runs bench/run-formats.sh for the Amazon
# Connect and FreeSWITCH tables (see that script for their settings).
#
# Needs only the Rust toolchain and standard Debian tools (bash, coreutils,
# awk, sed, grep). Peak RSS comes from /usr/bin/time when it is installed;
# without it only the wall time is measured. Prints a markdown table on
# stdout; progress goes to stderr.
set -euo pipefail

SIZES="${SIZES:-25000 50000 100000 200000}"
RUNS="${RUNS:-5}"
SEED="${SEED:-1}"
SUB_DEPTH="${SUB_DEPTH:-3}"
FORMATS="${FORMATS:-asterisk connect freeswitch}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The other formats, for bench/run-formats.sh.
others="$(printf '%s\n' $FORMATS | grep -v -x asterisk | tr '\n' ' ' | sed 's/ *$//' || true)"
if [[ " $FORMATS " != *" asterisk "* ]]; then
    FORMATS="$others" exec "$repo/bench/run-formats.sh"
fi
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
reclint="$target_dir/release/reclint"
generator="$target_dir/release/examples/gen-dialplan"

log() { printf '%s\n' "$*" >&2; }

log "building release binaries..."
(cd "$repo" && cargo build --release --example gen-dialplan && cargo build --release --bin reclint) >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/reclint-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# How to measure one run: GNU/BusyBox `time -v`, GNU `time -f`, or bash's
# `time` keyword (wall time only). TIMER="time -f" or TIMER=bash forces one.
timer="${TIMER:-}"
if [[ -n "$timer" ]]; then
    :
elif [[ -x /usr/bin/time ]] && /usr/bin/time -v -o "$work/probe" true 2>/dev/null &&
    grep -q 'Maximum resident set size' "$work/probe"; then
    timer="time -v"
elif [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M' -o "$work/probe" true 2>/dev/null; then
    timer="time -f"
else
    timer="bash"
fi
log "timing with: $timer"

# run_once DIR -> prints "SECONDS RSS_KB" (RSS_KB is "-" when unknown);
# reclint's report goes to $work/report.json.
run_once() {
    local dir="$1" rc=0 t="$work/time.txt"
    local cmd=("$reclint" check "$dir" --no-config --format json)
    case "$timer" in
    "time -v")
        /usr/bin/time -v -o "$t" "${cmd[@]}" >"$work/report.json" 2>"$work/stderr.txt" || rc=$?
        ;;
    "time -f")
        /usr/bin/time -f '%e %M' -o "$t" "${cmd[@]}" >"$work/report.json" 2>"$work/stderr.txt" || rc=$?
        ;;
    bash)
        local TIMEFORMAT=%R
        { time "${cmd[@]}" >"$work/report.json" 2>"$work/stderr.txt" || rc=$?; } 2>"$t"
        ;;
    esac
    # 0 = no findings, 1 = findings, 2 = tool error.
    if ((rc > 1)); then
        log "reclint failed with exit status $rc on $dir:"
        cat "$work/stderr.txt" >&2
        exit 1
    fi
    case "$timer" in
    "time -v")
        awk -F': ' '
            /Elapsed \(wall clock\)/ {
                n = split($2, p, ":"); s = 0
                for (i = 1; i <= n; i++) s = s * 60 + p[i]
            }
            /Maximum resident set size/ { rss = $2 }
            END { printf "%.2f %d\n", s, rss }' "$t"
        ;;
    "time -f") tail -n 1 "$t" ;;
    bash) printf '%s -\n' "$(tail -n 1 "$t")" ;;
    esac
}

# summary_field NAME -> the number in the report's "summary" object.
summary_field() {
    tail -c 4096 "$work/report.json" |
        sed -n '/"summary": {/,/}/p' |
        sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p"
}

cpu="$(grep -m1 -i -E '^(model name|cpu model|hardware)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
commit="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"

rows=()
for n in $SIZES; do
    tree="$work/dialplan-$n"
    log "generating $n priorities..."
    "$generator" "$tree" --priorities "$n" --seed "$SEED" --sub-depth "$SUB_DEPTH" 2>&1 | sed 's/^/  /' >&2
    files="$(find "$tree" -type f -name '*.conf' | wc -l)"
    times=()
    peak="-"
    for ((r = 1; r <= RUNS; r++)); do
        result="$(run_once "$tree")"
        read -r secs rss <<<"$result"
        times+=("$secs")
        if [[ "$rss" != "-" ]] && { [[ "$peak" == "-" ]] || ((rss > peak)); }; then
            peak="$rss"
        fi
        log "  run $r: ${secs}s, peak RSS ${rss} kB"
    done
    median="$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
    if [[ "$peak" == "-" ]]; then
        peak_mb="n/a"
    else
        peak_mb="$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')"
    fi
    findings="$(summary_field findings)"
    invalid="$(grep -c -E '"rule": "REC90[01]"' "$work/report.json" || true)"
    report_mb="$(awk -v b="$(wc -c <"$work/report.json")" 'BEGIN { printf "%.0f", b / 1e6 }')"
    if [[ "$invalid" != "0" ]]; then
        log "  WARNING: $invalid REC900/REC901 findings: the generated dialplan is not fully understood"
    fi
    rows+=("| $n | $files | $median | $peak_mb | ${findings:-?} | $invalid | $report_mb |")
    rm -rf "$tree"
done

echo "reclint \`$commit\`, \`reclint check DIR --no-config --format json > report.json\`, median of $RUNS runs, generator seed $SEED, sub-depth $SUB_DEPTH"
echo
echo "Machine: $(nproc) CPUs, $(uname -m), ${cpu:-unknown CPU}"
echo
echo "| priorities | files | median s | peak RSS MB | findings | REC900/901 | report MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"

if [[ -n "$others" ]]; then
    echo
    FORMATS="$others" "$repo/bench/run-formats.sh"
fi

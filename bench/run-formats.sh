#!/usr/bin/env bash
# Benchmark: how long `reclint check` takes on generated Amazon Connect flows
# and FreeSWITCH dialplans of growing size, and how much memory it needs.
# bench/run.sh calls this script after its Asterisk table; it also runs on
# its own.
#
#   bench/run-formats.sh                          # both formats, 5 runs each
#   FORMATS=connect bench/run-formats.sh          # only one format
#   CONNECT_SIZES="5000" FS_SIZES="20000" RUNS=3 bench/run-formats.sh
#   SEED=7 CONNECT_FILES=4 FS_DESTINATIONS=50 bench/run-formats.sh
#   TIME_LIMIT=600 MEM_LIMIT_MB=16384 bench/run-formats.sh
#
# Every run is stopped after TIME_LIMIT seconds (default 300) and may use at
# most MEM_LIMIT_MB of address space (default 8192; 0 = no limit), so that
# a size reclint cannot handle does not take the machine down. When a run
# fails, the table says why and the larger sizes of that format are skipped.
#
# Needs the Rust toolchain and standard Debian tools (bash, coreutils, awk,
# sed, grep). Peak RSS comes from /usr/bin/time when it is installed. Prints
# markdown tables on stdout; progress goes to stderr.
set -euo pipefail

FORMATS="${FORMATS:-connect freeswitch}"
CONNECT_SIZES="${CONNECT_SIZES:-1250 2500 5000 10000}"
FS_SIZES="${FS_SIZES:-5000 10000 20000 40000}"
RUNS="${RUNS:-5}"
SEED="${SEED:-1}"
CONNECT_FILES="${CONNECT_FILES:-1}"
FS_FILES="${FS_FILES:-50}"
FS_DESTINATIONS="${FS_DESTINATIONS:-200}"
TIME_LIMIT="${TIME_LIMIT:-300}"
MEM_LIMIT_MB="${MEM_LIMIT_MB:-8192}"
# The acceptance targets: this many actions / extensions in under TARGET_S.
CONNECT_TARGET="${CONNECT_TARGET:-5000}"
FS_TARGET="${FS_TARGET:-20000}"
TARGET_S="${TARGET_S:-2}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

log() { printf '%s\n' "$*" >&2; }

log "building release binaries..."
(cd "$repo" && cargo build --release --example gen-connect --example gen-freeswitch &&
    cargo build --release --bin reclint) >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/reclint-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A private copy, so that a rebuild in the working tree during the benchmark
# does not change the binary being measured.
reclint="$work/reclint"
cp "$target_dir/release/reclint" "$reclint"
cp "$target_dir/release/examples/gen-connect" "$work/gen-connect"
cp "$target_dir/release/examples/gen-freeswitch" "$work/gen-freeswitch"

# How to measure one run: GNU/BusyBox `time -v`, GNU `time -f`, or bash's
# `time` keyword (wall time only). TIMER="time -f" or TIMER=bash forces one.
timer="${TIMER:-}"
if [[ -n "$timer" ]]; then
    :
elif [[ -x /usr/bin/time ]] && /usr/bin/time -v -o "$work/probe" true 2>/dev/null &&
    grep -q 'Maximum resident set size' "$work/probe"; then
    timer="time -v"
elif [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %U %M' -o "$work/probe" true 2>/dev/null; then
    timer="time -f"
else
    timer="bash"
fi
limiter=()
if command -v timeout >/dev/null; then
    limiter=(timeout -k 10 "$TIME_LIMIT")
fi
log "timing with: $timer; limits: ${TIME_LIMIT} s per run, ${MEM_LIMIT_MB} MB address space"

# run_once DIR -> prints "SECONDS CPU_SECONDS RSS_KB STATUS" (CPU_SECONDS,
# user + system, and RSS_KB are "-" when unknown; STATUS is ok, timeout, oom
# or error); reclint's report goes to $work/report.json.
run_once() {
    local dir="$1" rc=0 t="$work/time.txt"
    local cmd=("${limiter[@]}" "$reclint" check "$dir" --no-config --format json)
    rm -f "$t"
    case "$timer" in
    "time -v")
        (
            ((MEM_LIMIT_MB > 0)) && ulimit -v $((MEM_LIMIT_MB * 1024))
            exec /usr/bin/time -v -o "$t" "${cmd[@]}"
        ) >"$work/report.json" 2>"$work/stderr.txt" || rc=$?
        ;;
    "time -f")
        (
            ((MEM_LIMIT_MB > 0)) && ulimit -v $((MEM_LIMIT_MB * 1024))
            exec /usr/bin/time -f '%e %U+%S %M' -o "$t" "${cmd[@]}"
        ) >"$work/report.json" 2>"$work/stderr.txt" || rc=$?
        ;;
    bash)
        local TIMEFORMAT=%R
        # The redirections stay inside the subshell, which must not `exec`:
        # bash would send the timing to the redirected stderr, or lose it.
        {
            time (
                ((MEM_LIMIT_MB > 0)) && ulimit -v $((MEM_LIMIT_MB * 1024))
                "${cmd[@]}" >"$work/report.json" 2>"$work/stderr.txt"
            ) || rc=$?
        } 2>"$t"
        ;;
    esac
    # 0 = no findings, 1 = findings, 2 = tool error; 124/137 = timeout,
    # 134 = abort (an allocation failed under the memory limit).
    local status=ok
    if ((rc == 124 || rc == 137)) && ! grep -q 'memory allocation' "$work/stderr.txt"; then
        status=timeout
    elif ((rc > 1)) && grep -q 'memory allocation' "$work/stderr.txt"; then
        status=oom
    elif ((rc > 1)); then
        status=error
        log "reclint failed with exit status $rc on $dir:"
        head -n 20 "$work/stderr.txt" >&2
    fi
    local secs cpu rss
    case "$timer" in
    "time -v")
        read -r secs cpu rss < <(awk -F': ' '
            /Elapsed \(wall clock\)/ {
                n = split($2, p, ":"); s = 0
                for (i = 1; i <= n; i++) s = s * 60 + p[i]
            }
            /User time|System time/ { cpu += $2 }
            /Maximum resident set size/ { rss = $2 }
            END { printf "%.2f %.2f %d\n", s, cpu, rss }' "$t")
        ;;
    "time -f")
        read -r secs cpu rss < <(tail -n 1 "$t" |
            awk '{ split($2, c, "+"); printf "%s %.2f %s\n", $1, c[1] + c[2], $3 }')
        ;;
    bash) secs="$(tail -n 1 "$t")" cpu="-" rss="-" ;;
    esac
    printf '%s %s %s %s\n' "$secs" "$cpu" "$rss" "$status"
}

# summary_field NAME -> the number in the report's "summary" object.
summary_field() {
    tail -c 4096 "$work/report.json" |
        sed -n '/"summary": {/,/}/p' |
        sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

mb() {
    if [[ "$1" == "-" ]]; then echo "n/a"; else awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; fi
}

# measure TREE -> sets $row to the markdown cells after the size columns
# ("median s | median CPU s | peak RSS MB | findings | REC900/901 | report
# MB", or why the run failed) and $verdict to whether the median is under
# TARGET_S; sets $failed when a run failed.
failed=""
measure() {
    local tree="$1" times=() cpus=() peak="-" secs cpu rss status r
    for ((r = 1; r <= RUNS; r++)); do
        read -r secs cpu rss status < <(run_once "$tree")
        if [[ "$rss" != "-" ]] && { [[ "$peak" == "-" ]] || ((rss > peak)); }; then
            peak="$rss"
        fi
        if [[ "$status" != ok ]]; then
            log "  run $r: $status after ${secs}s, peak RSS ${rss} kB"
            failed="$status"
            case "$status" in
            timeout) row="timeout after ${TIME_LIMIT} s | ${cpu} | $(mb "$peak") | - | - | -" ;;
            oom) row="out of memory (limit ${MEM_LIMIT_MB} MB) after ${secs} s | ${cpu} | $(mb "$peak") | - | - | -" ;;
            *) row="error after ${secs} s | ${cpu} | $(mb "$peak") | - | - | -" ;;
            esac
            verdict="not met (${status} after ${secs} s)"
            return
        fi
        times+=("$secs")
        cpus+=("$cpu")
        log "  run $r: ${secs}s (CPU ${cpu}s), peak RSS ${rss} kB"
    done
    local med med_cpu findings invalid report_mb
    med="$(printf '%s\n' "${times[@]}" | median)"
    if [[ "${cpus[0]}" == "-" ]]; then
        med_cpu="n/a"
    else
        med_cpu="$(printf '%s\n' "${cpus[@]}" | median)"
    fi
    findings="$(summary_field findings)"
    invalid="$(grep -c -E '"rule": "REC90[01]"' "$work/report.json" || true)"
    report_mb="$(awk -v b="$(wc -c <"$work/report.json")" 'BEGIN { printf "%.0f", b / 1e6 }')"
    if [[ "$invalid" != "0" ]]; then
        log "  WARNING: $invalid REC900/REC901 findings: the generated input is not fully understood"
    fi
    row="$med | $med_cpu | $(mb "$peak") | ${findings:-?} | $invalid | $report_mb"
    if awk -v m="$med" -v t="$TARGET_S" 'BEGIN { exit !(m < t) }'; then
        verdict="met (median ${med} s)"
    else
        verdict="not met (median ${med} s)"
    fi
}

cpu="$(grep -m1 -i -E '^(model name|cpu model|hardware)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
commit="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"

connect_rows=()
connect_verdict=""
if [[ " $FORMATS " == *" connect "* ]]; then
    failed=""
    for n in $CONNECT_SIZES; do
        if [[ -n "$failed" ]]; then
            connect_rows+=("| $n | - | skipped (a smaller size failed) | - | - | - | - | - |")
            if [[ "$n" == "$CONNECT_TARGET" ]]; then
                connect_verdict="not met (not run: a smaller size failed)"
            fi
            continue
        fi
        tree="$work/connect-$n"
        log "generating an Amazon Connect flow with $n actions..."
        "$work/gen-connect" "$tree" --actions "$n" --seed "$SEED" --files "$CONNECT_FILES" 2>&1 |
            sed 's/^/  /' >&2
        files="$(find "$tree" -type f -name '*.json' | wc -l)"
        measure "$tree"
        if [[ "$n" == "$CONNECT_TARGET" ]]; then
            connect_verdict="$verdict"
        fi
        connect_rows+=("| $n | $files | $row |")
        rm -rf "$tree"
    done
fi

fs_rows=()
fs_verdict=""
if [[ " $FORMATS " == *" freeswitch "* ]]; then
    failed=""
    for n in $FS_SIZES; do
        if [[ -n "$failed" ]]; then
            fs_rows+=("| $n | - | - | skipped (a smaller size failed) | - | - | - | - | - |")
            if [[ "$n" == "$FS_TARGET" ]]; then
                fs_verdict="not met (not run: a smaller size failed)"
            fi
            continue
        fi
        tree="$work/freeswitch-$n"
        log "generating a FreeSWITCH dialplan with $n extensions..."
        "$work/gen-freeswitch" "$tree" --extensions "$n" --seed "$SEED" --files "$FS_FILES" \
            --destinations "$FS_DESTINATIONS" 2>&1 | tee "$work/gen.txt" | sed 's/^/  /' >&2
        files="$(find "$tree" -type f -name '*.xml' | wc -l)"
        destinations="$(sed -n 's/.* to \([0-9][0-9]*\) destinations.*/\1/p' "$work/gen.txt")"
        measure "$tree"
        if [[ "$n" == "$FS_TARGET" ]]; then
            fs_verdict="$verdict"
        fi
        fs_rows+=("| $n | $files | ${destinations:-?} | $row |")
        rm -rf "$tree"
    done
fi

limits="runs stopped after ${TIME_LIMIT} s"
if ((MEM_LIMIT_MB > 0)); then
    limits+=", address space limited to ${MEM_LIMIT_MB} MB"
fi
echo "reclint \`$commit\`, \`reclint check DIR --no-config --format json > report.json\`, median of $RUNS runs, generator seed $SEED, $limits"
echo
echo "Machine: $(nproc) CPUs, $(uname -m), ${cpu:-unknown CPU}"
if ((${#connect_rows[@]})); then
    echo
    echo "Amazon Connect (\`gen-connect --files $CONNECT_FILES\`):"
    echo
    echo "| actions | files | median s | median CPU s | peak RSS MB | findings | REC900/901 | report MB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${connect_rows[@]}"
    echo
    echo "Target, ${CONNECT_TARGET} actions in under ${TARGET_S} s: ${connect_verdict:-not measured}"
fi
if ((${#fs_rows[@]})); then
    echo
    echo "FreeSWITCH (\`gen-freeswitch --files $FS_FILES --destinations $FS_DESTINATIONS\`):"
    echo
    echo "| extensions | files | destinations | median s | median CPU s | peak RSS MB | findings | REC900/901 | report MB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${fs_rows[@]}"
    echo
    echo "Target, ${FS_TARGET} extensions in under ${TARGET_S} s: ${fs_verdict:-not measured}"
fi

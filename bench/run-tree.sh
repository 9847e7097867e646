#!/usr/bin/env bash
# Benchmark: `reclint check` on generated mixed trees (Asterisk PBXes,
# FreeSWITCH dialplans, Amazon Connect flows, TwiML; a third each recorded
# without consent, consented, clean) of 100 to 20,000 files, with
# `rg -c 'MixMonitor|record_session|RecordingBehavior|record='` over the
# same tree, in the same run, as the floor.
#
#   bench/run-tree.sh                                   # 100, 2000, 5000, 10000/100 MB, 20000/200 MB; 5 runs
#   SIZES="100 500" RUNS=1 bench/run-tree.sh            # a smoke run
#   SIZES="20000:200" JOBS=1 bench/run-tree.sh          # reclint --jobs 1
#   BENCH_DIR=/var/tmp/reclint-trees bench/run-tree.sh  # keep the trees, reuse them next time
#   SEED=2 CHECK=0 TIME_LIMIT=900 MEM_LIMIT_MB=4096 bench/run-tree.sh
#
# SIZES holds FILES or FILES:MB (default size: FILES x 10 KB). Each tree is
# generated once (`gen-tree`), read once into the page cache and run once
# untimed; then RUNS rounds each time every tree in turn (rg, reclint on the
# first tree, rg, reclint on the next, ...), each run under `/usr/bin/time`,
# so that a machine whose speed drifts during the benchmark shifts every
# tree alike. CHECK=1 (default) adds one untimed
# `--format concise` run per tree that counts findings, REC900/REC901 and
# the findings per unit class. Every timed run is stopped after TIME_LIMIT
# seconds (default 600) and may use at most MEM_LIMIT_MB of address space
# (default 8192; 0 = no limit).
#
# Needs the Rust toolchain, ripgrep, GNU time at /usr/bin/time, and bash,
# coreutils, findutils, awk, sed, grep. Prints markdown tables on stdout;
# progress goes to stderr.
set -euo pipefail

SIZES="${SIZES:-100 2000 5000 10000:100 20000:200}"
RUNS="${RUNS:-5}"
SEED="${SEED:-1}"
JOBS="${JOBS:-}"
CHECK="${CHECK:-1}"
TIME_LIMIT="${TIME_LIMIT:-600}"
MEM_LIMIT_MB="${MEM_LIMIT_MB:-8192}"
PATTERN='MixMonitor|record_session|RecordingBehavior|record='

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

log() { printf '%s\n' "$*" >&2; }

if ! command -v rg >/dev/null; then
    log "bench/run-tree.sh needs ripgrep (rg) for the floor it measures reclint against."
    log "Install it with \`apt-get install ripgrep\` (Debian/Ubuntu) or \`cargo install ripgrep\`."
    exit 1
fi
if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    log "bench/run-tree.sh needs GNU time at /usr/bin/time for wall time and peak RSS."
    log "Install it with \`apt-get install time\` (the Debian package \`time\`)."
    exit 1
fi

log "building release binaries..."
(cd "$repo" && cargo build --release --example gen-tree && cargo build --release --bin reclint) >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/reclint-tree-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Private copies: a rebuild in the working tree during the benchmark does
# not change what is measured.
cp "$target_dir/release/reclint" "$work/reclint"
cp "$target_dir/release/examples/gen-tree" "$work/gen-tree"
generator_id="$(sha256sum "$work/gen-tree" | cut -c1-16)"
trees="${BENCH_DIR:-$work/trees}"
mkdir -p "$trees"

jobs_args=()
if [[ -n "$JOBS" ]]; then
    jobs_args=(--jobs "$JOBS")
fi
limiter=()
if ((TIME_LIMIT > 0)) && command -v timeout >/dev/null; then
    limiter=(timeout -k 10 "$TIME_LIMIT")
fi

# timed CMD... -> prints "WALL_S CPU_S RSS_KB RC"; standard output and
# error of CMD are thrown away (the last error output is kept in
# $work/stderr.txt).
timed() {
    local t="$work/time.txt" rc=0
    rm -f "$t"
    (
        if ((MEM_LIMIT_MB > 0)); then ulimit -v $((MEM_LIMIT_MB * 1024)); fi
        exec "${limiter[@]}" /usr/bin/time -f '%e %U %S %M' -o "$t" "$@"
    ) >/dev/null 2>"$work/stderr.txt" || rc=$?
    if [[ -s "$t" ]]; then
        # GNU time puts "Command exited with non-zero status N" first.
        tail -n 1 "$t" | awk -v rc="$rc" '{ printf "%s %.2f %s %s\n", $1, $2 + $3, $4, rc }'
    else
        echo "- - - $rc"
    fi
}

median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) print "-"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
        else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# max_mb KB... -> the largest, in MB.
max_mb() {
    printf '%s\n' "$@" | awk '$1 != "-" { if ($1 > m) m = $1; n++ } END {
        if (n) printf "%.0f", m / 1024; else print "n/a" }'
}

# ratio A B -> A / B with one decimal, or n/a when B is 0.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.1f", a / b; else print "n/a" }'
}

# mix TREE MANIFEST CONCISE -> for each class "units with findings/units,
# findings", tab-separated (recorded, consented, clean); the findings per
# format, class and rule go to stderr.
mix() {
    awk -v root="$1" -F '\t' '
        FNR == NR { class[$1] = $3; format[$1] = $2; units[$3]++; fc[$2 "/" $3]++; next }
        index($0, root "/") == 1 {
            rest = substr($0, length(root) + 2)
            split(rest, p, "/")
            unit = p[1] "/" p[2]
            if (!match(rest, /: REC[0-9]+ /)) next
            rule = substr(rest, RSTART + 2, RLENGTH - 3)
            k = format[unit] "/" class[unit]
            n[class[unit]]++; nk[k]++; r[k, rule]++; rules[rule] = 1; hit[unit] = 1
        }
        END {
            for (u in class) if (hit[u]) with[class[u]]++
            for (k in fc) {
                line = ""
                for (rl in rules) if ((k, rl) in r) line = line " " rl "=" r[k, rl]
                printf "  %-22s %5d units, %6d findings:%s\n", k, fc[k], nk[k], line | "sort >&2"
            }
            close("sort >&2")
            printf "%d/%d, %d\t%d/%d, %d\t%d/%d, %d\n",
                with["recorded"], units["recorded"], n["recorded"],
                with["consented"], units["consented"], n["consented"],
                with["clean"], units["clean"], n["clean"]
        }' "$2" "$3"
}

cpu="$(grep -m1 -i -E '^(model name|cpu model|hardware)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
commit="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)"

rows=()
check_rows=()
rss_5000=""
declare -A median_by_mb=()
last_ratio=""
last_rss=""
last_name=""

# Each tree is prepared first; then the timed runs go round the trees, so
# that a machine that speeds up or slows down during the benchmark shifts
# every tree alike (the 200/100 MB ratio compares two trees).
declare -A tree_of=() files_of=() size_of=() mb_of=() failure_of=()
declare -A rg_times=() rg_rss=() rc_times=() rc_cpu=() rc_rss=()
ready=()
for spec in $SIZES; do
    n="${spec%%:*}"
    mb=""
    if [[ "$spec" == *:* ]]; then mb="${spec#*:}"; fi
    args=(--files "$n" --seed "$SEED")
    if [[ -n "$mb" ]]; then args+=(--mb "$mb"); fi
    tree="$trees/tree-$n${mb:+-${mb}mb}-seed$SEED"
    stamp="${args[*]} gen-tree $generator_id"
    if [[ -d "$tree" && -f "$tree.stamp" && "$(cat "$tree.stamp")" == "$stamp" ]]; then
        log "reusing $tree"
    else
        rm -rf "$tree" "$tree.stamp" "$tree.manifest"
        log "generating $spec: gen-tree ${args[*]}..."
        "$work/gen-tree" "$tree" "${args[@]}" --manifest "$tree.manifest" 2>&1 | sed 's/^/  /' >&2
        echo "$stamp" >"$tree.stamp"
    fi
    tree_of[$spec]="$tree" mb_of[$spec]="$mb"
    files_of[$spec]="$(find "$tree" -type f | wc -l)"
    bytes="$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
    size_of[$spec]="$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"

    log "warming the page cache..."
    find "$tree" -type f -print0 | xargs -0 cat >/dev/null
    read -r _ _ _ rc < <(timed rg -c "$PATTERN" "$tree")
    read -r _ _ _ rc2 < <(timed "$work/reclint" check "$tree" --no-config --format json "${jobs_args[@]}")
    if ((rc > 1 || rc2 > 1)); then
        log "untimed run failed (rg exit $rc, reclint exit $rc2):"
        head -n 20 "$work/stderr.txt" >&2
        failure_of[$spec]="failed (rg exit $rc, reclint exit $rc2)"
        continue
    fi
    ready+=("$spec")
done

for ((r = 1; r <= RUNS; r++)); do
    for spec in "${ready[@]}"; do
        if [[ -n "${failure_of[$spec]:-}" ]]; then continue; fi
        tree="${tree_of[$spec]}"
        read -r secs cpu_s rss rc < <(timed rg -c "$PATTERN" "$tree")
        read -r secs2 cpu2 rss2 rc2 < <(timed "$work/reclint" check "$tree" --no-config --format json "${jobs_args[@]}")
        log "  $spec run $r: rg ${secs}s ${rss} kB (exit $rc); reclint ${secs2}s (CPU ${cpu2}s) ${rss2} kB (exit $rc2)"
        failure=""
        if ((rc2 == 124 || rc2 == 137)); then
            failure="timeout after ${TIME_LIMIT} s"
        elif ((rc2 > 1)); then
            failure="reclint exit $rc2"
            head -n 20 "$work/stderr.txt" >&2
        elif ((rc > 1)); then
            failure="rg exit $rc"
        fi
        if [[ -n "$failure" ]]; then
            failure_of[$spec]="$failure"
            continue
        fi
        rg_times[$spec]+=" $secs" rg_rss[$spec]+=" $rss"
        rc_times[$spec]+=" $secs2" rc_cpu[$spec]+=" $cpu2" rc_rss[$spec]+=" $rss2"
    done
done

for spec in $SIZES; do
    files="${files_of[$spec]}" size_mb="${size_of[$spec]}" mb="${mb_of[$spec]}" tree="${tree_of[$spec]}"
    if [[ -n "${failure_of[$spec]:-}" ]]; then
        rows+=("| $spec | $files | $size_mb | ${failure_of[$spec]} | | | | | |")
        continue
    fi
    # shellcheck disable=SC2086 # the lists are space-separated on purpose
    {
        rg_med="$(printf '%s\n' ${rg_times[$spec]} | median)"
        rc_med="$(printf '%s\n' ${rc_times[$spec]} | median)"
        cpu_med="$(printf '%s\n' ${rc_cpu[$spec]} | median)"
        rc_peak="$(max_mb ${rc_rss[$spec]})"
        rg_peak="$(max_mb ${rg_rss[$spec]})"
    }
    x="$(ratio "$rc_med" "$rg_med")"
    rows+=("| $spec | $files | $size_mb | $rg_med | $rc_med | $x | $cpu_med | $rc_peak | $rg_peak |")
    if [[ -n "$mb" ]]; then median_by_mb[$mb]="$rc_med"; fi
    last_name="$spec" last_ratio="$x" last_rss="$rc_peak"
    if [[ "$spec" == 5000 ]]; then rss_5000="$rc_peak"; fi

    if [[ "$CHECK" == 1 ]]; then
        log "checking the findings of $spec (one untimed --format concise run)..."
        "$work/reclint" check "$tree" --no-config --format concise "${jobs_args[@]}" >"$work/concise.txt" 2>&1 || true
        findings="$(grep -c -E ': REC[0-9]+ ' "$work/concise.txt" || true)"
        rec900="$(grep -c -E ': REC900 ' "$work/concise.txt" || true)"
        rec901="$(grep -c -E ': REC901 ' "$work/concise.txt" || true)"
        if ((rec900 + rec901 > 0)); then
            log "  WARNING: $rec900 REC900 and $rec901 REC901 findings: the generated tree is not fully understood"
        fi
        log "  findings by format and class:"
        IFS=$'\t' read -r by_recorded by_consented by_clean < <(mix "$tree" "$tree.manifest" "$work/concise.txt")
        check_rows+=("| $spec | $findings | $rec900 / $rec901 | $by_recorded | $by_consented | $by_clean |")
    fi
done

command_line="reclint check TREE --no-config --format json${JOBS:+ --jobs $JOBS} > /dev/null"
echo "reclint \`$commit\`, \`$command_line\`; floor \`rg -c '$PATTERN' TREE > /dev/null\` (ripgrep $(rg --version | head -n 1 | cut -d' ' -f2)); median of $RUNS rounds of interleaved runs, page cache warm, gen-tree seed $SEED"
echo
echo "Machine: $(nproc) CPUs, $(uname -m), ${cpu:-unknown CPU}"
echo
echo "| tree (files[:MB]) | files | MB | rg median s | reclint median s | ratio | reclint median CPU s | reclint peak RSS MB | rg peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
if [[ -n "${median_by_mb[100]:-}" && -n "${median_by_mb[200]:-}" ]]; then
    growth="$(awk -v a="${median_by_mb[200]}" -v b="${median_by_mb[100]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
    verdict="$(awk -v g="$growth" 'BEGIN { print (g != "n/a" && g <= 2.2) ? "met" : "not met" }')"
    echo "200 MB / 100 MB reclint time ratio: $growth (target: at most 2.2, $verdict)"
else
    echo "200 MB / 100 MB reclint time ratio: not measured (SIZES has no :100 and :200 trees)"
fi
if [[ -n "$last_name" ]]; then
    within="$(awk -v r="$last_ratio" 'BEGIN {
        print (r == "n/a") ? "not measurable: rg under 10 ms" : (r <= 10) ? "met" : "not met" }')"
    under="$(awk -v m="$last_rss" 'BEGIN { print (m != "n/a" && m <= 300) ? "met" : "not met" }')"
    echo "Largest tree ($last_name): reclint/rg $last_ratio (target: at most 10, $within); reclint peak RSS $last_rss MB (target: at most 300 MB, $under)"
fi
if [[ -n "${rss_5000:-}" ]]; then
    small="$(awk -v m="$rss_5000" 'BEGIN { print (m != "n/a" && m <= 150) ? "met" : "not met" }')"
    echo "5,000-file tree: reclint peak RSS $rss_5000 MB (target: at most 150 MB, $small)"
fi
if ((${#check_rows[@]})); then
    echo
    echo "Findings (one \`--format concise\` run; per class: units with findings/units, findings):"
    echo
    echo "| tree | findings | REC900 / REC901 | recorded | consented | clean |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${check_rows[@]}"
fi

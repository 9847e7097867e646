#!/usr/bin/env bash
# Benchmark: how long `reclint server` takes to publish the diagnostics of a
# 10,000-line dialplan after a didChange (the server's 50 ms debounce
# included). Generates the dialplan with gen-dialplan (one file), then runs
# the LSP client of bench/server_didchange.rs against the release binary.
#
#   bench/server-didchange.sh              # about 10,000 lines, 20 changes
#   PRIORITIES=20000 CHANGES=50 bench/server-didchange.sh
set -euo pipefail

PRIORITIES="${PRIORITIES:-10000}"
CHANGES="${CHANGES:-20}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
(cd "$repo" && cargo build --release --bin reclint --example gen-dialplan --example server-didchange) >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$target_dir/release/examples/gen-dialplan" "$work" --priorities "$PRIORITIES" --files 1 >&2
"$target_dir/release/examples/server-didchange" "$target_dir/release/reclint" "$work" --changes "$CHANGES"

#!/usr/bin/env bash
# Makes the README's pictures with headless Chromium: the demo's HTML
# evidence report (docs/img/report.png) and one entry point's call-flow
# graph as reclint draws it in SVG (docs/img/graph.png).
#   scripts/screenshots.sh            needs chromium (apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

browser=""
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null; then browser="$name"; break; fi
done
if [[ -z "$browser" ]]; then
    echo "scripts/screenshots.sh: Chromium is not installed (apt-get install chromium)" >&2
    exit 2
fi

cargo build --quiet
reclint=target/debug/reclint
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Status 1: the demo has findings.
"$reclint" check fixtures/demo/contact-centre --format html --output "$work/report.html" || [[ $? == 1 ]]
"$reclint" graph fixtures/demo/contact-centre --format svg --entry "4570100400 in from-pstn" \
    --output "$work/graph.svg"

shoot() { # page, png, width, height
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size="$3,$4" \
        --screenshot="$2" "file://$1" 2>/dev/null
}
mkdir -p docs/img
shoot "$work/report.html" docs/img/report.png 1100 1500
shoot "$work/graph.svg" docs/img/graph.png 960 820
echo "wrote docs/img/report.png and docs/img/graph.png"

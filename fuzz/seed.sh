#!/bin/sh
# Fills fuzz/corpus/<target>/ with seed inputs from fixtures/ (and from
# ../shared/corpus when that folder exists). The corpus is git-ignored:
# seeds are copied, never committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus"
shared="$root/../shared/corpus"

# seed TARGET DIR FIND-ARGS...: copy matching files under DIR, named by path.
seed() {
    target=$1 dir=$2
    shift 2
    [ -d "$dir" ] || return 0
    mkdir -p "$corpus/$target"
    find "$dir" -type f "$@" | while IFS= read -r file; do
        name=$(printf '%s' "${file#"$dir"/}" | tr '/' '_')
        cp "$file" "$corpus/$target/$name"
    done
}

for src in "$root/fixtures" "$shared"; do
    [ -d "$src" ] || continue
    seed asterisk "$src" -name '*.conf'
    seed ael "$src" -name '*.ael'
    seed ael "$src" -name '*.ael.sample'
    seed freeswitch "$src" -name '*.xml'
    seed connect "$src/amazon-connect" ! -name '*.expect' ! -name '*.toml' ! -name '*.yaml' ! -name '*.tf'
    seed connect "$src" -path '*connect*' -name '*.json'
    seed twiml "$src" -name '*.twiml'
    seed texml "$src/telnyx" -name '*.xml'
    seed cxml "$src/signalwire" -name '*.xml'
    seed plivo_xml "$src/plivo" -name '*.xml'
    seed studio "$src" -path '*twilio*' -name '*.json'
    seed vonage "$src" -path '*vonage*' -name '*.json'
    seed swml "$src/signalwire" -name '*.yaml'
    seed swml "$src/signalwire" -name '*.json'
    seed genesys "$src" -path '*genesys*' -name '*.yaml'
    seed config_toml "$src" -name '*.toml'
    seed terraform "$src" -name '*.tf'
    seed cloudformation "$src/cloudformation" -name '*.yaml'
    seed cloudformation "$src/amazon-connect" -name '*.yaml'
    seed cloudformation "$src" -name '*.yaml' -path '*CloudFormation*'
done
for target in asterisk ael freeswitch connect twiml texml cxml plivo_xml studio swml vonage genesys config_toml terraform cloudformation; do
    mkdir -p "$corpus/$target"
    printf '%s: %s seeds\n' "$target" "$(find "$corpus/$target" -type f | wc -l)"
done

#!/usr/bin/env bash
# Checks that this repository works as a pre-commit hook repository: installs
# pre-commit from PyPI into a throw-away venv, makes a sample git repository
# with a bad Asterisk dialplan and checks that
#
#     pre-commit try-repo <this repo> reclint --all-files
#
# fails, then replaces the dialplan with a good one (recording only after an
# explicit yes to a consent question) and checks that it passes.
#
# Usage: scripts/pre-commit-try-repo.sh [--working-tree] [REPO]
#
#   REPO            the reclint repository (default: the one holding this script)
#   --working-tree  test the working tree (uncommitted and untracked files
#                   included) instead of HEAD, by committing a snapshot of it
#                   to a temporary repository. REPO itself is never changed.
#
# By default the committed state is tested: try-repo clones REPO and builds
# the commit HEAD points to (`--ref` is passed explicitly, so pre-commit does
# not add uncommitted tracked changes on its own). Uncommitted changes are NOT
# tested in this mode.
#
# Needs git, python3 with venv, network access to PyPI and crates.io, and a
# Rust toolchain: `language: rust` builds reclint with `cargo install` (a
# release build). try-repo uses a fresh pre-commit store on every call, so
# each of the two try-repo runs builds reclint again (about four minutes each
# on a 2-core machine: the release profile optimises across crates).
#
# Exit status: 0 when both results are as expected, 1 otherwise.

set -euo pipefail

started=$SECONDS
working_tree=0
repo=""
for arg in "$@"; do
    case "$arg" in
        --working-tree) working_tree=1 ;;
        -h | --help)
            sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "unknown option: $arg" >&2
            exit 2
            ;;
        *) repo="$arg" ;;
    esac
done
if [[ -z "$repo" ]]; then
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
repo="$(cd "$repo" && git rev-parse --show-toplevel)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/reclint-try-repo.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

git_quiet() {
    git -c user.name=reclint-try-repo -c user.email=try-repo@example.invalid \
        -c commit.gpgsign=false -c init.defaultBranch=main "$@"
}

step() { printf '\n==> %s (%ss)\n' "$1" "$((SECONDS - started))"; }

# ---- the hook repository --------------------------------------------------
if [[ $working_tree -eq 1 ]]; then
    step "snapshot of the working tree of $repo"
    snapshot="$tmp/snapshot"
    mkdir -p "$snapshot"
    # Tracked and untracked files, .gitignore respected; deleted files skipped.
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
        while IFS= read -r -d '' file; do
            if [[ -f "$repo/$file" || -L "$repo/$file" ]]; then
                mkdir -p "$snapshot/$(dirname "$file")"
                cp -P "$repo/$file" "$snapshot/$file"
            fi
        done
    git_quiet -C "$snapshot" init -q
    git_quiet -C "$snapshot" add -A
    git_quiet -C "$snapshot" commit -q -m "working tree of $repo"
    hook_repo="$snapshot"
else
    hook_repo="$repo"
    if [[ -n "$(git -C "$repo" status --porcelain)" ]]; then
        echo "note: $repo has uncommitted changes; they are not tested (use --working-tree)"
    fi
fi
ref="$(git -C "$hook_repo" rev-parse HEAD)"
if ! git -C "$hook_repo" cat-file -e "$ref:.pre-commit-hooks.yaml" 2>/dev/null; then
    echo "error: .pre-commit-hooks.yaml is not committed at $ref in $hook_repo" >&2
    echo "       commit it, or run with --working-tree" >&2
    exit 1
fi
echo "hook repository: $hook_repo @ $ref"

# ---- pre-commit in a venv ---------------------------------------------------
step "installing pre-commit from PyPI"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit
pre_commit="$tmp/venv/bin/pre-commit"
"$pre_commit" --version
# No colour codes in the captured output.
export NO_COLOR=1 PRE_COMMIT_COLOR=never

# ---- a sample repository ----------------------------------------------------
sample="$tmp/sample"
mkdir -p "$sample/pbx"
git_quiet -C "$sample" init -q

# Records every call from the first ring, with no notice and no consent:
# REC001 and REC003, both errors.
cat >"$sample/pbx/extensions.conf" <<'EOF'
[from-pstn]
exten => _X.,1,Answer()
 same => n,MixMonitor(${UNIQUEID}.wav)
 same => n,Dial(PJSIP/a,30)
EOF
# Not a format reclint reads: matched by the hook's `files`, skipped silently.
echo '{"name": "sample", "private": true}' >"$sample/package.json"
echo '# sample' >"$sample/README.md"
git_quiet -C "$sample" add -A

# try_repo ARGS... -> pre-commit try-repo of the hook on the sample
# repository (`--all-files` or `--files NAME`).
try_repo() {
    (cd "$sample" && "$pre_commit" try-repo "$hook_repo" reclint --ref "$ref" "$@" --color never)
}

# logged NAME CMD... -> runs CMD with its output in $tmp/NAME.log, shows the
# log and sets $status.
logged() {
    local log="$tmp/$1.log"
    shift
    set +e
    "$@" >"$log" 2>&1
    status=$?
    set -e
    cat "$log"
}

failures=0

step "pre-commit try-repo with a bad dialplan (must fail)"
build_started=$SECONDS
logged bad try_repo --all-files
build_seconds=$((SECONDS - build_started))
if [[ $status -eq 0 ]]; then
    echo "UNEXPECTED: the hook passed on a dialplan that records every call without consent"
    failures=$((failures + 1))
elif ! grep -q 'REC001' "$tmp/bad.log"; then
    echo "UNEXPECTED: the hook failed (status $status) but not with REC001; see above"
    failures=$((failures + 1))
else
    echo "ok: the hook failed with REC001 (status $status) after ${build_seconds}s"
fi

# Records only after an explicit yes to a consent question, with a purpose.
cat >"$sample/pbx/extensions.conf" <<'EOF'
[from-pstn]
exten => _X.,1,Answer()
 same => n,Read(CONSENT,press-1-to-allow-recording,1)
 same => n,GotoIf($["${CONSENT}" = "1"]?rec:talk)
 ; reclint: purpose=documentation
 same => n(rec),MixMonitor(${UNIQUEID}.wav)
 same => n(talk),Dial(PJSIP/a,30)
EOF
git_quiet -C "$sample" add -A

step "pre-commit try-repo with a good dialplan (must pass)"
good_started=$SECONDS
logged good try_repo --all-files
if [[ $status -ne 0 ]]; then
    echo "UNEXPECTED: the hook failed (status $status) on a dialplan that asks for consent first"
    failures=$((failures + 1))
else
    echo "ok: the hook passed after $((SECONDS - good_started))s"
fi

# A commit that only changes the policy: reclint.toml now says the
# organisation is a public authority relying on legitimate interests for
# the documentation purpose (REC010). The hook's `files` must catch
# reclint.toml, and the output must be the concise one with its hint.
cat >"$sample/reclint.toml" <<'EOF'
[policy]
jurisdiction = "DK"
sector = "public-authority"

[purposes.documentation]
legal-basis = "legitimate-interests"
retention-days = 30
EOF
git_quiet -C "$sample" add -A

step "pre-commit try-repo on a change to reclint.toml alone (must run and fail)"
logged policy try_repo --files reclint.toml
if [[ $status -eq 0 ]]; then
    echo "UNEXPECTED: the hook passed (or did not run) on a policy change that makes REC010 fire"
    failures=$((failures + 1))
elif ! grep -q 'REC010' "$tmp/policy.log"; then
    echo "UNEXPECTED: the hook failed (status $status) but not with REC010; see above"
    failures=$((failures + 1))
elif ! grep -q 'Run `reclint check`' "$tmp/policy.log"; then
    echo "UNEXPECTED: the hook output has no hint to run reclint check"
    failures=$((failures + 1))
else
    echo "ok: a change to reclint.toml alone ran the hook, which failed with REC010"
fi

total=$((SECONDS - started))
printf '\n==> done in %dm%02ds (first try-repo, build included: %ds)\n' \
    $((total / 60)) $((total % 60)) "$build_seconds"
if [[ $failures -ne 0 ]]; then
    echo "FAILED: $failures unexpected result(s)"
    exit 1
fi
echo "PASSED"

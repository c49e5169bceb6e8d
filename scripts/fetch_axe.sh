#!/usr/bin/env bash
# Fetch axe-core's browser build from the npm registry into the static folder (git-ignored),
# for the accessibility browser tests (tests/e2e/test_accessibility.py).
set -euo pipefail
version="$1"
dest="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@${version}" >/dev/null)
tar xzf "$tmp/axe-core-${version}.tgz" -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dest/"
echo "axe-core ${version} -> ${dest}" >&2

#!/usr/bin/env bash
# Fetch files of one npm package from the registry into a static folder (git-ignored), so the
# browser loads them from the app and never from a CDN.
# Usage: fetch_npm.sh <package> <version> <dest> <path in the package>...
set -euo pipefail
package="$1"
version="$2"
dest="$3"
shift 3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "${package}@${version}" >/dev/null)
tar xzf "$tmp"/*.tgz -C "$tmp"
mkdir -p "$dest"
for path in "$@"; do
  cp -r "$tmp/package/$path" "$dest/"
done
echo "${package} ${version} -> ${dest}" >&2

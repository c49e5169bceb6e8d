#!/usr/bin/env bash
# Fetch Leaflet's dist/ from the npm registry into the static folder (git-ignored).
set -euo pipefail
version="$1"
dest="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@${version}" >/dev/null)
tar xzf "$tmp/leaflet-${version}.tgz" -C "$tmp"
mkdir -p "$dest"
cp -r "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/dist/images" "$dest/"
echo "Leaflet ${version} -> ${dest}" >&2

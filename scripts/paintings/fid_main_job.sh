#!/usr/bin/env bash
# FID of the main job's model: 1,024 generated images against 1,024 embedded paintings (indices
# 0-1023, all five styles equally), with the project's own FID. Needs the Inception weights
# (scripts/fid/fetch_inception_weights.sh) and a trained run (cargo run --release --example dcgan64).
#
#   scripts/paintings/fid_main_job.sh [RUN] [WORK_DIR]
set -euo pipefail
run=${1:-runs/dcgan64}
work=${2:-target/fid-main-job}
size=$(grep -o '"image_size": *[0-9]*' "$run/config.json" | head -1 | grep -o '[0-9]*$')
cargo build --release --quiet --bin gan --example export_embedded
rm -rf "$work" && mkdir -p "$work/reference"
target/release/examples/export_embedded "$work/embedded" "$size" > /dev/null
for i in $(seq -f '%05g' 0 1023); do
  mv "$work"/embedded/*/"$i.png" "$work/reference/"
done
target/release/gan generate "$run" --count 1024 --seed 1 --out "$work/generated" --quiet > /dev/null
target/release/gan fid "$work/generated" "$work/reference" --no-kid

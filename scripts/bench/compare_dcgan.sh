#!/usr/bin/env bash
# DCGAN throughput, ours against PyTorch's canonical DCGAN, in one invocation, same shapes.
#
#   scripts/bench/compare_dcgan.sh [SIZE] [BATCH] [ITERS]
#
# Needs PyTorch: python3 -m pip install torch (or PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${1:-64}; BATCH=${2:-64}; ITERS=${3:-10}
PYTHON=${PYTHON:-python3}
ours=$(cargo bench -q --bench dcgan -- --json --size "$SIZE" --batch "$BATCH" --iters "$ITERS" | tail -n 1)
theirs=$("$PYTHON" scripts/bench/pytorch_dcgan.py --threads 2 --size "$SIZE" --batch "$BATCH" --iters "$ITERS")
"$PYTHON" - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"DCGAN {ours['size']}x{ours['size']}, batch {ours['batch']}, median of {ours['iters']} iterations")
print(f"{'':24}{'gan (burn flex)':>18}{'PyTorch (2 thr)':>18}{'ratio':>8}")
for key, name in [("generator_forward_images_per_s", "generator forward img/s"), ("train_step_images_per_s", "training step img/s")]:
    print(f"{name:24}{ours[key]:>18.1f}{theirs[key]:>18.1f}{ours[key] / theirs[key]:>8.2f}")
print("torch", theirs["torch"])
PY

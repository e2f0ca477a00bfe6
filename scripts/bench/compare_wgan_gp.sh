#!/usr/bin/env bash
# WGAN-GP cost, ours (exact penalty on first-order autodiff) against PyTorch (double backward),
# in one invocation, same shapes, PyTorch on 2 threads.
#
#   scripts/bench/compare_wgan_gp.sh [SIZE] [BATCH] [ITERS]
#
# Needs PyTorch: python3 -m pip install torch (or PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${1:-64}; BATCH=${2:-32}; ITERS=${3:-5}
PYTHON=${PYTHON:-python3}
ours=$(cargo bench -q --bench wgan_gp -- --json --size "$SIZE" --batch "$BATCH" --iters "$ITERS" | tail -n 1)
theirs=$("$PYTHON" scripts/bench/pytorch_wgan_gp.py --threads 2 --size "$SIZE" --batch "$BATCH" --iters "$ITERS")
"$PYTHON" - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"WGAN-GP {ours['size']}x{ours['size']}, batch {ours['batch']}, median of {ours['iters']}")
print(f"{'':34}{'gan (burn flex)':>16}{'PyTorch (2 thr)':>17}")
print(f"{'critic step, no penalty (s)':34}{ours['critic_step_s']:>16.3f}{theirs['critic_step_s']:>17.3f}")
print(f"{'critic step, with GP (s)':34}{ours['critic_step_penalty_s']:>16.3f}{theirs['critic_step_penalty_s']:>17.3f}")
print(f"{'penalty cost ratio':34}{ours['penalty_cost_ratio']:>16.2f}{theirs['penalty_cost_ratio']:>17.2f}")
print(f"{'training step (5 critic + G) (s)':34}{ours['train_step_s']:>16.3f}{theirs['train_step_s']:>17.3f}")
print(f"{'training step, real images/s':34}{ours['train_step_images_per_s']:>16.1f}{theirs['train_step_images_per_s']:>17.1f}")
print(f"ratio of training throughput (ours / PyTorch): {ours['train_step_images_per_s'] / theirs['train_step_images_per_s']:.2f}")
print("torch", theirs["torch"])
PY

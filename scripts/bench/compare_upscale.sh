#!/usr/bin/env bash
# Real-ESRGAN upscaling time, ours against PyTorch (same networks, same official weights, 2
# threads), in one invocation: one image per call, untiled.
#
#   scripts/bench/compare_upscale.sh [MODELS] [SIZES] [ITERS]     # default x4plus,animevideov3 64,128 3
#
# Needs the weights (scripts/upscale/fetch_realesrgan_weights.sh) and PyTorch
# (python3 -m pip install torch numpy, or PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODELS=${1:-x4plus,animevideov3}; SIZES=${2:-64,128}; ITERS=${3:-3}
PYTHON=${PYTHON:-python3}
ours=$(cargo bench -q --bench upscale -- --json --models "$MODELS" --sizes "$SIZES" --iters "$ITERS" | grep '^{')
theirs=$("$PYTHON" scripts/bench/pytorch_realesrgan.py --threads 2 --models "$MODELS" --sizes "$SIZES" --iters "$ITERS")
"$PYTHON" - "$ours" "$theirs" <<'PY'
import json, sys
ours = [json.loads(l) for l in sys.argv[1].splitlines() if l.strip()]
theirs = {(r["model"], r["size"]): r for r in map(json.loads, sys.argv[2].splitlines()) if r}
print(f"Real-ESRGAN, one image, untiled, median of {ours[0]['iters']} (seconds; ratio = PyTorch time / ours)")
print(f"{'model':14}{'input':>8}{'gan (burn flex)':>18}{'PyTorch (2 thr)':>18}{'ratio':>8}")
for r in ours:
    t = theirs[(r["model"], r["size"])]
    print(f"{r['model']:14}{r['size']:>8}{r['seconds_median']:>18.3f}{t['seconds_median']:>18.3f}{t['seconds_median'] / r['seconds_median']:>8.2f}")
print("torch", next(iter(theirs.values()))["torch"])
PY

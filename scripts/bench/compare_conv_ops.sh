#!/usr/bin/env bash
# DCGAN's convolutions layer by layer, ours (Burn's functions and gan::core::conv) against
# torch.nn.functional, in one invocation, same shapes: forward, input gradient, weight gradient.
#
#   scripts/bench/compare_conv_ops.sh [SIZE] [BATCH] [ITERS]
#
# Needs PyTorch: python3 -m pip install torch (or PYTHON=/path/to/venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${1:-64}; BATCH=${2:-64}; ITERS=${3:-5}
PYTHON=${PYTHON:-python3}
ours=$(cargo bench -q --bench conv_ops -- --json --size "$SIZE" --batch "$BATCH" --iters "$ITERS" | grep '^{')
theirs=$("$PYTHON" scripts/bench/pytorch_conv_ops.py --json --threads 2 --size "$SIZE" --batch "$BATCH" --iters "$ITERS")
"$PYTHON" - "$ours" "$theirs" <<'PY'
import json, sys
ours = [json.loads(line) for line in sys.argv[1].splitlines()]
theirs = {row["layer"]: row for row in map(json.loads, sys.argv[2].splitlines())}
print(f"DCGAN convolutions, batch {ours[0]['batch']}, milliseconds (median); ratio = PyTorch / gan::core::conv")
head = f"{'layer':<6}{'channels':>12}{'in':>5}"
for op in ["forward", "input grad", "weight grad"]:
    head += f" | {op + ': burn  ours  torch  ratio':>34}"
print(head)
totals = {}
for row in ours:
    t = theirs[row["layer"]]
    line = f"{row['layer']:<6}{str(row['c_in']) + '->' + str(row['c_out']):>12}{row['input']:>5}"
    for key in ["forward_ms", "input_grad_ms", "weight_grad_ms"]:
        burn, mine, torch = row[key], row["ours_" + key], t[key]
        for name, v in [("burn", burn), ("ours", mine), ("torch", torch)]:
            totals[(key, name)] = totals.get((key, name), 0.0) + v
        line += f" | {burn:>14.1f}{mine:>6.1f}{torch:>7.1f}{torch / mine:>7.2f}"
    print(line)
line = f"{'all':<6}{'':>12}{'':>5}"
for key in ["forward_ms", "input_grad_ms", "weight_grad_ms"]:
    b, m, t = (totals[(key, n)] for n in ["burn", "ours", "torch"])
    line += f" | {b:>14.1f}{m:>6.1f}{t:>7.1f}{t / m:>7.2f}"
print(line)
PY

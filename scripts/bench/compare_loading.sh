#!/usr/bin/env bash
# Data loading, side by side in one run: gan-data's parallel prefetching loader against
# torchvision's ImageFolder + DataLoader (PIL, 2 workers), on the same folder, at 64 and 128 px.
#
#   scripts/bench/compare_loading.sh [DATA_DIR] [PYTHON]
#
# PYTHON must have torch and torchvision (pip install torch torchvision --index-url
# https://download.pytorch.org/whl/cpu).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="$(realpath "${1:-../shared/data/peopleart}")"
PYTHON="${2:-python3}"
cargo bench -p gan-data --bench loading --quiet -- --data "$DATA" --threads 2 --json 2>/dev/null
"$PYTHON" scripts/bench/torchvision_loading.py --data "$DATA" --workers 2

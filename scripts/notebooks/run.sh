#!/usr/bin/env bash
# Runs every notebook in notebooks/ for real, through the Rust Jupyter kernel (evcxr_jupyter),
# one at a time, with nbclient's `jupyter execute`: a compile or run error in any cell fails that
# notebook. The executed copies, with their pictures, go to target/notebooks/ (the committed
# notebooks keep their outputs cleared). Ends with the line `notebooks: N passed, M failed`.
#
#   scripts/notebooks/run.sh [NOTEBOOK.ipynb...]
#
# Set-up, once (measured figures in docs/notebooks.md):
#   rustup component add rust-src
#   cargo install evcxr_jupyter --version 0.22.0 --locked && evcxr_jupyter --install
#   python3 -m venv .venv-notebooks && .venv-notebooks/bin/pip install nbclient nbformat jupyter_client
#   JUPYTER=.venv-notebooks/bin/jupyter scripts/notebooks/run.sh
#
# evcxr builds its own copy of Burn (its compiler flags differ from cargo's, so nothing is shared
# with target/). EVCXR_TMPDIR keeps that build in one persistent folder outside the repository
# (cargo refuses a crate inside another workspace), so Burn is compiled once for all notebooks.
# Not under the folder that holds ~/.rustup either: evcxr's code libraries find Rust's libstd.so
# through a relative RUNPATH that is one `..` short (it is computed for target/.../deps/, and the
# library is loaded from the folder above), which only works when the two paths meet at `/`;
# under $HOME every cell fails with "dlopen failed". /var/tmp survives reboots.
set -uo pipefail
cd "$(dirname "$0")/../.."
JUPYTER=${JUPYTER:-jupyter}
export EVCXR_TMPDIR=${EVCXR_TMPDIR:-/var/tmp/gan-evcxr}
mkdir -p "$EVCXR_TMPDIR" target/notebooks
if [ "$#" -eq 0 ]; then set -- notebooks/*.ipynb; fi
passed=0
failed=0
for notebook in "$@"; do
  name=$(basename "$notebook" .ipynb)
  start=$(date +%s)
  # A picture must arrive as a picture: evcxr falls back to the Debug text of a value when it
  # does not call its evcxr_display (it did so for a cell that defined functions and ended in a
  # `?` expression), which `jupyter execute` does not count as an error.
  if "$JUPYTER" execute --kernel_name=rust --timeout=3600 \
      --output="../target/notebooks/$name" "$notebook" > "target/notebooks/$name.log" 2>&1 \
    && python3 - "target/notebooks/$name.ipynb" >> "target/notebooks/$name.log" 2>&1 <<'PY'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
bad = [i for i, cell in enumerate(cells) for out in cell.get("outputs", [])
       if "".join(out.get("data", {}).get("text/plain", "")).lstrip("'[\"").startswith(("Png(", "Gif(", "Html("))]
if bad:
    sys.exit(f"cells {bad} show a picture's Debug text instead of the picture")
PY
  then
    passed=$((passed + 1))
    echo "passed: $notebook ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1))
    echo "FAILED: $notebook ($(( $(date +%s) - start )) s); its log: target/notebooks/$name.log"
    tail -n 30 "target/notebooks/$name.log"
  fi
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

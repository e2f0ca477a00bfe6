"""Real-ESRGAN upscaling time with PyTorch on the CPU: the networks of
scripts/reference/realesrgan_reference.py with the official ncnn weights, one image, untiled.
Prints one JSON line per model and size (the format of `cargo bench --bench upscale -- --json`).

    python3 scripts/bench/pytorch_realesrgan.py --threads 2 --models x4plus,animevideov3 --sizes 64,128
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
from realesrgan_reference import RRDBNet, SRVGGNetCompact, load_weights, read_ncnn  # noqa: E402

SPECS = {
    "x4plus": ("realesrgan-x4plus", lambda: RRDBNet()),
    "x4plus-anime": ("realesrgan-x4plus-anime", lambda: RRDBNet(num_block=6)),
    "animevideov3": ("realesr-animevideov3-x4", lambda: SRVGGNetCompact()),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--models", default="x4plus,animevideov3")
    p.add_argument("--sizes", default="64,128")
    p.add_argument("--iters", type=int, default=3)
    p.add_argument("--weights", default=os.environ.get("GAN_REALESRGAN_DIR", ".cache/realesrgan"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    for name in a.models.split(","):
        stem, make = SPECS[name]
        model = load_weights(make(), *read_ncnn(os.path.join(a.weights, stem + ".param"),
                                                os.path.join(a.weights, stem + ".bin")))
        for size in [int(s) for s in a.sizes.split(",")]:
            torch.manual_seed(0)
            x = torch.rand(1, 3, size, size)
            seconds = []
            with torch.no_grad():
                for i in range(a.iters + 1):
                    start = time.perf_counter()
                    model(x).clamp_(0, 1).sum().item()
                    if i >= 1:
                        seconds.append(time.perf_counter() - start)
            seconds.sort()
            print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": a.threads,
                              "model": name, "size": size, "iters": a.iters,
                              "seconds_median": round(seconds[len(seconds) // 2], 4)}))


if __name__ == "__main__":
    main()

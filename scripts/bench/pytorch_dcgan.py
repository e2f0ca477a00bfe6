"""The canonical PyTorch DCGAN (pytorch/examples/dcgan) timed with the same shapes as
`cargo bench --bench dcgan`: (a) generator forward in eval mode without gradients, (b) one
training step exactly as the example's loop does it (D on real, D on detached fake, D step;
G through D, G step; .item() on the losses). Prints one JSON line.

    python3 scripts/bench/pytorch_dcgan.py --threads 2 --size 64 --batch 64 --iters 10
"""
import argparse
import json
import statistics
import time

import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from dcgan_models import discriminator, generator, weights_init  # noqa: E402


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    device = torch.device(a.device)
    nz = 100
    netG = generator(nz, 64, 3, a.size).to(device)
    netD = discriminator(64, 3, a.size).to(device)
    netG.apply(weights_init)
    netD.apply(weights_init)

    netG.eval()
    noise = torch.randn(a.batch, nz, 1, 1, device=device)
    times = []
    with torch.no_grad():
        for i in range(a.iters + 2):
            start = time.perf_counter()
            netG(noise)
            sync(device)
            if i >= 2:
                times.append(time.perf_counter() - start)
    forward = statistics.median(times)
    netG.train()

    criterion = nn.BCELoss()
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(a.batch, 3, a.size, a.size, device=device) * 2 - 1
    times = []
    for i in range(a.iters + 2):
        start = time.perf_counter()
        netD.zero_grad()
        label = torch.full((a.batch,), 1.0, device=device)
        errD_real = criterion(netD(real).view(-1), label)
        errD_real.backward()
        noise = torch.randn(a.batch, nz, 1, 1, device=device)
        fake = netG(noise)
        label.fill_(0.0)
        errD_fake = criterion(netD(fake.detach()).view(-1), label)
        errD_fake.backward()
        optD.step()
        netG.zero_grad()
        label.fill_(1.0)
        errG = criterion(netD(fake).view(-1), label)
        errG.backward()
        optG.step()
        (errD_real + errD_fake).item(), errG.item()
        sync(device)
        if i >= 2:
            times.append(time.perf_counter() - start)
    step = statistics.median(times)
    print(json.dumps({
        "framework": "pytorch", "torch": torch.__version__, "device": a.device, "threads": a.threads,
        "size": a.size, "batch": a.batch, "iters": a.iters,
        "generator_forward_images_per_s": round(a.batch / forward, 2),
        "train_step_images_per_s": round(a.batch / step, 2),
        "train_step_seconds_median": round(step, 4), "train_step_seconds_mean": round(statistics.mean(times), 4),
    }))


if __name__ == "__main__":
    main()

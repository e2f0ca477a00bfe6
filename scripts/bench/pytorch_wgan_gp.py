"""PyTorch's WGAN-GP timed with the same shapes as `cargo bench --bench wgan_gp`: a critic
step without the penalty, one with the gradient penalty by double backward
(autograd.grad(create_graph=True)), and a full training step (5 critic steps, then the
generator), with gan-core's LayerNorm critic and DCGAN generator. Prints one JSON line.

    python3 scripts/bench/pytorch_wgan_gp.py --threads 2 --size 64 --batch 32 --iters 5
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from dcgan_models import Critic, generator, weights_init  # noqa: E402


def timed(iters, fn):
    fn()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--iters", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    critic = Critic(True, 64, 3, a.size)
    netG = generator(100, 64, 3, a.size)
    netG.apply(weights_init)
    opt_c = torch.optim.Adam(critic.parameters(), lr=1e-4, betas=(0.5, 0.9))
    opt_g = torch.optim.Adam(netG.parameters(), lr=1e-4, betas=(0.5, 0.9))
    real = torch.rand(a.batch, 3, a.size, a.size) * 2 - 1
    fake = torch.rand(a.batch, 3, a.size, a.size) * 2 - 1

    def penalty(real, fake):
        eps = torch.rand(a.batch, 1, 1, 1)
        x = (eps * real + (1 - eps) * fake).requires_grad_(True)
        (g,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
        return ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()

    def critic_step(with_penalty, fake):
        opt_c.zero_grad()
        loss = critic(fake).mean() - critic(real).mean()
        if with_penalty:
            loss = loss + 10 * penalty(real, fake)
        loss.backward()
        opt_c.step()
        return loss

    plain = timed(a.iters, lambda: critic_step(False, fake).item())
    penalised = timed(a.iters, lambda: critic_step(True, fake).item())

    def full_step():
        for _ in range(5):
            fake = netG(torch.randn(a.batch, 100, 1, 1))
            loss_c = critic_step(True, fake.detach())
        opt_g.zero_grad()
        loss_g = -critic(fake).mean()
        loss_g.backward()
        opt_g.step()
        loss_c.item(), loss_g.item()

    full = timed(a.iters, full_step)
    print(json.dumps({
        "framework": "pytorch", "torch": torch.__version__, "threads": a.threads, "size": a.size,
        "batch": a.batch, "iters": a.iters, "critic_step_s": round(plain, 4),
        "critic_step_penalty_s": round(penalised, 4), "penalty_cost_ratio": round(penalised / plain, 3),
        "train_step_s": round(full, 4), "train_step_images_per_s": round(5 * a.batch / full, 2),
    }))


if __name__ == "__main__":
    main()

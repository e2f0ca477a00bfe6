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

import torch
import torch.nn as nn


def generator(nz, ngf, nc, size):
    stages = size.bit_length() - 1 - 2
    layers, c_in = [], nz
    for stage in range(stages):
        c_out = ngf * 2 ** (stages - 1 - stage)
        stride, pad = (1, 0) if stage == 0 else (2, 1)
        layers += [nn.ConvTranspose2d(c_in, c_out, 4, stride, pad, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]
        c_in = c_out
    layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(ndf, nc, size):
    stages = size.bit_length() - 1 - 2
    layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    for s in range(1, stages):
        layers += [nn.Conv2d(ndf * 2 ** (s - 1), ndf * 2 ** s, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2 ** s), nn.LeakyReLU(0.2, inplace=True)]
    layers += [nn.Conv2d(ndf * 2 ** (stages - 1), 1, 4, 1, 0, bias=False), nn.Sigmoid()]
    return nn.Sequential(*layers)


def weights_init(m):
    name = m.__class__.__name__
    if name.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif name.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


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

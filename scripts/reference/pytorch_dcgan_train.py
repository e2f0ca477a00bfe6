"""The canonical PyTorch DCGAN training loop (pytorch/examples/dcgan: same networks, BCE,
Adam(2e-4, (0.5, 0.999)), one D step then one G step), trained on a folder of images, for a
side-by-side check of `gan train dcgan` at the same step. Writes sample grids of one fixed noise
batch in training mode (BatchNorm batch statistics, as the example draws them) and in inference
mode (running statistics, as `gan` draws them), and a metrics CSV with the same columns as
`gan`'s (step, epoch, loss_d, loss_g, d_x, d_g_z1, d_g_z2).

    python3 -m pip install torch pillow
    cargo run --release --example export_embedded -- /tmp/embedded-32 32
    python3 scripts/reference/pytorch_dcgan_train.py --data /tmp/embedded-32 --size 32 \
        --feature-maps 32 --steps 600 --out /tmp/pytorch-dcgan32
"""
import argparse
import csv
import math
import os
import sys
import time

import torch
import torch.nn as nn
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from dcgan_models import discriminator, generator, weights_init  # noqa: E402


def load_folder(root, size):
    paths = sorted(
        os.path.join(d, f)
        for d, _, files in os.walk(root)
        for f in files
        if f.lower().endswith((".png", ".jpg", ".jpeg"))
    )
    images = []
    for path in paths:
        image = Image.open(path).convert("RGB")
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
        data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
        images.append(data.view(size, size, 3).permute(2, 0, 1).float() / 127.5 - 1.0)
    return torch.stack(images)


def save_grid(images, path):
    count = images.shape[0]
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    size = images.shape[2]
    pad = 2
    grid = Image.new("RGB", (columns * (size + pad) + pad, rows * (size + pad) + pad))
    pixels = ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    for i in range(count):
        tile = Image.frombytes("RGB", (size, size), pixels[i].tobytes())
        grid.paste(tile, (pad + (i % columns) * (size + pad), pad + (i // columns) * (size + pad)))
    grid.save(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--feature-maps", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--sample-every", type=int, default=200)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(os.path.join(a.out, "samples"), exist_ok=True)
    data = load_folder(a.data, a.size)
    nz = 100
    netG = generator(nz, a.feature_maps, 3, a.size)
    netD = discriminator(a.feature_maps, 3, a.size)
    netG.apply(weights_init)
    netD.apply(weights_init)
    criterion = nn.BCELoss()
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    fixed = torch.randn(64, nz, 1, 1)
    step, epoch = 0, 0
    start = time.time()
    with open(os.path.join(a.out, "metrics.csv"), "w", newline="") as f:
        log = csv.writer(f)
        log.writerow(["step", "epoch", "loss_d", "loss_g", "d_x", "d_g_z1", "d_g_z2"])
        while step < a.steps:
            order = torch.randperm(len(data))
            for first in range(0, len(data) - a.batch + 1, a.batch):
                real = data[order[first:first + a.batch]]
                flip = torch.rand(a.batch) < 0.5
                real = torch.where(flip.view(-1, 1, 1, 1), real.flip(3), real)
                netD.zero_grad()
                output = netD(real).view(-1)
                errD_real = criterion(output, torch.ones(a.batch))
                errD_real.backward()
                d_x = output.mean().item()
                fake = netG(torch.randn(a.batch, nz, 1, 1))
                output = netD(fake.detach()).view(-1)
                errD_fake = criterion(output, torch.zeros(a.batch))
                errD_fake.backward()
                d_g_z1 = output.mean().item()
                optD.step()
                netG.zero_grad()
                output = netD(fake).view(-1)
                errG = criterion(output, torch.ones(a.batch))
                errG.backward()
                optG.step()
                step += 1
                log.writerow([step, epoch, (errD_real + errD_fake).item(), errG.item(), d_x,
                              d_g_z1, output.mean().item()])
                if step % a.sample_every == 0 or step == a.steps:
                    with torch.no_grad():
                        save_grid(netG(fixed), os.path.join(a.out, "samples", f"train-{step:08}.png"))
                        netG.eval()
                        save_grid(netG(fixed), os.path.join(a.out, "samples", f"eval-{step:08}.png"))
                        netG.train()
                if step >= a.steps:
                    break
            epoch += 1
    print(f"{step} steps in {time.time() - start:.1f} s; samples in {a.out}/samples")


if __name__ == "__main__":
    main()

"""Loading throughput of torchvision's ImageFolder + DataLoader (PIL decode, 2 workers) on a
folder of images: decode, resize (shorter side) + centre crop, to tensor in [-1, 1], batch.
Prints one JSON line per size, like `cargo bench -p gan-data --bench loading -- --json`.

    python scripts/bench/torchvision_loading.py --data ../shared/data/peopleart --size 64
"""
import argparse
import json
import time

import torch
from torchvision import datasets, transforms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--size", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for size in args.size:
        transform = transforms.Compose(
            [
                transforms.Resize(size),
                transforms.CenterCrop(size),
                transforms.ToTensor(),
                transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
            ]
        )
        started = time.perf_counter()
        data = datasets.ImageFolder(args.data, transform=transform)
        open_s = time.perf_counter() - started
        loader = torch.utils.data.DataLoader(
            data,
            batch_size=args.batch_size,
            shuffle=False,
            num_workers=args.workers,
            persistent_workers=False,
        )
        best = float("inf")
        for _ in range(args.epochs):
            started = time.perf_counter()
            images = 0
            for batch, _labels in loader:
                images += batch.shape[0]
            assert images == len(data)
            best = min(best, time.perf_counter() - started)
        print(
            json.dumps(
                {
                    "impl": "torchvision",
                    "size": size,
                    "images": len(data),
                    "workers": args.workers,
                    "batch_size": args.batch_size,
                    "open_s": round(open_s, 3),
                    "images_per_s": round(len(data) / best, 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()

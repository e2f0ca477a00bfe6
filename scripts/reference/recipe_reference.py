"""Reference values for the small-data training recipe, computed with PyTorch on the CPU.

Writes crates/gan-core/tests/fixtures/recipe.json. Run from the repository root:

    python3 -m pip install torch
    python3 scripts/reference/recipe_reference.py

- DiffAugment: the policy `color,translation,cutout` as the paper's code writes it (Zhao et al.
  2020, github.com/mit-han-lab/data-efficient-gans, DiffAugment_pytorch.py), restated here with
  its random draws (torch.rand / torch.randint) replaced by given values, so that gan-core can be
  fed the same draws. Output and the input gradient of a weighted sum are recorded.
- Spectral normalisation: torch.nn.utils.parametrizations.spectral_norm on a Conv2d with a
  given weight and given initial u, one power iteration per training forward: the normalised
  weight and the updated u after two forwards, and the output of a third in eval mode.
- Hinge loss (Lim & Ye 2017; Miyato et al. 2018): discriminator mean(relu(1 - D(x))) +
  mean(relu(1 + D(G(z)))), generator -mean(D(G(z))).
- R1 (Mescheder et al. 2018) on a spectrally normalised DCGAN discriminator at 32x32 (feature
  maps 4): mean over images of |grad_x D(x)|^2 by autograd.grad(create_graph=True), and its
  gradient for every convolution's weight by the double backward; one training forward, so
  each layer runs one power iteration from its given u.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def pattern(shape, phase):
    n = math.prod(shape)
    values = [math.sin(0.37 * i + phase) * 0.9 for i in range(n)]
    return torch.tensor(values).reshape(shape)


# --- DiffAugment, as DiffAugment_pytorch.py, with the draws given ---------------------------

def rand_brightness(x, u):
    return x + (u.reshape(-1, 1, 1, 1) - 0.5)


def rand_saturation(x, u):
    x_mean = x.mean(dim=1, keepdim=True)
    return (x - x_mean) * (u.reshape(-1, 1, 1, 1) * 2) + x_mean


def rand_contrast(x, u):
    x_mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - x_mean) * (u.reshape(-1, 1, 1, 1) + 0.5) + x_mean


def rand_translation(x, translation_x, translation_y):
    translation_x = translation_x.reshape(-1, 1, 1)
    translation_y = translation_y.reshape(-1, 1, 1)
    grid_batch, grid_x, grid_y = torch.meshgrid(
        torch.arange(x.size(0), dtype=torch.long),
        torch.arange(x.size(2), dtype=torch.long),
        torch.arange(x.size(3), dtype=torch.long),
        indexing="ij",
    )
    grid_x = torch.clamp(grid_x + translation_x + 1, 0, x.size(2) + 1)
    grid_y = torch.clamp(grid_y + translation_y + 1, 0, x.size(3) + 1)
    x_pad = F.pad(x, [1, 1, 1, 1, 0, 0, 0, 0])
    return x_pad.permute(0, 2, 3, 1).contiguous()[grid_batch, grid_x, grid_y].permute(0, 3, 1, 2)


def rand_cutout(x, offset_x, offset_y, ratio=0.5):
    cutout_size = int(x.size(2) * ratio + 0.5), int(x.size(3) * ratio + 0.5)
    offset_x = offset_x.reshape(-1, 1, 1)
    offset_y = offset_y.reshape(-1, 1, 1)
    grid_batch, grid_x, grid_y = torch.meshgrid(
        torch.arange(x.size(0), dtype=torch.long),
        torch.arange(cutout_size[0], dtype=torch.long),
        torch.arange(cutout_size[1], dtype=torch.long),
        indexing="ij",
    )
    grid_x = torch.clamp(grid_x + offset_x - cutout_size[0] // 2, min=0, max=x.size(2) - 1)
    grid_y = torch.clamp(grid_y + offset_y - cutout_size[1] // 2, min=0, max=x.size(3) - 1)
    mask = torch.ones(x.size(0), x.size(2), x.size(3), dtype=x.dtype)
    mask[grid_batch, grid_x, grid_y] = 0
    return x * mask.unsqueeze(1)


def diff_augment_case():
    batch, channels, size = 3, 3, 8
    x = pattern([batch, channels, size, size], 0.3).requires_grad_(True)
    draw = {
        "brightness_u": [0.1, 0.75, 0.5],
        "saturation_u": [0.9, 0.2, 0.5],
        "contrast_u": [0.0, 0.6, 0.95],
        # shift = round(8 * 0.125) = 1: shifts in {-1, 0, 1}
        "shift_rows": [1, -1, 0],
        "shift_columns": [-1, 1, 1],
        # cutout side = 4 (even): centres in [0, 8]
        "cutout_rows": [0, 5, 8],
        "cutout_columns": [3, 8, 1],
    }
    t = lambda key: torch.tensor(draw[key])
    ti = lambda key: torch.tensor(draw[key], dtype=torch.long)
    y = rand_brightness(x, t("brightness_u"))
    y = rand_saturation(y, t("saturation_u"))
    y = rand_contrast(y, t("contrast_u"))
    y = rand_translation(y, ti("shift_rows"), ti("shift_columns"))
    y = rand_cutout(y, ti("cutout_rows"), ti("cutout_columns"))
    weights = pattern(list(y.shape), 1.1)
    (y * weights).sum().backward()
    return {
        "shape": list(x.shape),
        "input": x.detach().flatten().tolist(),
        "draw": draw,
        "output": y.detach().flatten().tolist(),
        "output_weights": weights.flatten().tolist(),
        "input_gradient": x.grad.flatten().tolist(),
    }


# --- Spectral normalisation -----------------------------------------------------------------

def spectral_norm_case():
    conv = nn.Conv2d(3, 4, 4, stride=2, padding=1, bias=True)
    with torch.no_grad():
        conv.weight.copy_(pattern(list(conv.weight.shape), 0.7))
        conv.bias.copy_(pattern([4], 2.0))
    u0 = F.normalize(pattern([4], 1.3), dim=0, eps=1e-12)
    conv = nn.utils.parametrizations.spectral_norm(conv, n_power_iterations=1, eps=1e-12)
    param = conv.parametrizations.weight[0]
    with torch.no_grad():
        param._u.copy_(u0)
        # v consistent with u0, as the parametrization's own initialisation makes it
        weight_mat = conv.parametrizations.weight.original.flatten(1)
        param._v.copy_(F.normalize(weight_mat.t() @ u0, dim=0, eps=1e-12))
    x = pattern([2, 3, 8, 8], 0.1)
    conv.train()
    first = conv(x)
    second = conv(x)
    u_after = param._u.clone()
    weight = conv.weight.detach().clone()
    conv.eval()
    third = conv(x)
    return {
        "weight_shape": list(conv.parametrizations.weight.original.shape),
        "weight": conv.parametrizations.weight.original.detach().flatten().tolist(),
        "bias": conv.bias.detach().tolist(),
        "u0": u0.tolist(),
        "input_shape": list(x.shape),
        "input": x.flatten().tolist(),
        "first_output": first.detach().flatten().tolist(),
        "second_output": second.detach().flatten().tolist(),
        "u_after_two": u_after.tolist(),
        "normalised_weight_after_two": weight.flatten().tolist(),
        "eval_output": third.detach().flatten().tolist(),
        "largest_singular_value": torch.linalg.matrix_norm(weight_mat, ord=2).item(),
    }


# --- Hinge loss ---------------------------------------------------------------------------

def hinge_case():
    real = pattern([6, 1], 0.2) * 2.0
    fake = pattern([6, 1], 2.9) * 2.0
    return {
        "real_logits": real.flatten().tolist(),
        "fake_logits": fake.flatten().tolist(),
        "discriminator_loss": (F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()).item(),
        "generator_loss": (-fake.mean()).item(),
    }


# --- R1 on a spectrally normalised DCGAN discriminator ----------------------------------

def r1_case():
    layers = [(3, 4, 2, 1), (4, 8, 2, 1), (8, 16, 2, 1), (16, 1, 1, 0)]
    convs, u0s = [], []
    for i, (c_in, c_out, stride, padding) in enumerate(layers):
        conv = nn.Conv2d(c_in, c_out, 4, stride=stride, padding=padding, bias=False)
        with torch.no_grad():
            conv.weight.copy_(pattern(list(conv.weight.shape), 0.3 + i) * 0.2)
        u0 = F.normalize(pattern([c_out], 1.1 + i), dim=0, eps=1e-12)
        conv = nn.utils.parametrizations.spectral_norm(conv, n_power_iterations=1, eps=1e-12)
        param = conv.parametrizations.weight[0]
        with torch.no_grad():
            param._u.copy_(u0)
            weight_mat = conv.parametrizations.weight.original.flatten(1)
            param._v.copy_(F.normalize(weight_mat.t() @ u0, dim=0, eps=1e-12))
        conv.train()
        convs.append(conv)
        u0s.append(u0)
    x = (pattern([2, 3, 32, 32], 0.5)).requires_grad_(True)
    h = x
    for conv in convs[:-1]:
        h = F.leaky_relu(conv(h), 0.2)
    logits = convs[-1](h).reshape(2, 1)
    (grad,) = torch.autograd.grad(logits.sum(), x, create_graph=True)
    r1 = grad.pow(2).flatten(1).sum(1).mean()
    r1.backward()
    return {
        "layers": [list(layer) for layer in layers],
        "weights": [c.parametrizations.weight.original.detach().flatten().tolist() for c in convs],
        "u0": [u.tolist() for u in u0s],
        "input": x.detach().flatten().tolist(),
        "logits": logits.detach().flatten().tolist(),
        "input_gradient": grad.detach().flatten().tolist(),
        "r1": r1.item(),
        "weight_gradients": [
            c.parametrizations.weight.original.grad.flatten().tolist() for c in convs
        ],
    }


def main():
    out = {
        "diff_augment": diff_augment_case(),
        "spectral_norm": spectral_norm_case(),
        "hinge": hinge_case(),
        "r1": r1_case(),
    }
    path = os.path.join("crates", "gan-core", "tests", "fixtures", "recipe.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {path} (torch {torch.__version__})")


if __name__ == "__main__":
    main()

"""Reference gradient penalties for gan-core's WGAN-GP critic, by PyTorch's double backward.

Writes crates/gan-core/tests/fixtures/wgan_gp.json: the critic's weights, the inputs, and for
the WGAN-GP penalty and R1 the value and the gradient of every weight (autograd.grad with
create_graph=True, then backward), for a critic without normalisation and one with LayerNorm.
Run from the repository root:

    python3 -m pip install torch
    python3 scripts/reference/wgan_gp_reference.py
"""
import json
import os

import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from dcgan_models import Critic  # noqa: E402

SIZE, FEATURES, CHANNELS, BATCH = 32, 4, 3, 2


def f32(t):
    """Rounds to float32 values (what gan-core reads), kept in float64 for the reference."""
    return t.float().double()


def floats(t, digits=9):
    return [float(f"{v:.{digits}g}") for v in t.detach().flatten().tolist()]


def input_gradient(critic, x):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return g


def case(layer_norm, real, fake, epsilon):
    torch.manual_seed(11 if layer_norm else 12)
    critic = Critic(layer_norm, FEATURES, CHANNELS, SIZE)
    with torch.no_grad():
        for name, p in critic.named_weights().items():
            if name.endswith("gamma"):
                p.normal_(1.0, 0.1)
            elif name.endswith("beta"):
                p.normal_(0.0, 0.1)
            else:
                p.normal_(0.0, 0.2)
            p.copy_(f32(p))
    weights = critic.named_weights()
    result = {
        "layer_norm": layer_norm,
        "weights": {n: {"shape": list(p.shape), "values": floats(p)} for n, p in weights.items()},
        "scores_real": floats(critic(real), 10),
    }
    eps = epsilon.view(-1, 1, 1, 1)
    penalties = {
        "gradient_penalty": lambda: ((input_gradient(critic, eps * real + (1 - eps) * fake).flatten(1).norm(dim=1) - 1) ** 2).mean(),
        "r1": lambda: (input_gradient(critic, real).flatten(1) ** 2).sum(dim=1).mean(),
    }
    for name, fn in penalties.items():
        critic.zero_grad()
        value = fn()
        value.backward()
        result[name] = {
            "value": value.item(),
            "grads": {n: floats(p.grad, 10) for n, p in weights.items()},
        }
    return result


def main():
    torch.set_default_dtype(torch.float64)  # the reference in f64; gan-core runs f32
    g = torch.Generator().manual_seed(3)
    real = f32(torch.randn(BATCH, CHANNELS, SIZE, SIZE, generator=g))
    fake = f32(torch.randn(BATCH, CHANNELS, SIZE, SIZE, generator=g) * 0.5)
    epsilon = f32(torch.rand(BATCH, generator=g))
    out = {
        "torch_version": torch.__version__,
        "config": {"image_size": SIZE, "feature_maps": FEATURES, "channels": CHANNELS},
        "real": floats(real), "fake": floats(fake), "epsilon": floats(epsilon),
        "batch": BATCH,
        "cases": [case(False, real, fake, epsilon), case(True, real, fake, epsilon)],
    }
    path = os.path.join("crates", "gan-core", "tests", "fixtures", "wgan_gp.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", path, os.path.getsize(path), "bytes")
    for c in out["cases"]:
        print("layer_norm" if c["layer_norm"] else "no norm", "GP", c["gradient_penalty"]["value"], "R1", c["r1"]["value"])


if __name__ == "__main__":
    main()

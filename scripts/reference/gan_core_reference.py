"""Reference values for gan-core, computed with PyTorch on the CPU.

Writes crates/gan-core/tests/fixtures/reference.json. Run from the repository root:

    python3 -m pip install torch numpy
    python3 scripts/reference/gan_core_reference.py

The DCGAN modules come from scripts/pytorch/dcgan_models.py (pytorch/examples/dcgan, generalised
to the other sizes as gan-core does).
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))
from dcgan_models import discriminator, generator  # noqa: E402


def dcgan_generator(size):
    return generator(100, 64, 3, size)


def dcgan_discriminator(size):
    return discriminator(64, 3, size)


def count(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def bce_case(logits, targets):
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(targets, dtype=torch.float64)
    loss = nn.BCEWithLogitsLoss()(x, y)
    loss.backward()
    return {"logits": logits, "targets": targets, "loss": loss.item(), "grad": x.grad.tolist()}


def can_case(logits, labels):
    x = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels)
    k = x.shape[1]

    def log_one_minus_p(v):
        # log(1 - p_k) = log(sum_{j != k} exp(v_j)) - logsumexp(v), every k
        rows = []
        for i in range(k):
            others = torch.cat([v[:, :i], v[:, i + 1:]], dim=1)
            rows.append(torch.logsumexp(others, dim=1) - torch.logsumexp(v, dim=1))
        return torch.stack(rows, dim=1)

    def binary(v):  # the paper's equation 3, averaged over the batch
        log_p = torch.log_softmax(v, dim=1)
        return -((log_p / k) + (1 - 1 / k) * log_one_minus_p(v)).sum(dim=1).mean()

    def uniform(v):  # cross-entropy against the uniform distribution
        return -(torch.log_softmax(v, dim=1) / k).sum(dim=1).mean()

    result = {"logits": logits, "labels": labels}
    for name, fn in [("cross_entropy", lambda v: nn.CrossEntropyLoss()(v, y)), ("ambiguity_binary", binary),
                     ("ambiguity_uniform", uniform)]:
        v = x.clone().requires_grad_(True)
        loss = fn(v)
        loss.backward()
        result[name] = loss.item()
        result[name + "_grad"] = v.grad.flatten().tolist()
    result["log_one_minus_softmax"] = log_one_minus_p(x).flatten().tolist()
    p = torch.softmax(x, dim=1)
    result["entropy"] = (-(p * torch.log_softmax(x, dim=1)).sum(dim=1)).mean().item()
    result["accuracy"] = (x.argmax(dim=1) == y).double().mean().item()
    return result


def main():
    out = {"torch_version": torch.__version__}

    out["parameter_counts"] = [
        {"image_size": s, "generator": count(dcgan_generator(s)), "discriminator": count(dcgan_discriminator(s))}
        for s in (32, 64, 128, 256)
    ]

    g = torch.Generator().manual_seed(7)
    random_logits = (torch.randn(16, generator=g, dtype=torch.float64) * 3).tolist()
    random_targets = torch.rand(16, generator=g, dtype=torch.float64).tolist()
    out["bce_with_logits"] = [
        bce_case([0.0, 1.0, -1.0, 2.5], [1.0, 0.0, 1.0, 0.9]),
        bce_case([100.0, -100.0, 80.0, -80.0], [1.0, 0.0, 0.0, 1.0]),  # far past where log(sigmoid) overflows in f32
        bce_case(random_logits, random_targets),
    ]

    real = torch.tensor([1.5, -0.3, 2.0, 0.1], dtype=torch.float64, requires_grad=True)
    fake = torch.tensor([-2.0, 0.7, -0.5, 3.0], dtype=torch.float64, requires_grad=True)
    crit = nn.BCEWithLogitsLoss()
    # DCGAN example: errD = errD_real + errD_fake, with one-sided smoothing 0.1 on the real label.
    err_d = crit(real, torch.full_like(real, 0.9)) + crit(fake, torch.zeros_like(fake))
    # non-saturating generator loss: BCE against "real" (1)
    err_g = crit(fake, torch.ones_like(fake))
    # minimax generator loss: mean(log(1 - sigmoid(x)))
    minimax = torch.log1p(-torch.sigmoid(fake)).mean()
    out["gan_losses"] = {
        "real_logits": real.tolist(), "fake_logits": fake.tolist(), "real_target": 0.9,
        "discriminator_loss": err_d.item(), "non_saturating_generator_loss": err_g.item(),
        "minimax_generator_loss": minimax.item(),
    }

    # CAN (Elgammal et al. 2017): style losses on K = 5 styles.
    style_logits = [[2.0, -1.0, 0.5, 0.0, 1.0],
                    [12.0, -3.0, 0.0, 1.0, -2.0],   # a confident row: naive f32 log(1 - p) loses it
                    [0.1, 0.2, 0.3, 0.4, 0.5],
                    [-1.0, -1.0, -0.5, -1.0, -1.0]]
    style_labels = [0, 0, 1, 2]
    out["can_losses"] = can_case(style_logits, style_labels)

    path = os.path.join("crates", "gan-core", "tests", "fixtures", "reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()

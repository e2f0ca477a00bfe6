"""DCGAN's convolutions one by one through torch.nn.functional, as benches/conv_ops.rs times
ours: each layer's forward pass, input gradient and weight gradient (median ms).

    python scripts/bench/pytorch_conv_ops.py --size 64 --batch 64 --iters 5 --threads 2 [--json]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


def layers(size):
    stages = size.bit_length() - 1 - 2
    out, c, s = [], 3, size
    for stage in range(stages):
        c_out = 64 << stage
        out.append((f"D{stage + 1}", False, c, c_out, s, 2, 1))
        c, s = c_out, s // 2
    out.append((f"D{stages + 1}", False, c, 1, 4, 1, 0))
    top = 64 << (stages - 1)
    out.append(("G1", True, 100, top, 1, 1, 0))
    c, s = top, 4
    for stage in range(1, stages + 1):
        c_out = 3 if stage == stages else c // 2
        out.append((f"G{stage + 1}", True, c, c_out, s, 2, 1))
        c, s = c_out, s * 2
    return out


def median_ms(iters, run):
    times = []
    for i in range(iters + 2):
        t = run()
        if i >= 2:
            times.append(t)
    times.sort()
    return times[len(times) // 2] * 1e3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    totals = [0.0, 0.0, 0.0]
    for name, transposed, c_in, c_out, size, stride, padding in layers(a.size):
        x = torch.randn(a.batch, c_in, size, size)
        w = torch.randn(*((c_in, c_out) if transposed else (c_out, c_in)), 4, 4) * 0.02
        conv = F.conv_transpose2d if transposed else F.conv2d

        def apply(x, w):
            return conv(x, w, None, stride, padding)

        with torch.no_grad():
            y = apply(x, w)
        g = torch.randn_like(y)

        def forward():
            start = time.perf_counter()
            with torch.no_grad():
                apply(x, w)
            return time.perf_counter() - start

        def gradient(input_grad):
            def run():
                xa = x.clone().requires_grad_(input_grad)
                wa = w.clone().requires_grad_(not input_grad)
                loss = (apply(xa, wa) * g).sum()
                start = time.perf_counter()
                loss.backward()
                return time.perf_counter() - start

            return run

        f, gx, gw = (median_ms(a.iters, forward), median_ms(a.iters, gradient(True)),
                     median_ms(a.iters, gradient(False)))
        flops = 2.0 * a.batch * c_in * c_out * 16 * (size if transposed else y.shape[-1]) ** 2
        totals = [t + v for t, v in zip(totals, (f, gx, gw))]
        if a.json:
            print(json.dumps({"framework": "pytorch", "layer": name, "transposed": transposed,
                              "c_in": c_in, "c_out": c_out, "input": size, "batch": a.batch,
                              "gflop": round(flops / 1e9, 4), "forward_ms": round(f, 3),
                              "input_grad_ms": round(gx, 3), "weight_grad_ms": round(gw, 3)}))
        else:
            gf = flops / 1e9
            cell = lambda t: f"{t:7.1f} {gf / t * 1e3:6.1f}"
            print(f"{name:<4} {c_in:>8} -> {c_out:<5} {size:>5} {gf:>7.2f} {cell(f):>15} "
                  f"{cell(gx):>15} {cell(gw):>15}")
    if not a.json:
        print(f"all  forward {totals[0]:.0f} ms, input gradients {totals[1]:.0f} ms, "
              f"weight gradients {totals[2]:.0f} ms")


if __name__ == "__main__":
    main()

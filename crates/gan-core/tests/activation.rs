//! `gan_core::activation::leaky_relu` against Burn's: the same values and gradients bit for
//! bit (zeros of either sign alike), on contiguous tensors (one pass each way on flex), views that are not contiguous (the
//! fallback), exact zeros, and tensors of other ranks.

use burn::prelude::*;
use burn::tensor::Distribution;
use gan_core::activation::leaky_relu;
use gan_core::device::{parse_device, seeded};

fn device() -> Device {
    parse_device("cpu").unwrap()
}

/// The values' bits, with -0 counted as +0 (a zero slope gives `-x·0` or `0 + (-g)·0`).
fn bits<const D: usize>(t: Tensor<D>) -> Vec<u32> {
    t.into_data()
        .iter::<f32>()
        .map(|v| (v + 0.0).to_bits())
        .collect()
}

/// Value and input gradient of `sum(f(x) · g)`.
fn run<const D: usize>(
    f: impl Fn(Tensor<D>) -> Tensor<D>,
    x: &Tensor<D>,
    g: &Tensor<D>,
) -> (Vec<u32>, Vec<u32>) {
    let xa = x.clone().autodiff().require_grad();
    let y = f(xa.clone());
    let grads = (y.clone() * g.clone().autodiff()).sum().backward();
    (bits(y.inner()), bits(xa.grad(&grads).unwrap()))
}

#[test]
fn matches_burn_bit_for_bit() {
    let d = device();
    let (x, g) = seeded(&d, 3, || {
        (
            Tensor::<4>::random([3, 5, 17, 9], Distribution::Normal(0.0, 1.0), &d),
            Tensor::<4>::random([3, 5, 17, 9], Distribution::Normal(0.0, 1.0), &d),
        )
    });
    // Exact zeros and negative zeros take the positive branch, as in Burn.
    let x = x.slice_assign(
        [0..1, 0..1, 0..1, 0..2],
        Tensor::from_floats([[[[0.0, -0.0]]]], &d),
    );
    for slope in [0.2, 0.01, 0.0, 1.5] {
        let ours = run(|x| leaky_relu(x, slope), &x, &g);
        let burn = run(|x| burn::tensor::activation::leaky_relu(x, slope), &x, &g);
        assert_eq!(ours, burn, "slope {slope}");
        assert!(ours.1.iter().any(|&b| b != 0));
    }
    // Plain (inference) tensors too.
    assert_eq!(
        bits(leaky_relu(x.clone(), 0.2)),
        bits(burn::tensor::activation::leaky_relu(x.clone(), 0.2))
    );
    // A tensor held nowhere else is changed in place; the one it was copied from is not.
    let before = bits(x.clone());
    assert_eq!(
        bits(leaky_relu(x.clone().mul_scalar(1.0), 0.2)),
        bits(burn::tensor::activation::leaky_relu(x.clone(), 0.2))
    );
    assert_eq!(bits(x.clone()), before);
    // A view that is not contiguous goes through Burn's composition.
    let view = x.clone().swap_dims(1, 3);
    let gv = g.clone().swap_dims(1, 3);
    assert_eq!(
        run(|x| leaky_relu(x, 0.2), &view, &gv),
        run(|x| burn::tensor::activation::leaky_relu(x, 0.2), &view, &gv)
    );
    // Other ranks.
    let x2 = x.clone().reshape([15, 153]);
    let g2 = g.clone().reshape([15, 153]);
    assert_eq!(
        run(|x| leaky_relu(x, 0.2), &x2, &g2),
        run(|x| burn::tensor::activation::leaky_relu(x, 0.2), &x2, &g2)
    );
}

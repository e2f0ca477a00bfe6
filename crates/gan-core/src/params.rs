//! Counting trainable parameters, the way PyTorch's `sum(p.numel() for p in m.parameters())`
//! does: BatchNorm's running statistics are state, not parameters.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;

/// The number of trainable scalars in `module`: every float parameter except BatchNorm's
/// running mean and variance (which Burn's `num_params` includes).
pub fn trainable_params<M: Module>(module: &M) -> usize {
    let mut counter = TrainableCounter::default();
    module.visit(&mut counter);
    counter.count
}

#[derive(Default)]
struct TrainableCounter {
    path: Vec<String>,
    count: usize,
}

impl ModuleVisitor for TrainableCounter {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let is_running_statistic = self
            .path
            .last()
            .is_some_and(|name| name.starts_with("running_"));
        if !is_running_statistic {
            self.count += param.lazy_shape().num_elements();
        }
    }
}

/// Draws every lazily initialised parameter of `module` now. Burn initialises parameters on
/// first use; gan-core's configs call this so that all random draws of initialisation happen
/// inside `init`, in a fixed order, right after the device was seeded.
pub(crate) fn initialize_now<M: Module>(module: M) -> M {
    module.visit(&mut Initialize);
    module
}

struct Initialize;

impl ModuleVisitor for Initialize {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}

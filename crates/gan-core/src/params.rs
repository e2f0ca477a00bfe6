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

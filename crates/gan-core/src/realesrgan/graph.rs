//! Checking that an ncnn graph is the network expected, layer by layer, before its weights go
//! into Burn modules. Each check names the layer and the `.param` line that differs.

use super::ncnn::{NcnnLayer, NcnnModel};
use crate::error::NcnnError;
use burn::module::Param;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::prelude::*;

/// The structure checks of one model against one expected network.
pub(crate) struct GraphCheck<'a> {
    model: &'a NcnnModel,
    network: String,
}

/// A 3x3 convolution of the graph that passed its checks, with its weights.
pub(crate) struct ConvLayer<'a> {
    layer: &'a NcnnLayer,
    inputs: usize,
    outputs: usize,
}

impl ConvLayer<'_> {
    /// The Burn convolution (3x3, stride 1, padding 1, with bias) holding these weights.
    pub(crate) fn to_conv2d(&self, device: &Device) -> Conv2d {
        let mut conv = Conv2dConfig::new([self.inputs, self.outputs], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .init(device);
        let kernel = TensorData::new(
            self.layer.weights[0].clone(),
            [self.outputs, self.inputs, 3, 3],
        );
        conv.weight = Param::from_tensor(Tensor::from_data(kernel, device));
        let bias = TensorData::new(self.layer.weights[1].clone(), [self.outputs]);
        conv.bias = Some(Param::from_tensor(Tensor::from_data(bias, device)));
        conv
    }
}

impl<'a> GraphCheck<'a> {
    pub(crate) fn new(model: &'a NcnnModel, network: String) -> Self {
        Self { model, network }
    }

    /// A structure error about this model.
    pub(crate) fn error(&self, problem: String) -> NcnnError {
        NcnnError::Structure {
            file: self.model.param_file.clone(),
            network: self.network.clone(),
            problem,
        }
    }

    fn layer_error(&self, layer: &NcnnLayer, problem: impl std::fmt::Display) -> NcnnError {
        self.error(format!(
            "line {}: layer {} ({}): {problem}",
            layer.line, layer.name, layer.kind
        ))
    }

    /// Every layer type in the graph and how many there must be (`usize::MAX`: any number).
    /// A type not listed is refused.
    pub(crate) fn counts(&self, expected: &[(&str, usize)]) -> Result<(), NcnnError> {
        for layer in &self.model.layers {
            if !expected.iter().any(|(kind, _)| *kind == layer.kind) {
                return Err(self.layer_error(layer, "this network has no layer of this type"));
            }
        }
        for &(kind, count) in expected {
            let found = self.model.layers_of(kind).count();
            if count != usize::MAX && found != count {
                return Err(self.error(format!("{found} {kind} layers, expected {count}")));
            }
        }
        Ok(())
    }

    /// A residual sum `scale * a + b` (Eltwise, operation sum, coefficients `[scale, 1]`).
    pub(crate) fn eltwise_scaled_sum(
        &self,
        layer: &NcnnLayer,
        scale: f32,
    ) -> Result<(), NcnnError> {
        let operation = layer
            .int(0, 1)
            .map_err(|problem| self.layer_error(layer, problem))?;
        let coefficients = layer.array(1);
        if operation != 1 || layer.inputs.len() != 2 || coefficients != [scale, 1.0] {
            return Err(self.layer_error(
                layer,
                format!(
                    "expected the residual sum {scale} * a + b of two inputs, found operation \
                     {operation} with coefficients {coefficients:?} on {} inputs",
                    layer.inputs.len()
                ),
            ));
        }
        Ok(())
    }

    /// Plain additions of two blobs (BinaryOp, operation add, no scalar).
    pub(crate) fn binary_add<'b>(
        &self,
        layers: impl Iterator<Item = &'b NcnnLayer>,
    ) -> Result<(), NcnnError> {
        for layer in layers {
            let operation = layer.int(0, 0);
            let scalar = layer.int(1, 0);
            if operation != Ok(0) || scalar != Ok(0) || layer.inputs.len() != 2 {
                return Err(self.layer_error(layer, "expected the sum of two inputs"));
            }
        }
        Ok(())
    }

    /// A nearest-neighbour upsampling by `factor` in both directions.
    pub(crate) fn nearest_upsample(
        &self,
        layer: &NcnnLayer,
        factor: usize,
    ) -> Result<(), NcnnError> {
        let mode = layer.int(0, 0);
        let height = layer.float(1, 1.0);
        let width = layer.float(2, 1.0);
        let fixed_size = layer.int(3, 0).unwrap_or(1) != 0 || layer.int(4, 0).unwrap_or(1) != 0;
        let factor_f = factor as f32;
        if mode != Ok(1) || height != Ok(factor_f) || width != Ok(factor_f) || fixed_size {
            return Err(self.layer_error(
                layer,
                format!(
                    "expected a nearest-neighbour {factor}x upsampling, found mode {mode:?}, \
                     scales {height:?} x {width:?}"
                ),
            ));
        }
        Ok(())
    }

    /// The graph's convolutions, checked against `expected` (`(name, in, out, leaky ReLU
    /// after it)` in file order): 3x3, stride 1, dilation 1, padding 1, with bias, the channel
    /// sizes, and a fused leaky ReLU of slope `slope` exactly where expected.
    pub(crate) fn convolutions(
        &self,
        expected: &[(String, usize, usize, bool)],
        slope: f32,
    ) -> Result<Vec<ConvLayer<'a>>, NcnnError> {
        let layers: Vec<&NcnnLayer> = self.model.layers_of("Convolution").collect();
        if layers.len() != expected.len() {
            return Err(self.error(format!(
                "{} convolutions, expected {}",
                layers.len(),
                expected.len()
            )));
        }
        layers
            .into_iter()
            .zip(expected)
            .map(|(layer, (name, inputs, outputs, leaky))| {
                self.convolution(layer, name, *inputs, *outputs, *leaky, slope)
            })
            .collect()
    }

    fn convolution(
        &self,
        layer: &'a NcnnLayer,
        name: &str,
        inputs: usize,
        outputs: usize,
        leaky: bool,
        slope: f32,
    ) -> Result<ConvLayer<'a>, NcnnError> {
        let problem = |text: String| self.layer_error(layer, format!("as {name}: {text}"));
        let int = |id: i32, default: i64| layer.int(id, default).map_err(&problem);
        let kernel = int(1, 0)?;
        let geometry = [
            ("kernel height", int(11, kernel)?, 3),
            ("dilation", int(2, 1)?, 1),
            ("dilation height", int(12, int(2, 1)?)?, 1),
            ("stride", int(3, 1)?, 1),
            ("stride height", int(13, int(3, 1)?)?, 1),
            ("padding", int(4, 0)?, 1),
            ("padding top", int(14, int(4, 0)?)?, 1),
            ("padding right", int(15, int(4, 0)?)?, 1),
            ("padding bottom", int(16, int(14, int(4, 0)?)?)?, 1),
            ("bias", int(5, 0)?, 1),
            ("int8 quantisation", int(8, 0)?, 0),
            ("dynamic weights", int(19, 0)?, 0),
        ];
        if kernel != 3 {
            return Err(problem(format!("kernel {kernel}, expected 3")));
        }
        for (what, found, wanted) in geometry {
            if found != wanted {
                return Err(problem(format!("{what} {found}, expected {wanted}")));
            }
        }
        let found_outputs = int(0, 0)?;
        let size = int(6, 0)?;
        let expected_size = (outputs * inputs * 9) as i64;
        if found_outputs != outputs as i64 || size != expected_size {
            return Err(problem(format!(
                "{found_outputs} output channels and {size} weights, expected {outputs} outputs \
                 from {inputs} inputs ({expected_size} weights)"
            )));
        }
        let activation = int(9, 0)?;
        let parameters = layer.array(10);
        let fused = match (activation, parameters.as_slice()) {
            (0, _) => false,
            (2, [found]) if *found == slope => true,
            _ => {
                return Err(problem(format!(
                    "activation {activation} with parameters {parameters:?} is not a leaky \
                     ReLU of slope {slope}"
                )));
            }
        };
        if fused != leaky {
            let expected = if leaky {
                format!("a leaky ReLU of slope {slope}")
            } else {
                "no activation".to_string()
            };
            return Err(problem(format!("expected {expected} after it")));
        }
        Ok(ConvLayer {
            layer,
            inputs,
            outputs,
        })
    }
}

//! Reading ncnn models (`.param` text + `.bin` weights), the format the official Real-ESRGAN
//! weights ship in. Only what Real-ESRGAN's graphs use is understood; anything else is an error
//! that names the file.
//!
//! The `.param` file is the graph: the magic number `7767517`, a line `layers blobs`, then one
//! line per layer: `Type name inputs outputs input-blobs... output-blobs... key=value...`. A
//! key below `-23300` carries an array: `-23310=1,2.0e-01` is parameter 10 = `[0.2]`.
//!
//! The `.bin` file has no header: each layer's weights follow in layer order. A convolution's
//! kernel starts with a 4-byte tag (`0x01306B47`: fp16 values follow, padded to 4 bytes; `0`:
//! fp32) and is laid out OIHW; biases and PReLU slopes are raw fp32.

use crate::error::NcnnError;
use burn::tensor::f16;
use std::collections::BTreeMap;

/// The first line of every ncnn `.param` file.
pub const PARAM_MAGIC: &str = "7767517";

/// The tag that announces fp16 weights.
const FP16_TAG: u32 = 0x0130_6B47;

/// One value of a layer's `key=value` list.
#[derive(Debug, Clone, PartialEq)]
pub enum NcnnParam {
    /// An integer (`0=64`).
    Int(i64),
    /// A number written with a point or exponent (`1=2.000000e+00`).
    Float(f32),
    /// An array (`-23310=1,2.0e-01`), as numbers.
    Array(Vec<f32>),
}

/// One layer of an ncnn graph, with the weights read for it from the `.bin` file.
#[derive(Debug, Clone, PartialEq)]
pub struct NcnnLayer {
    /// The layer type (`Convolution`, `PReLU`, `Eltwise`, ...).
    pub kind: String,
    /// The layer's name in the graph.
    pub name: String,
    /// Names of the blobs it reads.
    pub inputs: Vec<String>,
    /// Names of the blobs it writes.
    pub outputs: Vec<String>,
    /// Its parameters by id.
    pub params: BTreeMap<i32, NcnnParam>,
    /// Its weight arrays in file order: a convolution's kernel (OIHW) then its bias; a PReLU's
    /// slopes.
    pub weights: Vec<Vec<f32>>,
    /// The line of the `.param` file it was read from (1-based).
    pub line: usize,
}

impl NcnnLayer {
    /// An integer parameter, or `default` when absent. A float or array is an error.
    pub fn int(&self, id: i32, default: i64) -> Result<i64, String> {
        match self.params.get(&id) {
            None => Ok(default),
            Some(NcnnParam::Int(value)) => Ok(*value),
            Some(other) => Err(format!(
                "layer {} ({}): parameter {id} should be an integer, is {other:?}",
                self.name, self.kind
            )),
        }
    }

    /// A number parameter (integer or float), or `default` when absent.
    pub fn float(&self, id: i32, default: f32) -> Result<f32, String> {
        match self.params.get(&id) {
            None => Ok(default),
            Some(NcnnParam::Int(value)) => Ok(*value as f32),
            Some(NcnnParam::Float(value)) => Ok(*value),
            Some(other) => Err(format!(
                "layer {} ({}): parameter {id} should be a number, is {other:?}",
                self.name, self.kind
            )),
        }
    }

    /// An array parameter (`-23300 - id`), empty when absent.
    pub fn array(&self, id: i32) -> Vec<f32> {
        match self.params.get(&(-23300 - id)) {
            Some(NcnnParam::Array(values)) => values.clone(),
            _ => Vec::new(),
        }
    }
}

/// An ncnn graph read from a `.param` and a `.bin` file.
#[derive(Debug, Clone, PartialEq)]
pub struct NcnnModel {
    /// The layers in file order.
    pub layers: Vec<NcnnLayer>,
    /// The name of the `.param` file, for messages.
    pub param_file: String,
    /// The name of the `.bin` file, for messages.
    pub bin_file: String,
}

impl NcnnModel {
    /// Parses a model from the text of its `.param` file and the bytes of its `.bin` file.
    /// `param_file` and `bin_file` name them in errors.
    ///
    /// Refuses a wrong magic number, a layer count that does not match the header, malformed
    /// lines, layer types whose weights it cannot read, weight encodings other than fp16 and
    /// fp32, and a `.bin` file that is shorter or longer than the graph needs.
    pub fn parse(
        param: &str,
        param_file: &str,
        bin: &[u8],
        bin_file: &str,
    ) -> Result<Self, NcnnError> {
        let param_error = |line: usize, problem: String| NcnnError::Param {
            file: param_file.to_string(),
            line,
            problem,
        };
        let mut lines = param
            .lines()
            .enumerate()
            .map(|(index, text)| (index + 1, text.trim()))
            .filter(|(_, text)| !text.is_empty());
        let (line, magic) = lines
            .next()
            .ok_or_else(|| param_error(1, "the file is empty".into()))?;
        if magic != PARAM_MAGIC {
            return Err(param_error(
                line,
                format!(
                    "not an ncnn param file: first line is `{magic}`, expected `{PARAM_MAGIC}`"
                ),
            ));
        }
        let (line, counts) = lines
            .next()
            .ok_or_else(|| param_error(2, "missing the `layers blobs` line".into()))?;
        let declared: usize = counts
            .split_whitespace()
            .next()
            .and_then(|count| count.parse().ok())
            .ok_or_else(|| {
                param_error(line, format!("expected `layers blobs`, found `{counts}`"))
            })?;
        let mut layers = Vec::with_capacity(declared.min(100_000));
        for (line, text) in lines {
            layers.push(parse_layer(text, line).map_err(|problem| param_error(line, problem))?);
        }
        if layers.len() != declared {
            return Err(param_error(
                2,
                format!(
                    "the header declares {declared} layers, the file has {}",
                    layers.len()
                ),
            ));
        }
        let mut reader = WeightReader {
            bytes: bin,
            offset: 0,
            file: bin_file,
        };
        for layer in &mut layers {
            read_weights(layer, &mut reader, param_file)?;
        }
        if reader.offset != bin.len() {
            return Err(NcnnError::Weights {
                file: bin_file.to_string(),
                problem: format!(
                    "{} bytes left over after the last layer's weights (read {} of {}): the \
                     .bin file does not belong to this .param file",
                    bin.len() - reader.offset,
                    reader.offset,
                    bin.len()
                ),
            });
        }
        Ok(Self {
            layers,
            param_file: param_file.to_string(),
            bin_file: bin_file.to_string(),
        })
    }

    /// The layers of one type, in order.
    pub fn layers_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a NcnnLayer> + 'a {
        self.layers.iter().filter(move |layer| layer.kind == kind)
    }
}

fn parse_layer(text: &str, line: usize) -> Result<NcnnLayer, String> {
    let mut fields = text.split_whitespace();
    let mut next = |what: &str| {
        fields
            .next()
            .map(str::to_string)
            .ok_or_else(|| format!("layer line ends before its {what}"))
    };
    let kind = next("type")?;
    let name = next("name")?;
    let count = |text: String, what: &str| {
        text.parse::<usize>()
            .ok()
            .filter(|&count| count <= 1024)
            .ok_or_else(|| format!("layer {name}: bad {what} count `{text}`"))
    };
    let input_count = count(next("input count")?, "input")?;
    let output_count = count(next("output count")?, "output")?;
    let inputs = (0..input_count)
        .map(|_| next("input blobs"))
        .collect::<Result<Vec<_>, _>>()?;
    let outputs = (0..output_count)
        .map(|_| next("output blobs"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut params = BTreeMap::new();
    for pair in fields {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("layer {name}: expected key=value, found `{pair}`"))?;
        let key: i32 = key
            .parse()
            .map_err(|_| format!("layer {name}: bad parameter id `{key}`"))?;
        let value = if key <= -23300 {
            let mut items = value.split(',');
            let declared: usize = items
                .next()
                .and_then(|count| count.parse().ok())
                .ok_or_else(|| format!("layer {name}: bad array `{value}`"))?;
            let values = items
                .map(|item| item.parse::<f32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| format!("layer {name}: bad array `{value}`"))?;
            if values.len() != declared {
                return Err(format!(
                    "layer {name}: array `{value}` declares {declared} values, has {}",
                    values.len()
                ));
            }
            NcnnParam::Array(values)
        } else if value.contains(['.', 'e', 'E']) {
            NcnnParam::Float(
                value
                    .parse()
                    .map_err(|_| format!("layer {name}: bad number `{value}`"))?,
            )
        } else {
            NcnnParam::Int(
                value
                    .parse()
                    .map_err(|_| format!("layer {name}: bad integer `{value}`"))?,
            )
        };
        params.insert(key, value);
    }
    Ok(NcnnLayer {
        kind,
        name,
        inputs,
        outputs,
        params,
        weights: Vec::new(),
        line,
    })
}

struct WeightReader<'a> {
    bytes: &'a [u8],
    offset: usize,
    file: &'a str,
}

impl WeightReader<'_> {
    fn take(&mut self, len: usize, what: &str) -> Result<&[u8], NcnnError> {
        let end = self
            .offset
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(NcnnError::Weights {
                file: self.file.to_string(),
                problem: format!(
                    "ends at byte {} while reading {what} ({len} bytes needed at byte {}): \
                     the file is truncated or does not belong to this .param file",
                    self.bytes.len(),
                    self.offset
                ),
            });
        };
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    /// `count` raw little-endian fp32 values.
    fn raw_f32(&mut self, count: usize, what: &str) -> Result<Vec<f32>, NcnnError> {
        let bytes = self.take(count.saturating_mul(4), what)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|chunk| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
            .collect())
    }

    /// A tagged array of `count` values: fp16 (padded to 4 bytes) or fp32.
    fn tagged(&mut self, count: usize, what: &str) -> Result<Vec<f32>, NcnnError> {
        let at = self.offset;
        let tag = self.take(4, what)?;
        let tag = u32::from_le_bytes([tag[0], tag[1], tag[2], tag[3]]);
        match tag {
            FP16_TAG => {
                let len = count.saturating_mul(2);
                let padded = len.div_ceil(4) * 4;
                let bytes = self.take(padded, what)?;
                Ok(bytes[..len]
                    .chunks_exact(2)
                    .map(|chunk| f16::from_bits(u16::from_le_bytes([chunk[0], chunk[1]])).to_f32())
                    .collect())
            }
            0 => self.raw_f32(count, what),
            other => Err(NcnnError::Weights {
                file: self.file.to_string(),
                problem: format!(
                    "{what}: weight encoding tag {other:#010x} at byte {at} is not supported \
                     (only fp16, tag 0x01306b47, and fp32, tag 0)"
                ),
            }),
        }
    }
}

fn read_weights(
    layer: &mut NcnnLayer,
    reader: &mut WeightReader,
    param_file: &str,
) -> Result<(), NcnnError> {
    let structure = |problem: String| NcnnError::Param {
        file: param_file.to_string(),
        line: layer.line,
        problem,
    };
    let count = |value: i64, what: &str| {
        usize::try_from(value)
            .ok()
            .filter(|&count| count <= 1 << 31)
            .ok_or_else(|| format!("layer {}: bad {what} {value}", layer.name))
    };
    match layer.kind.as_str() {
        "Input" | "Split" | "Concat" | "Eltwise" | "BinaryOp" | "Interp" | "PixelShuffle" => {}
        "Convolution" => {
            let what = format!("the kernel of layer {}", layer.name);
            let outputs = layer.int(0, 0).and_then(|v| count(v, "output count"));
            let size = layer.int(6, 0).and_then(|v| count(v, "weight size"));
            let bias = layer.int(5, 0);
            let (outputs, size, bias) = match (outputs, size, bias) {
                (Ok(outputs), Ok(size), Ok(bias)) => (outputs, size, bias),
                (Err(problem), ..) | (_, Err(problem), _) | (.., Err(problem)) => {
                    return Err(structure(problem));
                }
            };
            layer.weights.push(reader.tagged(size, &what)?);
            if bias != 0 {
                let what = format!("the bias of layer {}", layer.name);
                layer.weights.push(reader.raw_f32(outputs, &what)?);
            }
        }
        "PReLU" => {
            let slopes = layer
                .int(0, 1)
                .and_then(|v| count(v, "slope count"))
                .map_err(structure)?;
            let what = format!("the slopes of layer {}", layer.name);
            layer.weights.push(reader.raw_f32(slopes, &what)?);
        }
        other => {
            return Err(structure(format!(
                "layer {}: type {other} is not one this reader knows (Real-ESRGAN graphs \
                     use Input, Convolution, PReLU, Split, Concat, Eltwise, BinaryOp, Interp, \
                     PixelShuffle)",
                layer.name
            )));
        }
    }
    Ok(())
}

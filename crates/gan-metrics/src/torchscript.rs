//! A safe reader of the tensors in a PyTorch zip archive: `torch.save` files and TorchScript
//! (`torch.jit.save`) files alike.
//!
//! Both formats are a zip file with one top folder `<archive>/` holding `data.pkl` (a Python
//! pickle of the object tree) and the raw tensor storages under `<archive>/data/<key>`.
//! TorchScript adds `code/` (the model's Python-like source), `constants.pkl` and `version`,
//! which this reader ignores.
//!
//! The pickle is interpreted by a small stack machine that understands only the opcodes needed
//! to rebuild tensors, dicts, lists, tuples, numbers and strings. It executes no code: a
//! `GLOBAL` only records a name, and `REDUCE` accepts only the three callables a state dict
//! and a TorchScript module use (`torch._utils._rebuild_tensor_v2`,
//! `torch._utils._rebuild_parameter`, `collections.OrderedDict` and TorchScript's
//! `torch.jit._pickle.build_intlist` and siblings, which wrap a list); anything else is an
//! error, not a call. Objects built by
//! `NEWOBJ` + `BUILD` (TorchScript modules) become their attribute dicts.
//!
//! The result is a flat map from dotted names (`net.layers.conv.weight`) to `f32` tensors, plus
//! the integer attributes of the modules (`net.layers.conv.stride`), which let a loader check
//! that the file describes the network it builds.

use super::FidError;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// A tensor read from an archive: row-major `f32` values and their shape.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    /// The shape, outermost first.
    pub shape: Vec<usize>,
    /// The values in row-major (C) order; `shape.iter().product()` of them.
    pub values: Vec<f32>,
}

/// The tensors and integer attributes of a PyTorch or TorchScript archive, by dotted name.
#[derive(Debug, Clone, Default)]
pub struct TorchArchive {
    /// Every `f32` tensor, keyed by its dotted path in the pickled object tree.
    pub tensors: BTreeMap<String, RawTensor>,
    /// Every integer or list-of-integers attribute (`stride`, `padding`, ...), by dotted path.
    pub integers: BTreeMap<String, Vec<i64>>,
}

impl TorchArchive {
    /// Reads `path`, a zip archive written by `torch.save` or `torch.jit.save`.
    ///
    /// Errors name the file: not a zip, no `data.pkl`, an unsupported pickle opcode or
    /// callable, a storage of a type other than `FloatStorage`, or a storage that is too short.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, FidError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(FidError::io(path))?;
        let weights_error = |message: String| FidError::Weights {
            path: path.to_path_buf(),
            message,
        };
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| weights_error(format!("not a PyTorch zip archive ({e})")))?;
        let pickle_name = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|name| name.into_owned())
            .filter(|name| {
                name.ends_with("/data.pkl") && name.matches('/').count() == 1 || name == "data.pkl"
            })
            .min_by_key(String::len)
            .ok_or_else(|| weights_error("the archive holds no data.pkl".into()))?;
        let prefix = pickle_name.trim_end_matches("data.pkl").to_string();
        let pickle = read_entry(&mut zip, &pickle_name, path)?;
        let root = Unpickler::new(&pickle)
            .run()
            .map_err(|message| weights_error(format!("{pickle_name}: {message}")))?;

        let mut archive = TorchArchive::default();
        let mut storages: HashMap<String, Vec<f32>> = HashMap::new();
        let mut pending = Vec::new();
        flatten(&root, String::new(), &mut pending, &mut archive.integers);
        for (name, tensor) in pending {
            if tensor.storage.dtype != "FloatStorage" {
                return Err(FidError::Tensor {
                    path: path.to_path_buf(),
                    key: name,
                    message: format!(
                        "storage type {} is not supported (only FloatStorage)",
                        tensor.storage.dtype
                    ),
                });
            }
            if !storages.contains_key(&tensor.storage.key) {
                let entry = format!("{prefix}data/{}", tensor.storage.key);
                let bytes = read_entry(&mut zip, &entry, path)?;
                let values = bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                storages.insert(tensor.storage.key.clone(), values);
            }
            let storage = &storages[&tensor.storage.key];
            let values = gather(storage, tensor.offset, &tensor.shape, &tensor.stride).ok_or_else(
                || FidError::Tensor {
                    path: path.to_path_buf(),
                    key: name.clone(),
                    message: format!(
                        "shape {:?} with strides {:?} at offset {} does not fit its storage of {} values",
                        tensor.shape,
                        tensor.stride,
                        tensor.offset,
                        storage.len()
                    ),
                },
            )?;
            archive.tensors.insert(
                name,
                RawTensor {
                    shape: tensor.shape,
                    values,
                },
            );
        }
        Ok(archive)
    }

    /// The tensor `key`, checked to have `shape`.
    ///
    /// `path` is only used to name the file in the error.
    pub fn tensor(&self, key: &str, shape: &[usize], path: &Path) -> Result<&RawTensor, FidError> {
        let tensor = self.tensors.get(key).ok_or_else(|| FidError::Tensor {
            path: path.to_path_buf(),
            key: key.to_string(),
            message: "missing".into(),
        })?;
        if tensor.shape != shape {
            return Err(FidError::Tensor {
                path: path.to_path_buf(),
                key: key.to_string(),
                message: format!("has shape {:?}, expected {shape:?}", tensor.shape),
            });
        }
        Ok(tensor)
    }
}

fn read_entry(
    zip: &mut zip::ZipArchive<File>,
    name: &str,
    path: &Path,
) -> Result<Vec<u8>, FidError> {
    let mut entry = zip.by_name(name).map_err(|e| FidError::Weights {
        path: path.to_path_buf(),
        message: format!("cannot read archive entry {name}: {e}"),
    })?;
    // The size is only a hint (capped): the archive itself bounds what is read.
    let mut bytes = Vec::with_capacity((entry.size() as usize).min(1 << 28));
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| FidError::Weights {
            path: path.to_path_buf(),
            message: format!("cannot read archive entry {name}: {e}"),
        })?;
    Ok(bytes)
}

/// Copies a strided view of `storage` into a contiguous row-major vector; `None` when the view
/// reaches outside the storage.
fn gather(storage: &[f32], offset: usize, shape: &[usize], stride: &[usize]) -> Option<Vec<f32>> {
    if shape.len() != stride.len() {
        return None;
    }
    let count = shape
        .iter()
        .try_fold(1usize, |acc, n| acc.checked_mul(*n))?;
    if count == 0 {
        return Some(Vec::new());
    }
    let mut last = offset;
    for (n, s) in shape.iter().zip(stride) {
        last = last.checked_add((n - 1).checked_mul(*s)?)?;
    }
    if last >= storage.len() {
        return None;
    }
    let mut values = Vec::with_capacity(count);
    let mut index = vec![0usize; shape.len()];
    for _ in 0..count {
        let at = offset + index.iter().zip(stride).map(|(i, s)| i * s).sum::<usize>();
        values.push(storage[at]);
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    Some(values)
}

/// A storage reference from a pickle's persistent id.
#[derive(Debug, Clone, PartialEq)]
struct StorageRef {
    dtype: String,
    key: String,
}

/// A tensor view of a storage, as `_rebuild_tensor_v2` describes it.
#[derive(Debug, Clone, PartialEq)]
struct TensorRef {
    storage: StorageRef,
    offset: usize,
    shape: Vec<usize>,
    stride: Vec<usize>,
}

/// The values the unpickler builds.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// A `GLOBAL` reference: module and name, never resolved to code.
    Global(String, String),
    /// An object made by `NEWOBJ` of a class; `BUILD` fills its attribute dict.
    Object(String, Vec<(Value, Value)>),
    Storage(StorageRef),
    Tensor(TensorRef),
    Mark,
}

/// How deep [`flatten`] descends: module trees are a few levels deep, and a crafted pickle
/// must not overflow the stack.
const MAX_DEPTH: usize = 64;

/// Walks the object tree, collecting tensors and integer attributes under dotted names.
fn flatten(
    value: &Value,
    prefix: String,
    tensors: &mut Vec<(String, TensorRef)>,
    integers: &mut BTreeMap<String, Vec<i64>>,
) {
    if prefix.matches('.').count() > MAX_DEPTH {
        return;
    }
    let join = |key: &Value| -> Option<String> {
        let Value::Str(key) = key else { return None };
        Some(if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        })
    };
    match value {
        Value::Tensor(tensor) => tensors.push((prefix.clone(), tensor.clone())),
        Value::Dict(items) | Value::Object(_, items) => {
            for (key, item) in items {
                if let Some(name) = join(key) {
                    flatten(item, name, tensors, integers);
                }
            }
        }
        Value::Int(i) => {
            integers.insert(prefix, vec![*i]);
        }
        Value::List(items) | Value::Tuple(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Int(_))) =>
        {
            let ints = items
                .iter()
                .filter_map(|i| match i {
                    Value::Int(i) => Some(*i),
                    _ => None,
                })
                .collect();
            integers.insert(prefix, ints);
        }
        _ => {}
    }
}

/// A pickle stack machine limited to data: see the module documentation.
struct Unpickler<'a> {
    bytes: &'a [u8],
    at: usize,
    stack: Vec<Value>,
    memo: HashMap<u32, Value>,
}

impl<'a> Unpickler<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            at: 0,
            stack: Vec::new(),
            memo: HashMap::new(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn line(&mut self) -> Result<String, String> {
        let rest = &self.bytes[self.at..];
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| format!("unterminated line at byte {}", self.at))?;
        let text = String::from_utf8_lossy(&rest[..end]).into_owned();
        self.at += end + 1;
        Ok(text)
    }

    fn string(&mut self, n: usize) -> Result<String, String> {
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| format!("invalid UTF-8 before byte {}", self.at))
    }

    fn pop(&mut self) -> Result<Value, String> {
        self.stack
            .pop()
            .ok_or_else(|| format!("stack underflow at byte {}", self.at))
    }

    fn top(&mut self) -> Result<&mut Value, String> {
        let at = self.at;
        self.stack
            .last_mut()
            .ok_or_else(|| format!("stack underflow at byte {at}"))
    }

    /// Pops everything down to the last MARK (which is removed too).
    fn pop_mark(&mut self) -> Result<Vec<Value>, String> {
        let mark = self
            .stack
            .iter()
            .rposition(|v| *v == Value::Mark)
            .ok_or_else(|| format!("no MARK on the stack at byte {}", self.at))?;
        let items = self.stack.split_off(mark + 1);
        self.stack.pop();
        Ok(items)
    }

    fn run(mut self) -> Result<Value, String> {
        loop {
            let opcode = self.u8()?;
            match opcode {
                0x80 => {
                    self.u8()?; // PROTO
                }
                0x95 => {
                    self.take(8)?; // FRAME
                }
                b'.' => return self.pop(), // STOP
                b'(' => self.stack.push(Value::Mark),
                b')' => self.stack.push(Value::Tuple(Vec::new())),
                b']' => self.stack.push(Value::List(Vec::new())),
                b'}' => self.stack.push(Value::Dict(Vec::new())),
                b'N' => self.stack.push(Value::None),
                0x88 => self.stack.push(Value::Bool(true)),
                0x89 => self.stack.push(Value::Bool(false)),
                b'K' => {
                    let v = self.u8()?;
                    self.stack.push(Value::Int(v as i64));
                }
                b'M' => {
                    let v = self.u16()?;
                    self.stack.push(Value::Int(v as i64));
                }
                b'J' => {
                    let v = self.u32()? as i32;
                    self.stack.push(Value::Int(v as i64));
                }
                0x8a => {
                    // LONG1: little-endian two's complement of n bytes.
                    let n = self.u8()? as usize;
                    let bytes = self.take(n)?;
                    if n > 8 {
                        return Err(format!("integer of {n} bytes is too large"));
                    }
                    let mut v: i64 = 0;
                    for (i, b) in bytes.iter().enumerate() {
                        v |= (*b as i64) << (8 * i);
                    }
                    if n > 0 && n < 8 && bytes[n - 1] & 0x80 != 0 {
                        v -= 1i64 << (8 * n);
                    }
                    self.stack.push(Value::Int(v));
                }
                b'G' => {
                    let b = self.take(8)?;
                    let v = f64::from_be_bytes(b.try_into().expect("8 bytes"));
                    self.stack.push(Value::Float(v));
                }
                b'X' => {
                    let n = self.u32()? as usize;
                    let s = self.string(n)?;
                    self.stack.push(Value::Str(s));
                }
                0x8c => {
                    let n = self.u8()? as usize;
                    let s = self.string(n)?;
                    self.stack.push(Value::Str(s));
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.stack.push(Value::Global(module, name));
                }
                0x93 => {
                    // STACK_GLOBAL
                    let name = self.pop()?;
                    let module = self.pop()?;
                    match (module, name) {
                        (Value::Str(m), Value::Str(n)) => self.stack.push(Value::Global(m, n)),
                        _ => return Err("STACK_GLOBAL without two strings".into()),
                    }
                }
                b'q' => {
                    let i = self.u8()? as u32;
                    let v = self.top()?.clone();
                    self.memo.insert(i, v);
                }
                b'r' => {
                    let i = self.u32()?;
                    let v = self.top()?.clone();
                    self.memo.insert(i, v);
                }
                0x94 => {
                    let i = self.memo.len() as u32;
                    let v = self.top()?.clone();
                    self.memo.insert(i, v);
                }
                b'h' | b'j' => {
                    let i = if opcode == b'h' {
                        self.u8()? as u32
                    } else {
                        self.u32()?
                    };
                    let v = self
                        .memo
                        .get(&i)
                        .cloned()
                        .ok_or_else(|| format!("memo {i} read before it was written"))?;
                    self.stack.push(v);
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.stack.push(Value::Tuple(items));
                }
                0x85..=0x87 => {
                    let n = (opcode - 0x84) as usize;
                    if self.stack.len() < n {
                        return Err(format!("stack underflow at byte {}", self.at));
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    self.stack.push(Value::Tuple(items));
                }
                b'a' => {
                    let item = self.pop()?;
                    match self.top()? {
                        Value::List(list) => list.push(item),
                        _ => return Err("APPEND to a non-list".into()),
                    }
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    match self.top()? {
                        Value::List(list) => list.extend(items),
                        _ => return Err("APPENDS to a non-list".into()),
                    }
                }
                b's' => {
                    let value = self.pop()?;
                    let key = self.pop()?;
                    match self.top()? {
                        Value::Dict(dict) => dict.push((key, value)),
                        _ => return Err("SETITEM on a non-dict".into()),
                    }
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    if items.len() % 2 != 0 {
                        return Err("SETITEMS with an odd number of items".into());
                    }
                    let mut pairs = Vec::with_capacity(items.len() / 2);
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    match self.top()? {
                        Value::Dict(dict) => dict.extend(pairs),
                        _ => return Err("SETITEMS on a non-dict".into()),
                    }
                }
                0x81 => {
                    // NEWOBJ: cls.__new__(cls, *args), here an empty object of that class.
                    let _args = self.pop()?;
                    match self.pop()? {
                        Value::Global(module, name) => {
                            self.stack
                                .push(Value::Object(format!("{module}.{name}"), Vec::new()));
                        }
                        other => return Err(format!("NEWOBJ of a non-class {other:?}")),
                    }
                }
                b'b' => {
                    // BUILD: set the attribute dict of the object below.
                    let state = self.pop()?;
                    let object = self.top()?;
                    match (object, state) {
                        (Value::Object(_, attrs), Value::Dict(items)) => attrs.extend(items),
                        // A tensor's BUILD (e.g. a state with _backward_hooks) adds nothing we use.
                        (Value::Tensor(_), _) => {}
                        (Value::Dict(dict), Value::Dict(items)) => dict.extend(items),
                        (object, _) => return Err(format!("BUILD on {object:?}")),
                    }
                }
                b'Q' => {
                    // BINPERSID: ('storage', <dtype global>, key, location, numel)
                    let pid = self.pop()?;
                    let Value::Tuple(items) = pid else {
                        return Err("persistent id is not a tuple".into());
                    };
                    match items.as_slice() {
                        [
                            Value::Str(kind),
                            Value::Global(_, dtype),
                            Value::Str(key),
                            ..,
                        ] if kind == "storage" => {
                            self.stack.push(Value::Storage(StorageRef {
                                dtype: dtype.clone(),
                                key: key.clone(),
                            }));
                        }
                        _ => return Err(format!("unsupported persistent id {items:?}")),
                    }
                }
                b'R' => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let value = reduce(callable, args)?;
                    self.stack.push(value);
                }
                other => {
                    return Err(format!(
                        "unsupported pickle opcode 0x{other:02x} at byte {}",
                        self.at - 1
                    ));
                }
            }
        }
    }
}

/// The only calls the unpickler performs, all of them data constructors.
fn reduce(callable: Value, args: Value) -> Result<Value, String> {
    let Value::Global(module, name) = callable else {
        return Err(format!("REDUCE of a non-global {callable:?}"));
    };
    let Value::Tuple(args) = args else {
        return Err(format!(
            "REDUCE of {module}.{name} without an argument tuple"
        ));
    };
    match (module.as_str(), name.as_str()) {
        ("collections", "OrderedDict") => Ok(Value::Dict(Vec::new())),
        // TorchScript's typed lists (e.g. a `List[int]` padding): the list itself.
        ("torch.jit._pickle", "build_intlist" | "build_doublelist" | "build_boollist") => {
            match args.into_iter().next() {
                Some(list @ Value::List(_)) => Ok(list),
                _ => Err(format!("{module}.{name} without a list")),
            }
        }
        ("torch._utils", "_rebuild_parameter") => match args.into_iter().next() {
            Some(tensor @ Value::Tensor(_)) => Ok(tensor),
            _ => Err("_rebuild_parameter without a tensor".into()),
        },
        ("torch._utils", "_rebuild_tensor_v2") => {
            let usizes = |v: &Value| -> Result<Vec<usize>, String> {
                match v {
                    Value::Tuple(items) | Value::List(items) => items
                        .iter()
                        .map(|i| match i {
                            Value::Int(i) if *i >= 0 => Ok(*i as usize),
                            other => Err(format!("bad size or stride {other:?}")),
                        })
                        .collect(),
                    other => Err(format!("bad size or stride {other:?}")),
                }
            };
            match args.as_slice() {
                [
                    Value::Storage(storage),
                    Value::Int(offset),
                    size,
                    stride,
                    ..,
                ] if *offset >= 0 => Ok(Value::Tensor(TensorRef {
                    storage: storage.clone(),
                    offset: *offset as usize,
                    shape: usizes(size)?,
                    stride: usizes(stride)?,
                })),
                _ => Err("_rebuild_tensor_v2 with unexpected arguments".into()),
            }
        }
        _ => Err(format!(
            "refusing to call {module}.{name}: only tensors and dicts can be rebuilt"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_follows_strides() {
        // A 2x3 row-major storage read transposed (shape 3x2, strides 1,3).
        let storage = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let t = gather(&storage, 0, &[3, 2], &[1, 3]).unwrap();
        assert_eq!(t, vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
        assert!(gather(&storage, 1, &[2, 3], &[3, 1]).is_none());
    }

    #[test]
    fn refuses_arbitrary_callables() {
        // GLOBAL 'os system', MARK, 'ls', TUPLE, REDUCE, STOP
        let pickle = b"\x80\x02cos\nsystem\n(X\x02\x00\x00\x00lstR.";
        let err = Unpickler::new(pickle).run().unwrap_err();
        assert!(err.contains("refusing to call os.system"), "{err}");
    }

    #[test]
    fn reads_a_state_dict_pickle() {
        // {'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 4), 0, (2, 2), (2, 1), False, OrderedDict())}
        let mut p = Vec::new();
        p.extend_from_slice(b"\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQK\x00K\x02K\x02\x86K\x02K\x01\x86\x89ccollections\nOrderedDict\n)RtRu.");
        let root = Unpickler::new(&p).run().unwrap();
        let mut tensors = Vec::new();
        let mut ints = BTreeMap::new();
        flatten(&root, String::new(), &mut tensors, &mut ints);
        assert_eq!(tensors.len(), 1);
        assert_eq!(tensors[0].0, "w");
        assert_eq!(tensors[0].1.shape, vec![2, 2]);
        assert_eq!(tensors[0].1.stride, vec![2, 1]);
        assert_eq!(tensors[0].1.storage.key, "0");
    }
}

//! Maps a device string to a Burn [`Device`]: the one place that knows which backends were
//! compiled in.
//!
//! | string          | backend | cargo feature |
//! |-----------------|---------|---------------|
//! | `cpu`, `flex`   | flex (pure-Rust CPU, multi-threaded, SIMD) | `flex` (default) |
//! | `ndarray`       | ndarray (slow, kept for users who ask for it) | `ndarray` |
//! | `wgpu`          | WGPU, best adapter | `wgpu` |
//! | `cuda`, `cuda:N`| CUDA, GPU index N (default 0) | `cuda` |
//!
//! `cpu` means flex when it is compiled in, and ndarray otherwise.

use crate::DeviceError;
use burn::prelude::Device;

/// Parses a device string (`cpu`, `flex`, `ndarray`, `wgpu`, `cuda`, `cuda:1`) into a Burn
/// [`Device`].
///
/// The string is case-insensitive and surrounding whitespace is ignored. A backend that exists
/// but was not compiled in gives [`DeviceError::NotCompiled`] naming the cargo feature to enable.
pub fn parse_device(name: &str) -> Result<Device, DeviceError> {
    let lowered = name.trim().to_ascii_lowercase();
    let not_compiled = |feature: &'static str| DeviceError::NotCompiled {
        device: name.to_string(),
        feature,
    };
    match lowered.as_str() {
        "cpu" => cpu_device().ok_or_else(|| not_compiled("flex")),
        "flex" => flex_device().ok_or_else(|| not_compiled("flex")),
        "ndarray" => ndarray_device().ok_or_else(|| not_compiled("ndarray")),
        "wgpu" => probe(
            name,
            wgpu_device().ok_or_else(|| not_compiled("wgpu"))?,
            WGPU_HINT,
        ),
        "cuda" => probe(
            name,
            cuda_device(0).ok_or_else(|| not_compiled("cuda"))?,
            CUDA_HINT,
        ),
        other => match other.strip_prefix("cuda:") {
            Some(index) => {
                let index: usize = index
                    .parse()
                    .map_err(|_| DeviceError::Unknown(name.to_string()))?;
                probe(
                    name,
                    cuda_device(index).ok_or_else(|| not_compiled("cuda"))?,
                    CUDA_HINT,
                )
            }
            None => Err(DeviceError::Unknown(name.to_string())),
        },
    }
}

const WGPU_HINT: &str = "WGPU found no usable adapter; install a Vulkan driver (without a GPU, \
     Mesa's software driver lavapipe: Debian/Ubuntu packages mesa-vulkan-drivers and libvulkan1)";
const CUDA_HINT: &str = "CUDA needs the NVIDIA driver (libcuda.so.1) and a GPU with that index";

/// Runs a two-element sum on `device`, so that a backend that cannot start (no adapter, no
/// driver) is an error here, with `hint`, rather than a panic deep inside Burn later. Burn
/// reports those failures by panicking, so the probe catches the panic (and keeps the default
/// panic message off the terminal while it runs).
fn probe(name: &str, device: Device, hint: &str) -> Result<Device, DeviceError> {
    static PROBING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = PROBING.lock().unwrap_or_else(|p| p.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        burn::tensor::Tensor::<1>::from_floats([1.0, 2.0], &device)
            .sum()
            .into_scalar::<f32>()
    }));
    std::panic::set_hook(previous);
    let unavailable = |what: String| DeviceError::Unavailable {
        device: name.to_string(),
        reason: format!("{what}. {hint}"),
    };
    match outcome {
        Ok(3.0) => Ok(device),
        Ok(sum) => Err(unavailable(format!("a test sum of 1 + 2 gave {sum}"))),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the backend failed to start".into());
            Err(unavailable(message.trim().to_string()))
        }
    }
}

/// Serialises [`seeded`] across threads.
static SEEDED: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Seeds `device` and runs `init` (typically model initialisation) while no other call of
/// this function can reseed: Burn's backends keep one random generator per process, so two
/// threads that seed and initialise at the same time would otherwise interleave their draws and
/// get weights that depend on timing. gan-core's model configs draw all their weights inside
/// `init`, so `seeded(&device, seed, || config.init(&device))` is reproducible in any thread.
pub fn seeded<T>(device: &Device, seed: u64, init: impl FnOnce() -> T) -> T {
    let _guard = SEEDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    device.seed(seed);
    init()
}

/// The names of the backends compiled into this build, for help texts.
pub fn compiled_backends() -> Vec<&'static str> {
    let mut backends = Vec::new();
    if cfg!(feature = "flex") {
        backends.push("flex");
    }
    if cfg!(feature = "ndarray") {
        backends.push("ndarray");
    }
    if cfg!(feature = "wgpu") {
        backends.push("wgpu");
    }
    if cfg!(feature = "cuda") {
        backends.push("cuda");
    }
    backends
}

fn cpu_device() -> Option<Device> {
    flex_device().or_else(ndarray_device)
}

fn flex_device() -> Option<Device> {
    #[cfg(feature = "flex")]
    {
        Some(Device::flex())
    }
    #[cfg(not(feature = "flex"))]
    {
        None
    }
}

fn ndarray_device() -> Option<Device> {
    #[cfg(feature = "ndarray")]
    {
        #[allow(deprecated)]
        Some(Device::ndarray())
    }
    #[cfg(not(feature = "ndarray"))]
    {
        None
    }
}

fn wgpu_device() -> Option<Device> {
    #[cfg(feature = "wgpu")]
    {
        Some(Device::wgpu(burn::prelude::DeviceKind::DefaultDevice))
    }
    #[cfg(not(feature = "wgpu"))]
    {
        None
    }
}

fn cuda_device(index: usize) -> Option<Device> {
    #[cfg(feature = "cuda")]
    {
        Some(Device::cuda(index))
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = index;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_device_is_an_error_naming_it() {
        let err = parse_device("tpu").unwrap_err();
        assert_eq!(err, DeviceError::Unknown("tpu".into()));
        assert!(err.to_string().contains("`tpu`"));
        assert!(matches!(
            parse_device("cuda:x"),
            Err(DeviceError::Unknown(_))
        ));
    }

    #[cfg(feature = "flex")]
    #[test]
    fn cpu_maps_to_flex() {
        assert_eq!(parse_device(" CPU ").unwrap(), Device::flex());
        assert_eq!(parse_device("flex").unwrap(), Device::flex());
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn missing_backend_names_its_feature() {
        let err = parse_device("cuda:1").unwrap_err();
        assert_eq!(
            err,
            DeviceError::NotCompiled {
                device: "cuda:1".into(),
                feature: "cuda"
            }
        );
        assert!(err.to_string().contains("--features cuda"));
    }

    #[cfg(not(feature = "wgpu"))]
    #[test]
    fn missing_wgpu_names_its_feature() {
        assert!(matches!(
            parse_device("wgpu"),
            Err(DeviceError::NotCompiled {
                feature: "wgpu",
                ..
            })
        ));
    }
}

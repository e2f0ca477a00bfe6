//! With no Vulkan driver to find, asking for the `wgpu` device is a clear error that names
//! what to install, not a panic inside Burn. (Its own test binary: the loader's environment
//! must be set before WGPU starts, and WGPU starts once per process.)
#![cfg(feature = "wgpu")]

use gan_core::DeviceError;

#[test]
fn wgpu_without_a_vulkan_driver_is_a_clear_error() {
    // SAFETY: this binary's only test; no other thread reads the environment yet.
    unsafe {
        std::env::set_var("VK_ICD_FILENAMES", "/nonexistent/no-driver.json");
        std::env::set_var("VK_DRIVER_FILES", "/nonexistent/no-driver.json");
        // wgpu falls back to OpenGL through EGL (Mesa's llvmpipe) when Vulkan is missing:
        // hide the EGL vendor libraries too.
        std::env::set_var(
            "__EGL_VENDOR_LIBRARY_FILENAMES",
            "/nonexistent/no-vendor.json",
        );
        std::env::set_var("__EGL_VENDOR_LIBRARY_DIRS", "/nonexistent");
    }
    match gan_core::device::parse_device("wgpu") {
        Err(err @ DeviceError::Unavailable { .. }) => {
            let message = err.to_string();
            println!("{message}");
            assert!(
                message.contains("wgpu") && message.contains("mesa-vulkan-drivers"),
                "{message}"
            );
        }
        Err(other) => panic!("expected Unavailable, got {other}"),
        Ok(device) => panic!("a device without a driver: {device:?}"),
    }
}

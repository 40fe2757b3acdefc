//! CUDA device discovery through the driver library, loaded at run time:
//! the crate builds and runs where no CUDA is installed, and a missing or
//! broken libcuda is an error value, never a panic.

use serde::{Deserialize, Serialize};
use std::ffi::{c_char, c_int};

/// One CUDA device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CudaDevice {
    /// Ordinal.
    pub index: u32,
    /// Name, e.g. `NVIDIA H100 80GB HBM3`.
    pub name: String,
    /// Memory \[B\].
    pub memory_bytes: u64,
    /// Streaming multiprocessors.
    pub sm_count: u32,
    /// SM clock \[MHz\].
    pub sm_clock_mhz: u32,
    /// Driver version, e.g. `12.4`.
    pub driver: String,
}

/// Why no CUDA device is usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CudaError {
    /// libcuda.so.1 is not installed or not loadable. Fatal for `--device cuda`.
    #[error("no CUDA device found (libcuda could not be loaded)")]
    NoDriver,
    /// The driver loaded but a call failed (no device, or a driver/kernel mismatch).
    #[error("no CUDA device found ({call} returned CUDA error {code})")]
    Call {
        /// The driver function.
        call: &'static str,
        /// Its CUresult.
        code: i32,
    },
    /// The driver reports no device.
    #[error("no CUDA device found (the driver reports none)")]
    NoDevice,
}

// CUdevice_attribute values from cuda.h.
const ATTR_CLOCK_RATE: c_int = 13;
const ATTR_MULTIPROCESSOR_COUNT: c_int = 16;

/// Lists the CUDA devices, or says why there are none.
pub fn devices() -> Result<Vec<CudaDevice>, CudaError> {
    // SAFETY: loading a shared library runs its initialisers; libcuda's are
    // the vendor's and safe to run in a process that has not used CUDA yet.
    let lib = unsafe { libloading::Library::new("libcuda.so.1") }.map_err(|_| CudaError::NoDriver)?;
    // SAFETY: each symbol is looked up by its documented name and called with
    // the C signature cuda.h declares for it; out-pointers point at locals.
    unsafe {
        let sym = |name: &[u8]| lib.get::<unsafe extern "C" fn()>(name).map_err(|_| CudaError::NoDriver).map(|s| *s);
        let cu_init: unsafe extern "C" fn(u32) -> i32 = std::mem::transmute(sym(b"cuInit\0")?);
        let get_count: unsafe extern "C" fn(*mut c_int) -> i32 = std::mem::transmute(sym(b"cuDeviceGetCount\0")?);
        let get_name: unsafe extern "C" fn(*mut c_char, c_int, c_int) -> i32 =
            std::mem::transmute(sym(b"cuDeviceGetName\0")?);
        let total_mem: unsafe extern "C" fn(*mut usize, c_int) -> i32 =
            std::mem::transmute(sym(b"cuDeviceTotalMem_v2\0")?);
        let attribute: unsafe extern "C" fn(*mut c_int, c_int, c_int) -> i32 =
            std::mem::transmute(sym(b"cuDeviceGetAttribute\0")?);
        let driver_version: unsafe extern "C" fn(*mut c_int) -> i32 =
            std::mem::transmute(sym(b"cuDriverGetVersion\0")?);
        let check =
            |call: &'static str, code: i32| if code == 0 { Ok(()) } else { Err(CudaError::Call { call, code }) };
        check("cuInit", cu_init(0))?;
        let mut count: c_int = 0;
        check("cuDeviceGetCount", get_count(&mut count))?;
        if count <= 0 {
            return Err(CudaError::NoDevice);
        }
        let mut version: c_int = 0;
        check("cuDriverGetVersion", driver_version(&mut version))?;
        let driver = format!("{}.{}", version / 1000, (version % 1000) / 10);
        let mut out = Vec::new();
        for d in 0..count {
            let mut name = [0 as c_char; 256];
            check("cuDeviceGetName", get_name(name.as_mut_ptr(), name.len() as c_int, d))?;
            let name = std::ffi::CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned();
            let mut bytes: usize = 0;
            check("cuDeviceTotalMem", total_mem(&mut bytes, d))?;
            let (mut sms, mut khz): (c_int, c_int) = (0, 0);
            check("cuDeviceGetAttribute", attribute(&mut sms, ATTR_MULTIPROCESSOR_COUNT, d))?;
            check("cuDeviceGetAttribute", attribute(&mut khz, ATTR_CLOCK_RATE, d))?;
            out.push(CudaDevice {
                index: d as u32,
                name,
                memory_bytes: bytes as u64,
                sm_count: sms.max(0) as u32,
                sm_clock_mhz: (khz.max(0) / 1000) as u32,
                driver: driver.clone(),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn discovery_never_panics() {
        // Without a GPU (CI) this is an error value; with one, a list.
        match super::devices() {
            Ok(d) => assert!(!d.is_empty()),
            Err(e) => assert!(e.to_string().starts_with("no CUDA device found")),
        }
    }
}

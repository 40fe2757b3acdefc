//! Typed identifiers.
//!
//! Two families: catalog ids (`AcceleratorId("gb300")`), which name entries in
//! `data/` and user catalogs, and dense index handles (`GpuIdx(17)`), which the
//! simulation uses to address components in arrays. Keeping them distinct types
//! means a rack index can never be passed where a GPU index is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a string id for a catalog entry kind.
macro_rules! catalog_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as written in the catalog.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

catalog_id!(
    /// An accelerator (GPU or AI accelerator) in the catalog: `gb300`, `mi355x`.
    AcceleratorId
);
catalog_id!(
    /// A system (rack or node design) in the catalog: `gb300-nvl72`, `hgx-h100`.
    SystemId
);
catalog_id!(
    /// A fabric (scale-up or scale-out interconnect): `nvlink5-nvswitch`, `ib-xdr`.
    FabricId
);
catalog_id!(
    /// A data-centre site: `mount-pleasant-wi`.
    SiteId
);
catalog_id!(
    /// An electricity tariff region: `us-virginia`.
    TariffId
);
catalog_id!(
    /// A cloud offer (instance and pricing model): `aws-p5-48xlarge-on-demand`.
    OfferId
);

/// Declares a dense index handle.
macro_rules! index_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The index, for addressing a slice.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}#{}", stringify!($name), self.0)
            }
        }
    };
}

index_id!(
    /// One accelerator in a simulated cluster.
    GpuIdx
);
index_id!(
    /// One node (HGX server or NVL72 compute tray) in a simulated cluster.
    NodeIdx
);
index_id!(
    /// One rack (or scale-up domain) in a simulated cluster.
    RackIdx
);
index_id!(
    /// One switch of a fabric.
    SwitchIdx
);
index_id!(
    /// One job of a simulated workload.
    JobIdx
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_plainly() {
        assert_eq!(SystemId::from("gb300-nvl72").to_string(), "gb300-nvl72");
        assert_eq!(GpuIdx(7).to_string(), "GpuIdx#7");
        assert_eq!(RackIdx(3).index(), 3);
    }
}

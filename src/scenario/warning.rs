//! Things a scenario may say but probably does not mean. They never abort a
//! run; each says what to look at.

use serde::Serialize;
use std::fmt;

/// A non-fatal remark on a validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Warning {
    /// The GPU count leaves one scale-up domain (an NVL72 rack, an 8-GPU box) partial.
    PartialDomain {
        /// Accelerators in the cluster.
        gpus: u32,
        /// Accelerators per scale-up domain.
        domain: u32,
    },
    /// A fixed PUE below any annual PUE an operator reports.
    PueBelowReported {
        /// The scenario's PUE.
        pue: f64,
        /// The lowest reported annual PUE.
        lowest: f64,
    },
    /// A fixed PUE above 3, far above the industry average of about 1.55.
    PueImplausiblyHigh {
        /// The scenario's PUE.
        pue: f64,
    },
    /// A power cap below half the accelerator's rating.
    LowPowerCap {
        /// The cap \[W\].
        cap_w: f64,
        /// Accelerator id.
        gpu: String,
        /// The accelerator's rating \[W\].
        rating_w: f64,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PartialDomain { gpus, domain } => write!(
                f,
                "{gpus} GPUs is not a whole number of {domain}-GPU scale-up domains: one domain is partial; \
                 use a multiple of {domain} to fill them"
            ),
            Self::PueBelowReported { pue, lowest } => write!(
                f,
                "PUE {pue} is below the lowest annual PUE any operator reports ({lowest}); \
                 check the value, or model the facility instead of fixing PUE"
            ),
            Self::PueImplausiblyHigh { pue } => {
                write!(f, "PUE {pue} is above 3 (industry average ~1.55): is this the intended value?")
            }
            Self::LowPowerCap { cap_w, gpu, rating_w } => write!(
                f,
                "power cap {cap_w} W is less than half the {gpu} rating of {rating_w} W: is this the intended value?"
            ),
        }
    }
}

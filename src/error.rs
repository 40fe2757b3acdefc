//! Exit codes, and which errors are the user's to fix.
//!
//! `0` success, `1` bad input (a file, flag or reference the user can fix),
//! `2` an internal error (a bug, or the machine failing us).

use crate::catalog::CatalogError;
use crate::scenario::ScenarioError;

/// Process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// The input was wrong: fix it and run again.
    BadInput = 1,
    /// Something went wrong inside rackscale.
    Internal = 2,
}

/// An error caused by what the user asked for, not by rackscale.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// An input file with problems, each pointing at its line and column.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidFile(pub Box<crate::diag::Diagnostics>);

/// Classifies an error chain: any link that is bad input makes it exit 1.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    let user = err.chain().any(|e| {
        e.is::<CatalogError>()
            || e.is::<ScenarioError>()
            || e.is::<UsageError>()
            || e.is::<InvalidFile>()
            || e.is::<crate::topology::TopologyError>()
            || e.is::<crate::sizes::SizeError>()
            || e.is::<crate::pipeline::training::StepError>()
            || e.is::<crate::model::training::PlanError>()
            || e.is::<crate::fsutil::ReadError>()
            || is_user_io(e)
    });
    if user { Exit::BadInput } else { Exit::Internal }
}

/// Reading a missing or forbidden input file is the user's to fix.
fn is_user_io(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<std::io::Error>().is_some_and(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::AlreadyExists
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_chains() {
        let user = anyhow::Error::new(UsageError("bad flag".into())).context("while running");
        assert_eq!(exit_for(&user), Exit::BadInput);
        let internal = anyhow::anyhow!("invariant broken");
        assert_eq!(exit_for(&internal), Exit::Internal);
        let missing = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(exit_for(&missing), Exit::BadInput);
    }
}

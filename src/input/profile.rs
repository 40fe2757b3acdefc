//! Calibration profiles: a `calibrate` output (JSON) or a bare efficiency
//! profile (JSON or TOML), every value checked for its physical range.

use crate::calibrate::{self, Calibration};
use crate::error::UsageError;
use crate::model::training::Profile;
use std::path::Path;

/// Reads a profile: a `calibrate` output (JSON) or a bare efficiency profile
/// (JSON or TOML), range-checked; with the note of a transferred profile.
pub fn load_profile(path: &Path) -> anyhow::Result<(Profile, Option<String>)> {
    let shown = path.display().to_string();
    let (profile, note) = read_profile(path)?;
    profile.check().map_err(|e| UsageError(format!("calibration `{shown}`: {e}")))?;
    Ok((profile, note))
}

/// Parses a profile file, without range checks.
pub fn read_profile(path: &Path) -> anyhow::Result<(Profile, Option<String>)> {
    let shown = path.display().to_string();
    if let Ok(c) = load_calibration(path) {
        return Ok((c.profile, c.transferred_from));
    }
    let text = crate::fsutil::read_text(path, "calibration")?;
    let parsed = if shown.ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.to_string())
    };
    let profile = parsed.map_err(|e| UsageError(format!("calibration `{shown}` is not an efficiency profile: {e}")))?;
    Ok((profile, None))
}

/// Reads a `calibrate` output: the profile with its version checked.
pub fn load_calibration(path: &Path) -> anyhow::Result<Calibration> {
    let shown = path.display().to_string();
    let text = crate::fsutil::read_text(path, "profile")?;
    let c: Calibration = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("`{shown}` is not a rackscale calibration profile: {e}")))?;
    if c.version != calibrate::PROFILE_VERSION {
        return Err(UsageError(format!(
            "`{shown}` is profile version {}, this rackscale reads version {}",
            c.version,
            calibrate::PROFILE_VERSION
        ))
        .into());
    }
    Ok(c)
}

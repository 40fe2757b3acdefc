//! Command-line tests: every command, its output formats, and every class of
//! bad input with its exit code and message (snapshotted with insta).

mod calibrate;
mod catalog;
mod check;
mod claim;
mod collective;
mod errors;
mod facility;
mod hostile;
mod init;
mod run;
mod simulate;
mod sweep;
mod tco;
mod training;

use std::path::PathBuf;

/// `rackscale` run from `tests/fixtures`, so messages name files relatively.
pub fn rackscale() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rackscale");
    cmd.current_dir(fixtures());
    cmd
}

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs with `args` and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = rackscale().args(args).output().expect("rackscale runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

//! Files in and out. In: every input file is read through [`read_text`],
//! which caps its size and requires UTF-8, so that `/dev/zero` or a binary
//! file is bad input (exit 1) rather than an endless read or an internal
//! error. Out: [`write_atomic`] writes a temporary file in the target
//! directory, flushed, then renamed over the target, and [`write_set`] does
//! so for several files at once. A failed run leaves earlier output intact
//! and never a half-written file.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Default cap on one input file: 1 GiB.
pub const DEFAULT_MAX_INPUT: u64 = 1 << 30;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT);

/// Sets the cap on every input file read from now on (`--max-input`).
pub fn set_max_input(bytes: u64) {
    MAX_INPUT.store(bytes.max(1), Ordering::Relaxed);
}

/// The cap on one input file \[B\].
pub fn max_input() -> u64 {
    MAX_INPUT.load(Ordering::Relaxed)
}

/// Why an input file could not be read as text. Always the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Missing, forbidden, a directory, or failing to read.
    #[error("cannot read {what} `{path}`: {source}")]
    Io {
        /// What the file is for.
        what: String,
        /// As given.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// Larger than the cap.
    #[error("{what} `{path}` is larger than {cap} bytes; is it the right file? (raise the cap with --max-input)")]
    TooLarge {
        /// What the file is for.
        what: String,
        /// As given.
        path: String,
        /// The cap.
        cap: u64,
    },
    /// Not UTF-8 text.
    #[error("{what} `{path}` is not UTF-8 text (invalid byte at offset {offset}); give a text file")]
    NotText {
        /// What the file is for.
        what: String,
        /// As given.
        path: String,
        /// First invalid byte.
        offset: usize,
    },
}

/// Reads `path` as UTF-8 text of at most [`max_input`] bytes; `what` names
/// the file's role in messages (`trace`, `weather`, `scenario`).
pub fn read_text(path: &Path, what: &str) -> Result<String, ReadError> {
    let shown = path.display().to_string();
    let io = |source| ReadError::Io { what: what.to_owned(), path: shown.clone(), source };
    let cap = max_input();
    let file = fs::File::open(path).map_err(io)?;
    // Sized from the file's length where it has one (not /dev/zero), so a large
    // trace is not held twice over by the vector's doubling.
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0).min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0).saturating_add(1));
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge { what: what.to_owned(), path: shown, cap });
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        what: what.to_owned(),
        path: shown,
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Writes several files as a set: each into a fresh hidden directory beside
/// the first target, then every one renamed into place. If any write fails,
/// no target is touched; a failure during the renames (the same directory,
/// so only a vanished directory or a full inode table) is reported.
pub fn write_set(files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    let Some((first, _)) = files.first() else { return Ok(()) };
    let dir = first.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let staging = dir.join(format!(".rackscale-out.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    let staged = (|| {
        let mut out = Vec::with_capacity(files.len());
        for (i, (path, bytes)) in files.iter().enumerate() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent)?;
                if parent.is_file() {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{} is a file", parent.display()),
                    ));
                }
            }
            if path.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} is a directory; cannot write a file there", path.display()),
                ));
            }
            let tmp = staging.join(format!("{i}"));
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            out.push((tmp, path.clone()));
        }
        Ok(out)
    })();
    let result = staged.and_then(|pairs| pairs.into_iter().try_for_each(|(tmp, path)| fs::rename(tmp, path)));
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Writes a whole directory of files (names relative to `dir`) as one: into
/// a fresh sibling directory first, then swapped in for `dir`. A failure
/// before the swap leaves an earlier `dir` as it was; the earlier one is
/// removed only once the new one is in place.
pub fn write_dir(dir: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    if dir.is_file() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} is a file", dir.display())));
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".to_owned());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)?;
    let written = files.iter().try_for_each(|(file, bytes)| {
        let path = staging.join(file);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let mut f = fs::File::create(&path)?;
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = dir.exists();
    if had_old {
        let _ = fs::remove_dir_all(&old);
        if let Err(e) = fs::rename(dir, &old) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    }
    if let Err(e) = fs::rename(&staging, dir) {
        if had_old {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = temp_path(dir, path);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A hidden sibling name unique to this process.
fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_refuses_binary_and_endless_input() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("ok.csv");
        fs::write(&ok, "a,b\n").unwrap();
        assert_eq!(read_text(&ok, "trace").unwrap(), "a,b\n");
        let bin = dir.path().join("bin.csv");
        fs::write(&bin, [b'a', 0xff, 0xfe]).unwrap();
        let e = read_text(&bin, "trace").unwrap_err().to_string();
        assert!(e.contains("not UTF-8") && e.contains("offset 1"), "{e}");
        if Path::new("/dev/zero").exists() {
            // Endless input stops at the cap (a small one here, to stay fast).
            let before = max_input();
            set_max_input(1 << 20);
            let e = read_text(Path::new("/dev/zero"), "weather").unwrap_err();
            set_max_input(before);
            assert!(matches!(e, ReadError::TooLarge { .. }), "{e}");
        }
        assert!(matches!(read_text(&dir.path().join("missing"), "x"), Err(ReadError::Io { .. })));
    }

    #[test]
    fn a_set_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        let b = dir.path().join("b.csv");
        write_set(&[(a.clone(), b"1".to_vec()), (b.clone(), b"2".to_vec())]).unwrap();
        assert_eq!(fs::read_to_string(&b).unwrap(), "2");
        // The second target is a directory: nothing is replaced, nothing left behind.
        fs::remove_file(&b).unwrap();
        fs::create_dir(&b).unwrap();
        assert!(write_set(&[(a.clone(), b"new".to_vec()), (b.clone(), b"new".to_vec())]).is_err());
        assert_eq!(fs::read_to_string(&a).unwrap(), "1");
        let names: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
    }

    #[test]
    fn failure_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"old").unwrap();
        // A directory in the way of the rename makes it fail.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert!(fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".tmp-")));
    }
}

//! Files the app writes: atomically (reports, results for a USB stick) and
//! owner-only secrets created on first use (the JWT secret, HQ's signing key).

use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to `path` so that a reader (or a crash) never sees half a file:
/// a temporary file beside it, flushed to disk, then renamed over it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.part"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable (best effort: not every filesystem allows it).
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// The secret stored at `path`, or a new one from `make`, written readable by its
/// owner only, on first use.
pub fn read_or_create_secret(
    path: &Path,
    make: impl FnOnce() -> Vec<u8>,
) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = make();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(path)?;
            f.write_all(&secret)?;
            f.sync_all()?;
            Ok(secret)
        }
        Err(e) => Err(e),
    }
}

/// Creates the data directory (and its parents) readable by its owner only
/// (0700), before any database, key or secret is written into it. A directory
/// that exists already is left as it is (it may be shared, like /tmp), and a
/// warning is returned when others can reach into it.
pub fn private_dir(dir: &Path) -> std::io::Result<Option<String>> {
    if dir.is_dir() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Ok(Some(format!(
                    "{} is readable by other accounts (mode {:o}); keep Examhall's data in a directory only its own account can open",
                    dir.display(),
                    mode & 0o777
                )));
            }
        }
        return Ok(None);
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)?;
    Ok(None)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn a_new_data_directory_is_owner_only_and_a_shared_one_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/examhall");
        assert_eq!(super::private_dir(&dir).unwrap(), None);
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{:o}", mode & 0o777);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let warning = super::private_dir(&dir).unwrap();
        assert!(
            warning.as_deref().is_some_and(|w| w.contains("755")),
            "{warning:?}"
        );
    }
}

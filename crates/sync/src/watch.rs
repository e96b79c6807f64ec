//! The watched inbox folder (a mounted USB stick, or a folder a technician copies
//! into). Every file that appears or changes is reported; files already there when
//! watching starts are reported first. The receiver decides what a file is and
//! must be idempotent: a file copied slowly is reported several times.

use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// Keeps the OS watch alive; dropping it stops watching.
pub struct InboxWatcher {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for InboxWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InboxWatcher")
    }
}

/// Starts watching `dir` (created if missing). Paths arrive on the receiver.
pub fn watch(dir: &Path) -> std::io::Result<(InboxWatcher, mpsc::UnboundedReceiver<PathBuf>)> {
    std::fs::create_dir_all(dir)?;
    let (tx, rx) = mpsc::unbounded_channel();
    let events = tx.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
        let Ok(ev) = res else { return };
        let interesting = matches!(
            ev.kind,
            EventKind::Create(_)
                | EventKind::Modify(_)
                | EventKind::Access(notify::event::AccessKind::Close(
                    notify::event::AccessMode::Write
                ))
        );
        if interesting {
            for p in ev.paths {
                if p.is_file() {
                    let _ = events.send(p);
                }
            }
        }
    })
    .map_err(std::io::Error::other)?;
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(std::io::Error::other)?;
    let mut existing: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    existing.sort();
    for p in existing {
        let _ = tx.send(p);
    }
    Ok((InboxWatcher { _watcher: watcher }, rx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn files_present_and_files_dropped_later_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old.exhpkg"), b"x").unwrap();
        let (_w, mut rx) = watch(dir.path()).unwrap();
        let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.file_name().unwrap(), "old.exhpkg");
        std::fs::write(dir.path().join("new.exhpkg"), b"y").unwrap();
        let next = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(next.file_name().unwrap(), "new.exhpkg");
    }
}

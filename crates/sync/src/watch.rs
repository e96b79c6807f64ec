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

/// Rings when something changes in a folder that may not exist yet (a USB
/// stick's folder): it watches the folder once it is there, and otherwise its
/// nearest existing ancestor, so the folder's creation rings too. Call
/// [`FolderBell::rearm`] after each ring to follow the folder as it comes and
/// goes. A mount onto a folder that already exists raises no event, so callers
/// keep a slow look as well.
pub struct FolderBell {
    dir: PathBuf,
    watcher: notify::RecommendedWatcher,
    watching: Option<PathBuf>,
}

impl std::fmt::Debug for FolderBell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderBell")
            .field("dir", &self.dir)
            .field("watching", &self.watching)
            .finish()
    }
}

impl FolderBell {
    /// Starts listening for `dir`; rings arrive on the receiver (several
    /// changes may ring once or many times).
    pub fn new(dir: &Path) -> std::io::Result<(FolderBell, mpsc::UnboundedReceiver<()>)> {
        let (tx, rx) = mpsc::unbounded_channel();
        let watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
            if res.is_ok_and(|ev| !matches!(ev.kind, EventKind::Access(_))) {
                let _ = tx.send(());
            }
        })
        .map_err(std::io::Error::other)?;
        let mut bell = FolderBell {
            dir: dir.to_path_buf(),
            watcher,
            watching: None,
        };
        bell.rearm();
        Ok((bell, rx))
    }

    /// Watches the folder if it is there now, else its nearest existing
    /// ancestor (nothing when even the root is unreadable).
    pub fn rearm(&mut self) {
        let target = self
            .dir
            .ancestors()
            .find(|p| p.is_dir())
            .map(Path::to_path_buf);
        if target == self.watching {
            return;
        }
        if let Some(old) = self.watching.take() {
            let _ = self.watcher.unwatch(&old);
        }
        if let Some(t) = target {
            if self.watcher.watch(&t, RecursiveMode::NonRecursive).is_ok() {
                self.watching = Some(t);
            }
        }
    }

    /// The folder being watched now (the stick's, or an ancestor's).
    pub fn watching(&self) -> Option<&Path> {
        self.watching.as_deref()
    }
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

    #[tokio::test]
    async fn the_bell_rings_when_the_folder_appears_and_when_a_file_lands_in_it() {
        let mounts = tempfile::tempdir().unwrap();
        let stick = mounts.path().join("STICK").join("EXAMHALL");
        let (mut bell, mut rx) = FolderBell::new(&stick).unwrap();
        assert_eq!(bell.watching(), Some(mounts.path()));
        std::fs::create_dir(mounts.path().join("STICK")).unwrap();
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("the stick's mount point appearing rings")
            .unwrap();
        bell.rearm();
        assert_eq!(bell.watching(), Some(mounts.path().join("STICK").as_path()));
        std::fs::create_dir(&stick).unwrap();
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("the folder appearing rings")
            .unwrap();
        bell.rearm();
        assert_eq!(bell.watching(), Some(stick.as_path()));
        while rx.try_recv().is_ok() {}
        std::fs::write(stick.join("receipts-x.exhrcpt"), b"{}").unwrap();
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("a file written in the folder rings")
            .unwrap();
        // The stick pulled out: the bell falls back to what is still there.
        std::fs::remove_dir_all(mounts.path().join("STICK")).unwrap();
        bell.rearm();
        assert_eq!(bell.watching(), Some(mounts.path()));
    }
}

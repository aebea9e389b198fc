//! Reading a course folder without following symbolic links. Every entry is
//! looked at as it is on disk (`symlink_metadata`, a directory entry's own
//! type): links and special files (devices, pipes, sockets) are refused, so
//! a course can never publish a file from outside its folder, and a file's
//! size is checked before it is read.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::Problem;

/// What a path is on disk, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Dir,
    File,
    Link,
    /// A device, pipe or socket.
    Special,
}

impl Kind {
    fn from_type(file_type: std::fs::FileType) -> Kind {
        if file_type.is_symlink() {
            Kind::Link
        } else if file_type.is_dir() {
            Kind::Dir
        } else if file_type.is_file() {
            Kind::File
        } else {
            Kind::Special
        }
    }

    /// What `path` is, or `None` when it does not exist (or cannot be read).
    pub(super) fn of(path: &Path) -> Option<Kind> {
        std::fs::symlink_metadata(path)
            .ok()
            .map(|m| Kind::from_type(m.file_type()))
    }

    /// Why an entry of this kind is not imported, if it is not.
    pub(super) fn refusal(self) -> Option<&'static str> {
        match self {
            Kind::Dir | Kind::File => None,
            Kind::Link => Some("symbolic links are not imported"),
            Kind::Special => Some("only regular files are imported"),
        }
    }
}

/// A problem saying why `path` is refused, when it is.
pub(super) fn refuse(path: &Path, kind: Kind, problems: &mut Vec<Problem>) -> bool {
    match kind.refusal() {
        Some(message) => {
            problems.push(Problem::new(path, None, message));
            true
        }
        None => false,
    }
}

pub(super) fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
}

/// The entries of `dir` that are not hidden (`.x`, `_x`), sorted, each with
/// its kind as on disk.
pub(super) fn entries(dir: &Path, problems: &mut Vec<Problem>) -> Vec<(PathBuf, Kind)> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut found: Vec<(PathBuf, Kind)> = entries
                .filter_map(Result::ok)
                .filter_map(|e| Some((e.path(), Kind::from_type(e.file_type().ok()?))))
                .filter(|(p, _)| !is_hidden(p))
                .collect();
            found.sort_by(|a, b| a.0.cmp(&b.0));
            found
        }
        Err(err) => {
            problems.push(Problem::new(
                dir,
                None,
                format!("cannot read the folder: {err}"),
            ));
            Vec::new()
        }
    }
}

/// The bytes of the regular file `path`, at most `max`; a link, a special
/// file or a larger file is reported (`too_large` says what to do) and
/// `None` returned.
pub(super) fn read_file(
    path: &Path,
    max: u64,
    too_large: &str,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    let cannot =
        |err: std::io::Error| Problem::new(path, None, format!("cannot read the file: {err}"));
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(err) => {
            problems.push(cannot(err));
            return None;
        }
    };
    if refuse(path, Kind::from_type(metadata.file_type()), problems) {
        return None;
    }
    if metadata.len() > max {
        problems.push(Problem::new(path, None, too_large));
        return None;
    }
    // Read at most one byte more than allowed: a file that grew (or was
    // swapped) since it was looked at still cannot fill the memory.
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(max.saturating_add(1)).read_to_end(&mut bytes));
    match read {
        Err(err) => {
            problems.push(cannot(err));
            None
        }
        Ok(n) if n as u64 > max => {
            problems.push(Problem::new(path, None, too_large));
            None
        }
        Ok(_) => Some(bytes),
    }
}

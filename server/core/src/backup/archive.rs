//! The backup archive as a file: a zip written by one thread while the
//! database is read, checked whole before a restore, and read back row by
//! row by another thread.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::{BackupError, TableRows};

/// The `format` of a Polku backup's manifest.
pub const FORMAT: &str = "polku-backup";
/// The version of that format this Polku writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's name in the archive.
const MANIFEST: &str = "manifest.json";
/// The largest manifest read.
const MANIFEST_LIMIT: u64 = 1 << 20;

/// `manifest.json`: what the archive holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `polku-backup`.
    pub format: String,
    /// The format's version.
    pub format_version: u32,
    /// The Polku that wrote it.
    pub polku_version: String,
    /// When it was written.
    pub created: chrono::DateTime<chrono::Utc>,
    /// The database it was read from (`sqlite`, `postgres`).
    pub backend: String,
    /// The database migrations it was written at, oldest first.
    pub migrations: Vec<String>,
    /// The site's public address at the time (badges name it).
    pub public_url: Option<String>,
    /// The tables, in the order they are restored, with their rows.
    pub tables: Vec<TableRows>,
    /// Every other file of the archive, with its size and SHA-256.
    pub files: BTreeMap<String, FileSum>,
}

/// A file's size and checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What the database side sends the writing thread.
enum Piece {
    Start(String),
    Data(Vec<u8>),
    Finish(Box<Manifest>),
}

/// An archive being written: the async side sends files and their bytes,
/// a thread compresses and writes them. Dropped before `finish`, the
/// partial file is deleted.
pub struct Writer {
    pieces: mpsc::Sender<Piece>,
    done: tokio::sync::oneshot::Receiver<Result<Manifest, BackupError>>,
}

impl Writer {
    /// Starts writing the archive `out` (as `out.partial` until finished).
    pub fn create(out: &Path) -> Result<Writer, BackupError> {
        let partial = PathBuf::from(format!("{}.partial", out.display()));
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(BackupError::io(dir))?;
        }
        let file = crate::badges::create_private(&partial).map_err(BackupError::io(&partial))?;
        let (pieces, receiver) = mpsc::channel(4);
        let (result, done) = tokio::sync::oneshot::channel();
        let out = out.to_owned();
        std::thread::spawn(move || {
            let written = write(file, &partial, &out, receiver);
            if written.is_err() {
                let _ = std::fs::remove_file(&partial);
            }
            let _ = result.send(written);
        });
        Ok(Writer { pieces, done })
    }

    async fn send(&self, piece: Piece) -> Result<(), BackupError> {
        if self.pieces.send(piece).await.is_ok() {
            return Ok(());
        }
        Err(BackupError::Interrupted(
            "the archive could not be written".into(),
        ))
    }

    /// Starts the next file of the archive.
    pub async fn start(&self, name: String) -> Result<(), BackupError> {
        self.send(Piece::Start(name)).await
    }

    /// Adds bytes to the current file.
    pub async fn data(&self, bytes: Vec<u8>) -> Result<(), BackupError> {
        self.send(Piece::Data(bytes)).await
    }

    /// Writes the manifest (its file list filled in), closes the archive
    /// and moves it into place.
    pub async fn finish(self, manifest: Manifest) -> Result<Manifest, BackupError> {
        // A failed send means the thread stopped: its error is in `done`.
        let _ = self.pieces.send(Piece::Finish(Box::new(manifest))).await;
        drop(self.pieces);
        self.done
            .await
            .map_err(|_| BackupError::Interrupted("the archive writer stopped".into()))?
    }
}

/// The writing thread.
fn write(
    file: std::fs::File,
    partial: &Path,
    out: &Path,
    mut pieces: mpsc::Receiver<Piece>,
) -> Result<Manifest, BackupError> {
    let zip_error = |e: zip::result::ZipError| BackupError::Io {
        path: partial.to_owned(),
        source: std::io::Error::other(e),
    };
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600)
        .large_file(true)
        .last_modified_time(zip_time(chrono::Utc::now()));
    let mut files = BTreeMap::new();
    let mut current: Option<(String, Sha256, u64)> = None;
    let mut close = |current: &mut Option<(String, Sha256, u64)>| {
        if let Some((name, hasher, bytes)) = current.take() {
            files.insert(
                name,
                FileSum {
                    bytes,
                    sha256: hex(&hasher.finalize()),
                },
            );
        }
    };
    while let Some(piece) = pieces.blocking_recv() {
        match piece {
            Piece::Start(name) => {
                close(&mut current);
                zip.start_file(name.as_str(), options).map_err(zip_error)?;
                current = Some((name, Sha256::new(), 0));
            }
            Piece::Data(bytes) => {
                let Some((_, hasher, size)) = current.as_mut() else {
                    return Err(BackupError::Interrupted("bytes before a file".into()));
                };
                zip.write_all(&bytes).map_err(BackupError::io(partial))?;
                hasher.update(&bytes);
                *size += bytes.len() as u64;
            }
            Piece::Finish(manifest) => {
                close(&mut current);
                let mut manifest = *manifest;
                manifest.files = files;
                zip.start_file(MANIFEST, options).map_err(zip_error)?;
                let text = serde_json::to_vec_pretty(&manifest)
                    .map_err(|e| BackupError::Interrupted(e.to_string()))?;
                zip.write_all(&text).map_err(BackupError::io(partial))?;
                let file = zip
                    .finish()
                    .map_err(zip_error)?
                    .into_inner()
                    .map_err(|e| BackupError::io(partial)(e.into_error()))?;
                file.sync_all().map_err(BackupError::io(partial))?;
                std::fs::rename(partial, out).map_err(BackupError::io(out))?;
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
                    && let Ok(d) = std::fs::File::open(dir)
                {
                    let _ = d.sync_all();
                }
                return Ok(manifest);
            }
        }
    }
    Err(BackupError::Interrupted(
        "the backup stopped before it was complete".into(),
    ))
}

/// A zip entry's time (local time in zip; written as UTC, to the two
/// seconds zip keeps).
fn zip_time(at: chrono::DateTime<chrono::Utc>) -> zip::DateTime {
    use chrono::{Datelike as _, Timelike as _};
    zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default()
}

fn open(path: &Path) -> Result<zip::ZipArchive<std::io::BufReader<std::fs::File>>, BackupError> {
    let file = std::fs::File::open(path).map_err(BackupError::io(path))?;
    zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| BackupError::NotABackup {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Reads the manifest and every file, checking each against it; returns
/// the manifest. Reads at most the sizes the manifest states.
pub fn verify(path: &Path) -> Result<Manifest, BackupError> {
    let mut zip = open(path)?;
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: path.to_owned(),
        reason,
    };
    let damaged = |file: &str, reason: String| BackupError::Damaged {
        path: path.to_owned(),
        file: file.to_owned(),
        reason,
    };
    let manifest: Manifest = {
        let entry = zip
            .by_name(MANIFEST)
            .map_err(|_| not_a_backup(format!("it has no {MANIFEST}")))?;
        let mut text = Vec::new();
        entry
            .take(MANIFEST_LIMIT)
            .read_to_end(&mut text)
            .map_err(|e| damaged(MANIFEST, e.to_string()))?;
        serde_json::from_slice(&text).map_err(|e| not_a_backup(format!("{MANIFEST}: {e}")))?
    };
    if manifest.format != FORMAT {
        return Err(not_a_backup(format!("its format is {:?}", manifest.format)));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(not_a_backup(format!(
            "format version {} (this Polku reads {FORMAT_VERSION})",
            manifest.format_version
        )));
    }
    for table in &manifest.tables {
        let name = super::table_file(&table.table);
        if !super::TABLES.iter().any(|t| t.name == table.table) {
            return Err(not_a_backup(format!("unknown table {}", table.table)));
        }
        if !manifest.files.contains_key(&name) {
            return Err(damaged(&name, "missing from the manifest".into()));
        }
    }
    let names = zip
        .file_names()
        .map(|name| name.map(std::borrow::Cow::into_owned))
        .collect::<Result<Vec<String>, _>>()
        .map_err(|e| not_a_backup(e.to_string()))?;
    for name in &names {
        if name != MANIFEST && !manifest.files.contains_key(name) {
            return Err(damaged(name, "not in the manifest".into()));
        }
    }
    for (name, sum) in &manifest.files {
        let entry = zip
            .by_name(name)
            .map_err(|_| damaged(name, "missing".into()))?;
        let mut hasher = Sha256::new();
        let mut reader = entry.take(sum.bytes.saturating_add(1));
        let mut buffer = vec![0; 64 * 1024];
        let mut size = 0u64;
        loop {
            // The zip reader checks each file's CRC at its end.
            let n = reader
                .read(&mut buffer)
                .map_err(|e| damaged(name, e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            size += n as u64;
        }
        if size != sum.bytes {
            return Err(damaged(
                name,
                format!("{size} bytes, the manifest says {}", sum.bytes),
            ));
        }
        if hex(&hasher.finalize()) != sum.sha256 {
            return Err(damaged(
                name,
                "its SHA-256 differs from the manifest's".into(),
            ));
        }
    }
    Ok(manifest)
}

/// Reads one whole file of a checked archive.
pub fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, BackupError> {
    let mut zip = open(path)?;
    let mut entry = zip.by_name(name).map_err(|_| BackupError::Damaged {
        path: path.to_owned(),
        file: name.to_owned(),
        reason: "missing".into(),
    })?;
    let mut bytes = Vec::new();
    entry
        .read_to_end(&mut bytes)
        .map_err(BackupError::io(path))?;
    Ok(bytes)
}

/// What the reading thread sends.
enum Line {
    File,
    Row(Vec<u8>),
    End,
    Failed(BackupError),
}

/// The rows of an archive's table files, read by a thread in order.
pub struct Rows {
    lines: mpsc::Receiver<Line>,
}

impl Rows {
    /// Starts reading `files` of the archive at `path`, one after another.
    pub fn spawn(path: &Path, files: Vec<String>) -> Rows {
        let (sender, lines) = mpsc::channel(256);
        let path = path.to_owned();
        std::thread::spawn(move || {
            if let Err(err) = read_rows(&path, &files, &sender) {
                let _ = sender.blocking_send(Line::Failed(err));
            }
        });
        Rows { lines }
    }

    async fn next(&mut self) -> Result<Line, BackupError> {
        match self.lines.recv().await {
            Some(Line::Failed(err)) => Err(err),
            Some(line) => Ok(line),
            None => Err(BackupError::Interrupted(
                "the archive reader stopped".into(),
            )),
        }
    }

    /// Moves to the next file.
    pub async fn next_file(&mut self) -> Result<(), BackupError> {
        match self.next().await? {
            Line::File => Ok(()),
            _ => Err(BackupError::Interrupted("rows out of order".into())),
        }
    }

    /// The current file's next line, `None` at its end.
    pub async fn next_line(&mut self) -> Result<Option<Vec<u8>>, BackupError> {
        match self.next().await? {
            Line::Row(row) => Ok(Some(row)),
            Line::End => Ok(None),
            _ => Err(BackupError::Interrupted("rows out of order".into())),
        }
    }
}

fn read_rows(path: &Path, files: &[String], out: &mpsc::Sender<Line>) -> Result<(), BackupError> {
    let mut zip = open(path)?;
    for name in files {
        let entry = zip.by_name(name).map_err(|_| BackupError::Damaged {
            path: path.to_owned(),
            file: name.clone(),
            reason: "missing".into(),
        })?;
        if out.blocking_send(Line::File).is_err() {
            return Ok(());
        }
        let mut reader = std::io::BufReader::new(entry);
        loop {
            let mut line = Vec::new();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(BackupError::io(path))?;
            if n == 0 {
                break;
            }
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            if line.is_empty() {
                continue;
            }
            if out.blocking_send(Line::Row(line)).is_err() {
                return Ok(());
            }
        }
        if out.blocking_send(Line::End).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

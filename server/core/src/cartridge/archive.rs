//! A cartridge's zip archive, read defensively: every name is checked
//! before anything is read (a name that leads outside the archive refuses
//! the whole file), and every read is bounded by what is actually
//! decompressed, not by the sizes the archive declares.

use std::collections::BTreeMap;
use std::io::{Read, Seek};

use super::CartridgeError;

/// At most this many entries.
pub const MOST_ENTRIES: usize = 20_000;
/// At most this much in one file, decompressed (a lesson page, a picture).
pub const MOST_FILE_BYTES: u64 = 64 << 20;
/// At most this much read from one archive in all, decompressed.
pub const MOST_TOTAL_BYTES: u64 = 512 << 20;
/// The largest `imsmanifest.xml` read.
pub const MOST_MANIFEST_BYTES: u64 = 4 << 20;
/// A file that declares more than this many times its compressed size
/// (and over 1 MiB) is a zip bomb's member, not course material.
const MOST_RATIO: u64 = 200;

/// An opened cartridge.
pub struct Archive<R> {
    zip: zip::ZipArchive<R>,
    /// Each file's path in the archive (`/`-separated, no leading `./`) and
    /// its index.
    names: BTreeMap<String, usize>,
    read: u64,
}

impl<R: Read + Seek> Archive<R> {
    /// Opens `reader` and checks every entry's name and declared size.
    pub fn open(reader: R) -> Result<Archive<R>, CartridgeError> {
        let mut zip =
            zip::ZipArchive::new(reader).map_err(|e| CartridgeError::NotZip(e.to_string()))?;
        if zip.len() > MOST_ENTRIES {
            return Err(CartridgeError::TooManyFiles(zip.len()));
        }
        let mut names = BTreeMap::new();
        let mut declared = 0u64;
        for index in 0..zip.len() {
            let entry = zip
                .by_index_raw(index)
                .map_err(|e| CartridgeError::NotZip(e.to_string()))?;
            let raw = entry
                .name()
                .map_err(|e| CartridgeError::NotZip(e.to_string()))?
                .into_owned();
            // Stricter than the zip crate's `enclosed_name`, which takes
            // `/etc/x` as `etc/x` and `a/../b` as `b`: a cartridge has
            // no reason for either.
            let parts: Vec<&str> = raw
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .collect();
            let hostile = raw.starts_with('/')
                || raw.contains(['\\', '\0'])
                || parts.first().is_some_and(|p| p.contains(':'))
                || parts.contains(&"..");
            if hostile || entry.is_symlink() {
                return Err(CartridgeError::Traversal(raw));
            }
            if entry.is_dir() {
                continue;
            }
            let size = entry.size();
            if size > MOST_FILE_BYTES
                || (size > 1 << 20 && size / entry.compressed_size().max(1) > MOST_RATIO)
            {
                return Err(CartridgeError::TooLarge(raw));
            }
            declared = declared.saturating_add(size);
            let name = parts.join("/");
            names.insert(name, index);
        }
        if declared > MOST_TOTAL_BYTES {
            return Err(CartridgeError::TooLarge("the archive".into()));
        }
        Ok(Archive {
            zip,
            names,
            read: 0,
        })
    }

    /// Whether the archive has the file `name`.
    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Every file's path.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    /// The bytes of `name`, at most `limit` of them (else
    /// [`CartridgeError::TooLarge`]); `None` when there is no such file.
    pub fn read(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, CartridgeError> {
        let Some(&index) = self.names.get(name) else {
            return Ok(None);
        };
        let entry = self
            .zip
            .by_index(index)
            .map_err(|e| CartridgeError::Damaged(name.to_owned(), e.to_string()))?;
        let limit = limit.min(MOST_FILE_BYTES);
        let mut bytes = Vec::new();
        entry
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CartridgeError::Damaged(name.to_owned(), e.to_string()))?;
        let len = bytes.len() as u64;
        self.read = self.read.saturating_add(len);
        if len > limit || self.read > MOST_TOTAL_BYTES {
            return Err(CartridgeError::TooLarge(name.to_owned()));
        }
        Ok(Some(bytes))
    }
}

/// `path` (a reference in the file `base`, both archive paths) resolved to
/// an archive path; `None` when it leads outside the archive or is not a
/// path (a web address, `data:`).
pub fn resolve(base: &str, path: &str) -> Option<String> {
    let path = path.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() || path.contains(':') || path.starts_with('/') || path.starts_with('\\') {
        return None;
    }
    let decoded = percent_decode(path);
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop(); // the file's own name
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    (!joined.is_empty()).then_some(joined)
}

/// `%20` and friends decoded (what HTML pages write in their references).
fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| text.to_owned(), |(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_inside_the_archive_only() {
        assert_eq!(
            resolve("wiki_content/page.html", "../web_resources/a%20b.png").as_deref(),
            Some("web_resources/a b.png")
        );
        assert_eq!(
            resolve("x/page.html", "img/a.png#top").as_deref(),
            Some("x/img/a.png")
        );
        assert_eq!(resolve("page.html", "../../etc/passwd"), None);
        assert_eq!(resolve("page.html", "https://example.org/a.png"), None);
        assert_eq!(resolve("page.html", "/etc/passwd"), None);
        assert_eq!(resolve("page.html", "data:image/png;base64,AA"), None);
        assert_eq!(
            resolve("a/page.html", "c++.png").as_deref(),
            Some("a/c++.png")
        );
    }
}

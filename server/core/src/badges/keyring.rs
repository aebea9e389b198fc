//! The issuer's signing keys and its `did:web` identity.
//!
//! Keys live in one JSON file outside the database and the repository
//! (readable by its owner only, `0600`), created with a first key when
//! missing. Rotation adds a new key for signing and keeps the old ones:
//! their public halves stay in the DID document, so badges signed before
//! keep verifying. Several server instances must share the file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde_json::{Value, json};

use super::proof::IssuerKey;

/// Why the keyring cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// Reading or writing the file failed.
    #[error("issuer keys {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a keyring.
    #[error("issuer keys {}: not a Polku keyring ({reason})", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Others than the owner may read the file.
    #[error("issuer keys {}: readable by other users (mode {mode:o}); make it private: chmod 600", path.display())]
    Exposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// No randomness for a new key.
    #[error("no randomness for a new key: {0}")]
    Random(String),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct StoredKey {
    /// `key-1`, `key-2`, … (the fragment of its verification method).
    id: String,
    /// The private key as a Multikey.
    secret: String,
    created: DateTime<Utc>,
    /// When a newer key took over signing.
    retired: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct File {
    keys: Vec<StoredKey>,
}

/// A public key as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// `key-1`, …
    pub id: String,
    /// The public key as a Multikey (`z6Mk…`).
    pub multibase: String,
    pub created: DateTime<Utc>,
    pub retired: Option<DateTime<Utc>>,
}

/// The issuer's keys.
pub struct Keyring {
    path: PathBuf,
    keys: Vec<(StoredKey, IssuerKey)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Keyring({}, {} keys)",
            self.path.display(),
            self.keys.len()
        )
    }
}

impl Keyring {
    /// Opens the keyring at `path`, creating it with a first key if the
    /// file does not exist.
    pub fn open_or_create(path: &Path) -> Result<Keyring, KeyringError> {
        let io = |source| KeyringError::Io {
            path: path.to_owned(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_private(path)?;
                let file: File =
                    serde_json::from_str(&text).map_err(|e| KeyringError::Invalid {
                        path: path.to_owned(),
                        reason: e.to_string(),
                    })?;
                let mut keys = Vec::new();
                for stored in file.keys {
                    let key =
                        IssuerKey::from_secret_multibase(&stored.secret).ok_or_else(|| {
                            KeyringError::Invalid {
                                path: path.to_owned(),
                                reason: format!("{}: not an Ed25519 private Multikey", stored.id),
                            }
                        })?;
                    keys.push((stored, key));
                }
                if keys.is_empty() {
                    return Err(KeyringError::Invalid {
                        path: path.to_owned(),
                        reason: "no keys".into(),
                    });
                }
                Ok(Keyring {
                    path: path.to_owned(),
                    keys,
                })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut ring = Keyring {
                    path: path.to_owned(),
                    keys: Vec::new(),
                };
                ring.add_key()?;
                Ok(ring)
            }
            Err(err) => Err(io(err)),
        }
    }

    /// Adds a new key for signing; the current one is retired (and stays
    /// published). Returns the new key's id.
    pub fn rotate(&mut self) -> Result<String, KeyringError> {
        self.add_key()
    }

    fn add_key(&mut self) -> Result<String, KeyringError> {
        let key = IssuerKey::generate().map_err(|e| KeyringError::Random(e.to_string()))?;
        let now = Utc::now();
        let number = self
            .keys
            .iter()
            .filter_map(|(s, _)| s.id.strip_prefix("key-")?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let id = format!("key-{number}");
        let mut keys: Vec<StoredKey> = self.keys.iter().map(|(s, _)| s.clone()).collect();
        for stored in &mut keys {
            stored.retired.get_or_insert(now);
        }
        keys.push(StoredKey {
            id: id.clone(),
            secret: key.secret_multibase(),
            created: now,
            retired: None,
        });
        write_private(&self.path, &File { keys: keys.clone() })?;
        let mut rebuilt = Vec::new();
        for stored in keys {
            let k = IssuerKey::from_secret_multibase(&stored.secret).ok_or_else(|| {
                KeyringError::Invalid {
                    path: self.path.clone(),
                    reason: "a key just written cannot be read".into(),
                }
            })?;
            rebuilt.push((stored, k));
        }
        self.keys = rebuilt;
        Ok(id)
    }

    /// The file the keyring is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the key file is still there, private, readable and holds
    /// the key in use (what a server restarted now would sign with).
    pub fn check_file(&self) -> Result<(), KeyringError> {
        if !self.path.is_file() {
            return Err(KeyringError::Io {
                path: self.path.clone(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        let on_disk = Keyring::open_or_create(&self.path)?;
        let (id, _) = self.current();
        if on_disk.keys.iter().any(|(stored, _)| stored.id == id) {
            Ok(())
        } else {
            Err(KeyringError::Invalid {
                path: self.path.clone(),
                reason: format!("the key in use, {id}, is not in it"),
            })
        }
    }

    /// The key that signs now: (id, key).
    pub fn current(&self) -> (&str, &IssuerKey) {
        let (stored, key) = self
            .keys
            .iter()
            .rev()
            .find(|(s, _)| s.retired.is_none())
            .or(self.keys.last())
            .unwrap_or_else(|| unreachable!("a keyring always has a key"));
        (&stored.id, key)
    }

    /// Every key's public half, oldest first.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys
            .iter()
            .map(|(s, k)| PublicKey {
                id: s.id.clone(),
                multibase: k.public_multibase(),
                created: s.created,
                retired: s.retired,
            })
            .collect()
    }

    /// The public key with id `id` (`key-1`), retired or not.
    pub fn find(&self, id: &str) -> Option<VerifyingKey> {
        self.keys
            .iter()
            .find(|(s, _)| s.id == id)
            .map(|(_, k)| k.verifying_key())
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), KeyringError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|source| KeyringError::Io {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyringError::Exposed {
            path: path.to_owned(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), KeyringError> {
    Ok(())
}

/// Writes `file` to `path` readable by the owner only, atomically.
fn write_private(path: &Path, file: &File) -> Result<(), KeyringError> {
    let text = serde_json::to_string_pretty(file).map_err(|e| KeyringError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    })?;
    write_private_file(path, text.as_bytes()).map_err(|source| KeyringError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Creates (or truncates) `path` readable and writable by its owner only.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // An existing file keeps its mode when opened: set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Writes `bytes` to `path` readable by the owner only, atomically (a
/// temporary file renamed over it, both synced): a crash leaves the old
/// file or the new one, never half of one.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = path.with_extension("tmp");
    let mut out = create_private(&temporary)?;
    out.write_all(bytes)?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(&temporary, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The `did:web` DID of a site served at `public_url`
/// (`https://polku.example/x` → `did:web:polku.example:x`; a port is
/// written `%3A`).
pub fn did_web(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest)
        .trim_end_matches('/');
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for part in path.split('/').filter(|p| !p.is_empty()) {
        did.push(':');
        did.push_str(part);
    }
    did
}

/// The DID document of `did` with `keys`: every key is a Multikey
/// verification method usable for assertions (issuing), so badges signed
/// with a retired key keep verifying.
pub fn did_document(did: &str, keys: &[PublicKey]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "id": format!("{did}#{}", k.id),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": k.multibase,
            })
        })
        .collect();
    let ids: Vec<Value> = keys
        .iter()
        .map(|k| Value::String(format!("{did}#{}", k.id)))
        .collect();
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

#[cfg(test)]
mod tests {
    use super::did_web;

    #[test]
    fn did_web_of_urls() {
        assert_eq!(did_web("https://polku.example"), "did:web:polku.example");
        assert_eq!(did_web("https://polku.example/"), "did:web:polku.example");
        assert_eq!(
            did_web("http://127.0.0.1:3000/"),
            "did:web:127.0.0.1%3A3000"
        );
        assert_eq!(
            did_web("https://kunta.example/polku/"),
            "did:web:kunta.example:polku"
        );
    }
}

/// The deployment as a badge issuer: its `did:web` identity and keys.
#[derive(Debug)]
pub struct Issuer {
    /// `did:web:…` of the public address.
    pub did: String,
    /// The signing keys.
    pub keyring: Keyring,
    /// The revocation list as last signed with these keys (see
    /// [`super::revoke::published_list`]).
    pub(crate) status_list: super::revoke::PublishedList,
    /// Badges also name their holder by a salted hash of her confirmed
    /// e-mail address (see [`super::issue`]).
    pub email_recipients: bool,
}

impl Issuer {
    /// The issuer of a site at `public_url` with the keyring at `path`
    /// (created if missing).
    pub fn open(public_url: &str, path: &Path) -> Result<Issuer, KeyringError> {
        Ok(Issuer {
            did: did_web(public_url),
            keyring: Keyring::open_or_create(path)?,
            status_list: super::revoke::PublishedList::default(),
            email_recipients: false,
        })
    }

    /// The DID document to publish at `/.well-known/did.json`.
    pub fn did_document(&self) -> Value {
        did_document(&self.did, &self.keyring.public_keys())
    }
}

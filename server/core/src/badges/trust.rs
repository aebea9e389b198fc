//! Whom a badge check can vouch for: this site, and the issuers its admin
//! trusts (the trust list), with what was fetched from them.
//!
//! A valid signature proves only that the holder of some key signed the
//! badge. Who that is comes from here, never from the badge: this site's
//! own `did:web` and keys, and the issuers on the trust list, each with
//! the name this site gives it (`did:web:polku.kemi.fi` → "Kemin
//! kaupunki"). Anyone else's badge, however well signed, is "issuer not
//! verified", and a revocation list counts only when its issuer is the
//! badge's verified issuer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ed25519_dalek::VerifyingKey;
use serde::Deserialize;
use serde_json::Value;

use super::keyring::Issuer;
use super::proof::did_key;
use super::status::StatusList;

/// The issuers this site's admin trusts: DID → the name shown for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustList {
    names: BTreeMap<String, String>,
}

/// One entry of a trust file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    did: String,
    name: String,
}

/// A trust file: `[[issuer]]` tables of `did` and `name`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    #[serde(default)]
    issuer: Vec<Entry>,
}

/// The longest name kept for an issuer.
const MAX_NAME: usize = 200;

impl TrustList {
    /// An empty list: only this site's own badges verify as valid.
    pub fn new() -> TrustList {
        TrustList::default()
    }

    /// Adds (or renames) issuer `did`. Only `did:web` and `did:key`
    /// issuers can be checked.
    pub fn insert(&mut self, did: &str, name: &str) -> Result<(), String> {
        let did = did.trim();
        let name = name.trim();
        if !(did.starts_with("did:web:") && did.len() > 8
            || did.starts_with("did:key:z") && did_key(&format!("{did}#{}", &did[8..])).is_some())
        {
            return Err(format!(
                "\"{did}\" is not a did:web or did:key issuer this site can check"
            ));
        }
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(format!(
                "the name of {did} must be 1 to {MAX_NAME} characters"
            ));
        }
        self.names.insert(did.to_owned(), name.to_owned());
        Ok(())
    }

    /// Reads a trust file (TOML). `path` names the file in errors, with
    /// the line of the problem.
    ///
    /// ```toml
    /// [[issuer]]
    /// did = "did:web:polku.kemi.fi"
    /// name = "Kemin kaupunki"
    /// ```
    pub fn parse(text: &str, path: &str) -> Result<TrustList, String> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let file: TrustFile = toml::from_str(text).map_err(|err| {
            let line = err.span().map_or(1, |s| line_of(s.start));
            format!("{path}:{line}: {}", err.message())
        })?;
        let mut list = TrustList::new();
        for entry in file.issuer {
            // The entry's line, for the error.
            let at = text.find(&entry.did).map_or(1, line_of);
            list.insert(&entry.did, &entry.name)
                .map_err(|problem| format!("{path}:{at}: {problem}"))?;
        }
        Ok(list)
    }

    /// The name this site gives issuer `did`, if it trusts it.
    pub fn name(&self, did: &str) -> Option<&str> {
        self.names.get(did).map(String::as_str)
    }

    /// Every trusted issuer: (DID, name), by DID.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names.iter().map(|(d, n)| (d.as_str(), n.as_str()))
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A trusted issuer's revocation list as fetched (its proof checked and
/// its issuer the one named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedList {
    /// The DID that signed the list.
    pub issuer: String,
    /// The list.
    pub revoked: StatusList,
    /// When it was fetched (RFC 3339, UTC).
    pub checked_at: String,
}

/// What was fetched from trusted issuers for one check: the keys of
/// their `did:web` documents (by verification method) and their
/// revocation lists (by URL).
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// Verification method (`did:web:…#key-1`) → key.
    pub keys: BTreeMap<String, VerifyingKey>,
    /// List URL → list.
    pub lists: BTreeMap<String, FetchedList>,
}

/// Where a DID stands for this site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// This site itself, with the name it issues under.
    ThisSite(String),
    /// An issuer on the trust list, with the name the list gives it.
    Trusted(String),
    /// Anyone else: a signature proves nothing about who they are.
    Unknown,
}

/// Everything a check can rely on: this site (keys, name, its revocation
/// list as read now), the trust list, and what was fetched for this check.
#[derive(Debug, Clone)]
pub struct Known {
    /// This site's identity and keys.
    pub site: Arc<Issuer>,
    /// The name this site issues under.
    pub site_name: String,
    /// The URL of this site's revocation list.
    pub own_list_url: String,
    /// The entries set in it, read now.
    pub own_revoked: BTreeSet<usize>,
    /// The issuers this site trusts.
    pub trusted: TrustList,
    /// Keys and lists fetched from trusted issuers.
    pub fetched: Fetched,
}

impl Known {
    /// This site alone, with its revocation list empty and nobody trusted
    /// (offline checks; [`super::revoke::known`] reads the list).
    pub fn site(site: Arc<Issuer>, site_name: &str, public_url: &str) -> Known {
        Known {
            site,
            site_name: site_name.to_owned(),
            own_list_url: super::issue::status_list_url(public_url),
            own_revoked: BTreeSet::new(),
            trusted: TrustList::new(),
            fetched: Fetched::default(),
        }
    }

    /// The key of verification method `method`, if this site can resolve
    /// it: one of its own, one fetched from a trusted issuer's DID
    /// document, or a `did:key` (which is its own key).
    pub fn key(&self, method: &str) -> Option<VerifyingKey> {
        if let Some(id) = method.strip_prefix(&format!("{}#", self.site.did)) {
            return self.site.keyring.find(id);
        }
        if let Some(key) = self.fetched.keys.get(method) {
            return Some(*key);
        }
        did_key(method)
    }

    /// Where `did` stands.
    pub fn standing(&self, did: &str) -> Standing {
        if did == self.site.did {
            Standing::ThisSite(self.site_name.clone())
        } else if let Some(name) = self.trusted.name(did) {
            Standing::Trusted(name.to_owned())
        } else {
            Standing::Unknown
        }
    }

    /// Whether entry `index` of the list at `url` is set, by a list whose
    /// issuer is `issuer` (the badge's verified issuer), and when that
    /// list was fetched (`None`: this site's own, read now). `None` when
    /// no such list is at hand.
    pub fn revoked(&self, issuer: &str, url: &str, index: usize) -> Option<(bool, Option<String>)> {
        if issuer == self.site.did && url == self.own_list_url {
            return Some((self.own_revoked.contains(&index), None));
        }
        let list = self.fetched.lists.get(url)?;
        (list.issuer == issuer).then(|| (list.revoked.get(index), Some(list.checked_at.clone())))
    }
}

/// The most verification methods read from one DID document.
const MAX_METHODS: usize = 32;

/// Whether `authority` (`host` or `host:port`) is this machine: only such
/// issuers may be fetched over plain HTTP (tests, local set-ups).
fn is_loopback(authority: &str) -> bool {
    match url::Url::parse(&format!("http://{authority}/")) {
        Ok(url) => match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        Err(_) => false,
    }
}

/// Where the DID document of the `did:web` issuer `did` is published
/// (`did:web:polku.kemi.fi` → `https://polku.kemi.fi/.well-known/did.json`;
/// a path after the host → `…/path/did.json`). HTTPS, or HTTP for a
/// loopback host only. `None` for anything else.
pub fn did_web_document_url(did: &str) -> Option<url::Url> {
    let rest = did.strip_prefix("did:web:")?;
    let mut parts = rest.split(':');
    let authority = parts.next()?.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    let plain = |s: &str| {
        !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '?', '#', '@', '%'])
    };
    if !plain(&authority.replace(':', "x")) || !path.iter().all(|p| plain(p)) {
        return None;
    }
    let scheme = if is_loopback(&authority) {
        "http"
    } else {
        "https"
    };
    let tail = if path.is_empty() {
        ".well-known/did.json".to_owned()
    } else {
        format!("{}/did.json", path.join("/"))
    };
    let url = url::Url::parse(&format!("{scheme}://{authority}/{tail}")).ok()?;
    (url.host_str().is_some() && url.username().is_empty()).then_some(url)
}

/// Whether `url` is on the same origin (scheme, host and port) as
/// `document`, the DID document URL of a trusted issuer: the only places
/// its revocation lists are fetched from.
pub fn same_origin(document: &url::Url, url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.origin() == document.origin())
}

/// The keys a DID document of `did` publishes for issuing: Multikey
/// verification methods of `did` listed under `assertionMethod`, by
/// method id (`did#key-1`). At most [`MAX_METHODS`].
pub fn document_keys(document: &Value, did: &str) -> BTreeMap<String, VerifyingKey> {
    let mut keys = BTreeMap::new();
    if document.get("id").and_then(Value::as_str) != Some(did) {
        return keys;
    }
    let asserting: BTreeSet<&str> = document
        .get("assertionMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().or_else(|| m.get("id").and_then(Value::as_str)))
        .collect();
    let prefix = format!("{did}#");
    let methods = document
        .get("verificationMethod")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            // Embedded methods under assertionMethod count too.
            document
                .get("assertionMethod")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|m| m.is_object()),
        )
        .take(MAX_METHODS);
    for method in methods {
        let text = |k: &str| method.get(k).and_then(Value::as_str);
        let (Some(id), Some(multibase)) = (text("id"), text("publicKeyMultibase")) else {
            continue;
        };
        if !id.starts_with(&prefix) || text("controller") != Some(did) || !asserting.contains(id) {
            continue;
        }
        if let Some(key) = super::proof::public_key_from_multibase(multibase) {
            keys.insert(id.to_owned(), key);
        }
    }
    keys
}

/// What a badge points at before it is checked: the DID whose key its
/// proof names, and the revocation lists it names (at most two of each;
/// nothing is trusted yet).
pub fn references(text: &str) -> (Option<String>, Vec<String>) {
    if text.len() > super::canon::MAX_BYTES {
        return (None, Vec::new());
    }
    let Ok(credential) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else {
        return (None, Vec::new());
    };
    let items = |v: Option<&Value>| -> Vec<Value> {
        match v {
            Some(Value::Array(items)) => items.iter().take(2).cloned().collect(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        }
    };
    let signer = items(credential.get("proof"))
        .iter()
        .find_map(|p| {
            p.get("verificationMethod")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .and_then(|m| m.split('#').next().map(str::to_owned));
    let lists = items(credential.get("credentialStatus"))
        .iter()
        .filter_map(|e| {
            e.get("statusListCredential")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    (signer, lists)
}

/// A revocation list credential fetched from `url`, accepted only when
/// its proof holds with `keys` (the issuer's published keys), its issuer
/// is `issuer`, it is the list at `url`, and it is for revocation.
pub fn fetched_list(
    credential: &Value,
    url: &str,
    issuer: &str,
    keys: &BTreeMap<String, VerifyingKey>,
    checked_at: String,
) -> Result<FetchedList, String> {
    let proof = super::proof::verify(credential, &|method: &str| keys.get(method).copied())
        .map_err(|e| format!("the list's proof: {e}"))?;
    let signer = proof
        .verification_method
        .split('#')
        .next()
        .unwrap_or_default();
    let named = credential
        .get("issuer")
        .and_then(|i| i.as_str().or_else(|| i.get("id").and_then(Value::as_str)));
    if signer != issuer || named != Some(issuer) {
        return Err(format!("the list at {url} is not {issuer}'s"));
    }
    if credential.get("id").and_then(Value::as_str) != Some(url) {
        return Err(format!("the list at {url} names another id"));
    }
    let subject = credential.get("credentialSubject").unwrap_or(&Value::Null);
    if subject.get("statusPurpose").and_then(Value::as_str) != Some("revocation") {
        return Err(format!("the list at {url} is not a revocation list"));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the list at {url} has no encodedList"))?;
    let revoked = super::status::StatusList::decode(encoded)
        .map_err(|e| format!("the list at {url}: {e}"))?;
    Ok(FetchedList {
        issuer: issuer.to_owned(),
        revoked,
        checked_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trust_file_is_read_strictly_with_lines() {
        let list = TrustList::parse(
            "[[issuer]]\ndid = \"did:web:polku.kemi.fi\"\nname = \" Kemin kaupunki \"\n",
            "trust.toml",
        )
        .unwrap();
        assert_eq!(list.name("did:web:polku.kemi.fi"), Some("Kemin kaupunki"));
        assert_eq!(list.name("did:web:polku.example"), None);
        let typo = TrustList::parse("[[issuer]]\ndid = \"did:web:a\"\nnmae = \"A\"\n", "t.toml");
        assert!(
            typo.as_ref().is_err_and(|e| e.starts_with("t.toml:3:")),
            "{typo:?}"
        );
        let bad = TrustList::parse(
            "[[issuer]]\ndid = \"did:web:a\"\nname = \"A\"\n\n[[issuer]]\ndid = \"https://b\"\nname = \"B\"\n",
            "t.toml",
        );
        assert!(
            bad.as_ref().is_err_and(|e| e.starts_with("t.toml:6:")),
            "{bad:?}"
        );
        assert!(TrustList::parse("", "t.toml").unwrap().is_empty());
    }
}

//! Verification between sites: for a badge whose key belongs to an issuer
//! on this site's trust list, fetch that issuer's `did:web` document (its
//! keys) and its revocation list, so the check can say "valid, issued by
//! Kemin kaupunki" or "revoked".
//!
//! Nothing is fetched for anyone else: only DIDs on the trust list are
//! resolved, only at the address their DID names (HTTPS; plain HTTP only
//! for a loopback host), and revocation lists only from that same origin
//! (no server-side request forgery through a badge). Every fetch has a
//! short timeout and a size limit, follows no redirects and uses no proxy.
//! DID documents are kept an hour; revocation lists as long as their
//! `Cache-Control: max-age` allows (at most an hour; the verdict says when
//! the list was fetched).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use polku_core::badges::trust::{
    Fetched, TrustList, did_web_document_url, document_keys, fetched_list, references, same_origin,
};
use serde_json::Value;

/// The largest DID document read.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// The largest revocation list credential read (a list of 131 072
/// entries, compressed, is a few kB; this leaves room for big ones).
pub const MAX_LIST_BYTES: usize = 256 * 1024;
/// How long a DID document is kept.
const DOCUMENT_TTL: Duration = Duration::from_secs(3600);
/// The longest a revocation list is kept, whatever its headers say.
const MAX_LIST_TTL: Duration = Duration::from_secs(3600);
/// Entries kept at most (the trust list is short; this bounds the rest).
const MAX_CACHED: usize = 256;

/// A fetched JSON document and when it was fetched.
#[derive(Debug, Clone)]
struct Cached {
    value: Arc<Value>,
    fetched_at: String,
    until: Instant,
}

/// The fetcher and its cache, shared by every request.
#[derive(Debug, Clone)]
pub struct Federation {
    client: reqwest::Client,
    trusted: Arc<TrustList>,
    cache: Arc<Mutex<HashMap<String, Cached>>>,
    /// Revocation lists are kept at most this long (0: fetched for every
    /// check).
    list_ttl_cap: Duration,
}

/// Why a fetch failed (said in the verdict's technical detail).
type FetchError = String;

impl Federation {
    /// A fetcher for the issuers on `trusted`, each request given at most
    /// `timeout`; revocation lists kept at most `list_ttl_cap`.
    pub fn new(
        trusted: Arc<TrustList>,
        timeout: Duration,
        list_ttl_cap: Duration,
    ) -> Result<Federation, String> {
        // One TLS provider for the process: ring, which builds with a plain
        // C compiler (aws-lc-rs, the provider with post-quantum key
        // exchange, needs more to build; these fetches carry public data).
        // Installing twice is fine.
        #[expect(
            deprecated,
            reason = "ring has no post-quantum key exchange; see above"
        )]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!(
                "Polku/",
                env!("CARGO_PKG_VERSION"),
                " (badge verifier)"
            ))
            .build()
            .map_err(|e| format!("the HTTP client: {e}"))?;
        Ok(Federation {
            client,
            trusted,
            cache: Arc::new(Mutex::new(HashMap::new())),
            list_ttl_cap: list_ttl_cap.min(MAX_LIST_TTL),
        })
    }

    /// The trust list.
    pub fn trusted(&self) -> &Arc<TrustList> {
        &self.trusted
    }

    /// What the check of badge `text` needs from its issuer, when that
    /// issuer is a trusted `did:web`: its keys and its revocation lists.
    /// Empty for any other badge; a fetch that fails leaves its part out
    /// (the check then says "not checked" for it) and is logged.
    pub async fn fetch_for(&self, text: &str) -> Fetched {
        let mut fetched = Fetched::default();
        // Most sites trust nobody: no need to read the badge here.
        if self.trusted.is_empty() {
            return fetched;
        }
        let (Some(did), lists) = references(text) else {
            return fetched;
        };
        if !did.starts_with("did:web:") || self.trusted.name(&did).is_none() {
            return fetched;
        }
        let Some(document_url) = did_web_document_url(&did) else {
            return fetched;
        };
        let document = match self
            .get_json(
                document_url.as_str(),
                MAX_DOCUMENT_BYTES,
                Some(DOCUMENT_TTL),
            )
            .await
        {
            Ok((document, _)) => document,
            Err(err) => {
                tracing::warn!(%did, error = %err, "a trusted issuer's DID document");
                return fetched;
            }
        };
        fetched.keys = document_keys(&document, &did);
        for url in lists {
            if !same_origin(&document_url, &url) {
                tracing::debug!(%did, %url, "a revocation list elsewhere than its issuer is not fetched");
                continue;
            }
            match self.get_json(&url, MAX_LIST_BYTES, None).await {
                Ok((list, fetched_at)) => {
                    match fetched_list(&list, &url, &did, &fetched.keys, fetched_at) {
                        Ok(list) => {
                            fetched.lists.insert(url, list);
                        }
                        Err(err) => {
                            tracing::warn!(%did, error = %err, "a trusted issuer's revocation list")
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(%did, %url, error = %err, "a trusted issuer's revocation list")
                }
            }
        }
        fetched
    }

    /// `url` as JSON, from the cache while it is fresh. `ttl`: how long to
    /// keep it (`None`: as its `Cache-Control` says, capped).
    async fn get_json(
        &self,
        url: &str,
        limit: usize,
        ttl: Option<Duration>,
    ) -> Result<(Arc<Value>, String), FetchError> {
        let now = Instant::now();
        if let Some(hit) = self.cache_get(url, now) {
            return Ok((hit.value, hit.fetched_at));
        }
        let mut response = self
            .client
            .get(url)
            .header(
                http::header::ACCEPT,
                "application/json, application/did+json",
            )
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(format!(
                "{url} redirects ({status}); redirects are not followed"
            ));
        }
        if !status.is_success() {
            return Err(format!("{url} answered {status}"));
        }
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(format!("{url} is larger than {limit} bytes"));
        }
        let max_age = max_age(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(format!("{url} is larger than {limit} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let value: Value =
            serde_json::from_slice(&body).map_err(|e| format!("{url} is not JSON: {e}"))?;
        let value = Arc::new(value);
        let fetched_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let keep = ttl.unwrap_or_else(|| max_age.min(self.list_ttl_cap));
        if !keep.is_zero() {
            self.cache_put(
                url,
                Cached {
                    value: value.clone(),
                    fetched_at: fetched_at.clone(),
                    until: now + keep,
                },
            );
        }
        Ok((value, fetched_at))
    }

    fn cache_get(&self, url: &str, now: Instant) -> Option<Cached> {
        let cache = self.cache.lock().ok()?;
        cache.get(url).filter(|c| c.until > now).cloned()
    }

    fn cache_put(&self, url: &str, entry: Cached) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= MAX_CACHED {
                let now = Instant::now();
                cache.retain(|_, c| c.until > now);
                if cache.len() >= MAX_CACHED {
                    cache.clear();
                }
            }
            cache.insert(url.to_owned(), entry);
        }
    }
}

/// `Cache-Control: max-age` (0 for `no-store` / `no-cache` or none).
fn max_age(headers: &http::HeaderMap) -> Duration {
    let Some(value) = headers
        .get(http::header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
    else {
        return Duration::ZERO;
    };
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Duration::ZERO;
        }
        if let Some(seconds) = lower.strip_prefix("max-age=") {
            age = seconds.trim_matches('"').parse::<u64>().ok();
        }
    }
    age.map_or(Duration::ZERO, Duration::from_secs)
}

/// A fetch error in a few words.
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        err.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_and_no_store_wins() {
        let mut h = http::HeaderMap::new();
        assert_eq!(max_age(&h), Duration::ZERO);
        h.insert(
            http::header::CACHE_CONTROL,
            "public, max-age=60".parse().unwrap(),
        );
        assert_eq!(max_age(&h), Duration::from_secs(60));
        h.insert(
            http::header::CACHE_CONTROL,
            "max-age=60, no-store".parse().unwrap(),
        );
        assert_eq!(max_age(&h), Duration::ZERO);
    }
}

//! Revocation as a W3C Bitstring Status List (v1.0): one bit per issued
//! badge, published as a credential. A badge's `credentialStatus` names the
//! list and its index; a set bit means revoked.
//!
//! The list is GZIP-compressed and written as multibase base64url without
//! padding (`u…`); bit 0 is the most significant bit of the first byte; a
//! list holds at least [`MIN_BITS`] entries, so that one badge's status
//! says little about which badge it is.

use std::io::{Read as _, Write as _};

use base64::Engine as _;
use serde_json::{Value, json};

/// The smallest list the specification allows (16 KiB).
pub const MIN_BITS: usize = 131_072;
/// The largest decoded list accepted from elsewhere (a gzip bomb guard).
const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// Why a published list cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// Not `u` + base64url.
    #[error("the status list is not multibase base64url (it must start with u)")]
    Encoding,
    /// Not GZIP, or broken.
    #[error("the status list cannot be decompressed")]
    Compression,
    /// Larger than allowed when decompressed.
    #[error("the status list is too large")]
    TooLarge,
    /// Shorter than the specification's minimum.
    #[error("the status list is shorter than {MIN_BITS} entries")]
    TooShort,
}

/// A revocation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of `bits` entries (at least [`MIN_BITS`]), none set.
    pub fn new(bits: usize) -> StatusList {
        StatusList {
            bytes: vec![0; bits.max(MIN_BITS).div_ceil(8)],
        }
    }

    /// Entries in the list.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Always false: a list has at least [`MIN_BITS`] entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether entry `index` is set (false past the end).
    pub fn get(&self, index: usize) -> bool {
        self.bytes
            .get(index / 8)
            .is_some_and(|b| b & (0x80 >> (index % 8)) != 0)
    }

    /// Sets or clears entry `index`, growing the list if needed.
    pub fn set(&mut self, index: usize, on: bool) {
        if index / 8 >= self.bytes.len() {
            self.bytes.resize(index / 8 + 1, 0);
        }
        let mask = 0x80 >> (index % 8);
        if on {
            self.bytes[index / 8] |= mask;
        } else {
            self.bytes[index / 8] &= !mask;
        }
    }

    /// The `encodedList` value.
    pub fn encode(&self) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(&self.bytes);
        let compressed = gz.finish().unwrap_or_default();
        format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
        )
    }

    /// Reads an `encodedList`.
    pub fn decode(encoded: &str) -> Result<StatusList, StatusError> {
        let data = encoded.strip_prefix('u').ok_or(StatusError::Encoding)?;
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(data.trim_end_matches('='))
            .map_err(|_| StatusError::Encoding)?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .take(MAX_DECODED_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| StatusError::Compression)?;
        if bytes.len() > MAX_DECODED_BYTES {
            return Err(StatusError::TooLarge);
        }
        if bytes.len() * 8 < MIN_BITS {
            return Err(StatusError::TooShort);
        }
        Ok(StatusList { bytes })
    }
}

/// The `credentialStatus` of the badge at `index` of the list at `list_url`.
pub fn entry(list_url: &str, index: usize) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// The (unsigned) status list credential published at `list_url` by
/// `issuer`, valid from `valid_from` (RFC 3339).
pub fn list_credential(list_url: &str, issuer: &str, valid_from: &str, list: &StatusList) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": list.encode(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_counted_from_the_most_significant_bit_of_the_first_byte() {
        let mut list = StatusList::new(10);
        assert_eq!(list.len(), MIN_BITS);
        list.set(0, true);
        list.set(9, true);
        assert_eq!(&list.bytes[..2], &[0x80, 0x40]);
        assert!(list.get(0) && list.get(9) && !list.get(1) && !list.get(MIN_BITS + 5));
        list.set(0, false);
        assert!(!list.get(0));
        list.set(MIN_BITS + 3, true);
        assert!(list.get(MIN_BITS + 3));
    }

    #[test]
    fn encoded_lists_round_trip_and_bad_ones_are_refused() {
        let mut list = StatusList::new(MIN_BITS);
        for i in [0, 7, 8, 12_345, MIN_BITS - 1] {
            list.set(i, true);
        }
        let encoded = list.encode();
        assert!(encoded.starts_with('u'));
        assert!(
            encoded.len() < 1_000,
            "an almost empty list compresses well"
        );
        assert_eq!(StatusList::decode(&encoded), Ok(list));
        assert_eq!(StatusList::decode("xabc"), Err(StatusError::Encoding));
        assert_eq!(StatusList::decode("u!!!"), Err(StatusError::Encoding));
        assert_eq!(StatusList::decode("uAAAA"), Err(StatusError::Compression));
        let short = StatusList {
            bytes: vec![0; 100],
        }
        .encode();
        assert_eq!(StatusList::decode(&short), Err(StatusError::TooShort));
        // A gzip bomb: 64 MiB of zeros compress to some 64 KiB.
        let bomb = StatusList {
            bytes: vec![0; 64 * 1024 * 1024],
        }
        .encode();
        assert_eq!(StatusList::decode(&bomb), Err(StatusError::TooLarge));
    }

    #[test]
    fn the_entry_and_the_list_credential_name_each_other() {
        let url = "https://polku.example/badges/status/1";
        let e = entry(url, 42);
        assert_eq!(e["statusListIndex"], "42");
        assert_eq!(e["statusListCredential"], url);
        let c = list_credential(
            url,
            "did:web:polku.example",
            "2026-01-01T00:00:00Z",
            &StatusList::new(0),
        );
        assert_eq!(c["id"], url);
        assert_eq!(c["credentialSubject"]["type"], "BitstringStatusList");
    }
}

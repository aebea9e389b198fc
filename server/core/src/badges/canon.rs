//! JSON-LD to canonical N-Quads (RDFC-1.0), offline and bounded.
//!
//! * Contexts come only from the bundled copies in `contexts/`; any other
//!   URL is an error (never fetched).
//! * Undefined terms are refused, as the JavaScript libraries' "safe mode"
//!   does: the document is read with a trailing `{"@vocab": PROBE}`, and
//!   any term that lands under `PROBE` is one no context defines (it would
//!   otherwise be dropped silently, unsigned). When none does, those
//!   statements are the document's own and are the ones canonicalised.
//! * Limits: the document's size, its nesting, the number of statements,
//!   the work of RDFC-1.0's blank node labelling (which is exponential for
//!   crafted input), and the time spent turning JSON-LD into statements
//!   (checked between statements, so a document whose contexts make each
//!   statement expensive is stopped too).

use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use serde_json::Value;
use sha2::Sha256;

/// Largest document accepted, in bytes of JSON.
pub const MAX_BYTES: usize = 256 * 1024;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 32;
/// Most JSON values (objects, arrays, strings, numbers…) accepted. JSON-LD
/// processing holds far more than the JSON text per value (some 1 KiB for
/// an empty object), so this is checked before it starts; 1EdTech's
/// "complete" sample badge has 553.
pub const MAX_VALUES: usize = 5_000;
/// Most statements (quads) accepted.
pub const MAX_QUADS: usize = 5_000;
/// Longest time reading one document's statements may take.
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(1);
/// RDFC-1.0's hash-n-degree-quads calls allowed.
const HNDQ_CALL_LIMIT: usize = 10_000;

const PROBE: &str = "urn:polku:undefined-term#";
/// How the loader reports a context that is not bundled.
const NOT_BUNDLED: &str = "context not bundled: ";

/// The contexts Polku knows: URL → JSON.
pub const CONTEXTS: &[(&str, &str)] = &[
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("contexts/credentials-v2.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("contexts/ob-context-3.0.3.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("contexts/ob-extensions.json"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("contexts/multikey-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("contexts/data-integrity-v2.jsonld"),
    ),
];

/// Why a document cannot be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonError {
    /// Larger than [`MAX_BYTES`].
    #[error("the document is too large (more than {MAX_BYTES} bytes)")]
    TooLarge,
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("the document is nested too deeply (more than {MAX_DEPTH} levels)")]
    TooDeep,
    /// More than [`MAX_VALUES`] values or [`MAX_QUADS`] statements, or too
    /// much labelling work.
    #[error("the document is too complex to check")]
    TooComplex,
    /// Reading its statements took longer than [`MAX_TIME`].
    #[error("the document took too long to check")]
    TooSlow,
    /// A context that is not bundled.
    #[error("unknown JSON-LD context: {0}")]
    UnknownContext(String),
    /// A property or type that no context defines.
    #[error("a term is not defined by the credential's contexts: {0}")]
    UndefinedTerm(String),
    /// An `id` that is not an absolute IRI.
    #[error("an id is not an absolute IRI: {0}")]
    RelativeId(String),
    /// Not valid JSON-LD.
    #[error("not valid JSON-LD: {0}")]
    Invalid(String),
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The number of values in `value` (itself included), counted up to just
/// past `limit`.
fn values(value: &Value, limit: usize) -> usize {
    let mut count = 1;
    let children: Box<dyn Iterator<Item = &Value>> = match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => return count,
    };
    for child in children {
        count += values(child, limit - count.min(limit));
        if count > limit {
            break;
        }
    }
    count
}

/// Every `id` must have a scheme (`https:`, `urn:`, `did:`…): a relative
/// one would be resolved against wherever the document is read.
fn check_ids(value: &Value) -> Result<(), CanonError> {
    match value {
        Value::Array(items) => items.iter().try_for_each(check_ids),
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("id") {
                let scheme = id.split_once(':').map(|(s, _)| s).unwrap_or_default();
                let valid = !scheme.is_empty()
                    && scheme
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
                if !valid {
                    return Err(CanonError::RelativeId(id.clone()));
                }
            }
            map.iter()
                .filter(|(k, _)| k.as_str() != "@context")
                .try_for_each(|(_, v)| check_ids(v))
        }
        _ => Ok(()),
    }
}

fn load(url: &str) -> Result<JsonLdRemoteDocument, CanonError> {
    CONTEXTS
        .iter()
        .find(|(known, _)| *known == url)
        .map(|(known, text)| JsonLdRemoteDocument {
            document: text.as_bytes().to_vec(),
            document_url: (*known).to_owned(),
        })
        .ok_or_else(|| CanonError::UnknownContext(url.to_owned()))
}

/// The RDF statements of `doc`, in the term types RDFC-1.0 works on.
fn dataset(doc: &Value) -> Result<oxrdf::Dataset, CanonError> {
    let deadline = std::time::Instant::now() + MAX_TIME;
    let bytes = serde_json::to_vec(doc).map_err(|e| CanonError::Invalid(e.to_string()))?;
    let parser = JsonLdParser::new()
        .for_slice(&bytes)
        .with_load_document_callback(|url, _| {
            load(url).map_err(|_| format!("{NOT_BUNDLED}{url}").into())
        });
    let mut out = oxrdf::Dataset::new();
    for quad in parser {
        let quad = quad.map_err(|err| {
            let message = err.to_string();
            match message.split_once(NOT_BUNDLED) {
                Some((_, url)) => CanonError::UnknownContext(
                    url.split_whitespace().next().unwrap_or_default().to_owned(),
                ),
                None => CanonError::Invalid(message),
            }
        })?;
        if out.len() >= MAX_QUADS {
            return Err(CanonError::TooComplex);
        }
        if std::time::Instant::now() > deadline {
            return Err(CanonError::TooSlow);
        }
        out.insert(&convert(quad)?);
    }
    Ok(out)
}

/// oxjsonld's terms (oxrdf 0.3) to rdf-canon's (oxrdf 0.2).
fn convert(quad: oxjsonld_oxrdf::Quad) -> Result<oxrdf::Quad, CanonError> {
    use oxjsonld_oxrdf as new;
    let invalid = |e: &dyn std::fmt::Display| CanonError::Invalid(e.to_string());
    let named = |n: &str| oxrdf::NamedNode::new(n).map_err(|e| invalid(&e));
    let blank = |b: &str| oxrdf::BlankNode::new(b).map_err(|e| invalid(&e));
    let subject: oxrdf::Subject = match &quad.subject {
        new::NamedOrBlankNode::NamedNode(n) => named(n.as_str())?.into(),
        new::NamedOrBlankNode::BlankNode(b) => blank(b.as_str())?.into(),
    };
    let object: oxrdf::Term = match &quad.object {
        new::Term::NamedNode(n) => named(n.as_str())?.into(),
        new::Term::BlankNode(b) => blank(b.as_str())?.into(),
        new::Term::Literal(l) => match l.language() {
            Some(language) => oxrdf::Literal::new_language_tagged_literal(l.value(), language)
                .map_err(|e| invalid(&e))?
                .into(),
            None => {
                oxrdf::Literal::new_typed_literal(l.value(), named(l.datatype().as_str())?).into()
            }
        },
    };
    let graph: oxrdf::GraphName = match &quad.graph_name {
        new::GraphName::DefaultGraph => oxrdf::GraphName::DefaultGraph,
        new::GraphName::NamedNode(n) => named(n.as_str())?.into(),
        new::GraphName::BlankNode(b) => blank(b.as_str())?.into(),
    };
    Ok(oxrdf::Quad::new(
        subject,
        named(quad.predicate.as_str())?,
        object,
        graph,
    ))
}

/// Refuses terms no context defines (see the module documentation).
/// Otherwise the statements read with the probe are exactly the
/// document's (the probe `@vocab` only ever applies to undefined terms),
/// so they are returned for canonicalisation: one JSON-LD pass, not two.
fn check_defined(doc: &Value) -> Result<oxrdf::Dataset, CanonError> {
    let mut probe = doc.clone();
    let mut contexts = match doc.get("@context") {
        Some(Value::Array(list)) => list.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    contexts.push(serde_json::json!({ "@vocab": PROBE }));
    if let Some(map) = probe.as_object_mut() {
        map.insert("@context".into(), Value::Array(contexts));
    }
    let data = dataset(&probe)?;
    for quad in data.iter() {
        let text = quad.to_string();
        if text.contains(PROBE) {
            let term = text
                .split(PROBE)
                .nth(1)
                .and_then(|rest| rest.split('>').next())
                .unwrap_or_default()
                .to_owned();
            return Err(CanonError::UndefinedTerm(term));
        }
    }
    Ok(data)
}

/// `doc` as canonical N-Quads (RDFC-1.0), after the checks above.
pub fn canonicalize(doc: &Value) -> Result<String, CanonError> {
    if serde_json::to_vec(doc).map_or(usize::MAX, |b| b.len()) > MAX_BYTES {
        return Err(CanonError::TooLarge);
    }
    if depth(doc) > MAX_DEPTH {
        return Err(CanonError::TooDeep);
    }
    if values(doc, MAX_VALUES) > MAX_VALUES {
        return Err(CanonError::TooComplex);
    }
    check_ids(doc)?;
    let data = check_defined(doc)?;
    rdf_canon::canonicalize_with::<Sha256>(
        &data,
        &rdf_canon::CanonicalizationOptions {
            hndq_call_limit: Some(HNDQ_CALL_LIMIT),
        },
    )
    .map_err(|_| CanonError::TooComplex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_counted_up_to_just_past_the_limit() {
        let doc = serde_json::json!({"a": [1, 2, {"b": null}], "c": "d"});
        assert_eq!(values(&doc, 100), 7);
        assert_eq!(values(&doc, 7), 7);
        assert!(values(&doc, 3) > 3);
        let wide = Value::Array(vec![Value::Null; 100_000]);
        assert!(values(&wide, 10) <= 12, "stops early");
    }
}

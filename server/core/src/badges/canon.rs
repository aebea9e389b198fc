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
//! * Only the term definitions a document can use are processed: see
//!   [`Pruned`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

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

/// The bundled contexts, parsed once (`None` for one that is not JSON,
/// which the tests rule out; it is then used whole).
static PARSED: LazyLock<Vec<Option<Value>>> = LazyLock::new(|| {
    CONTEXTS
        .iter()
        .map(|(_, text)| serde_json::from_str(text).ok())
        .collect()
});

/// For each set of bundled contexts (bit `i` for `CONTEXTS[i]`), the
/// terms they define in two places that JSON-LD may not take for the same
/// definition: different JSON (`kid`, `name`…), or a scoped context from
/// another context document, whose URL is part of the definition
/// (`DataIntegrityProof` in both credentials v2 and data integrity v2). A
/// later definition of a protected term must equal the earlier one or
/// processing fails, whether the document uses the term or not; so these
/// are always kept, and kept whole. (A definition met twice in one context
/// document stays the same when pruned, as it is pruned the same way.)
/// No bundled context names another, so a document loads exactly those
/// its own `@context` entries name.
static REDEFINED: LazyLock<Vec<HashSet<&'static str>>> = LazyLock::new(|| {
    type Seen = HashMap<&'static str, (usize, &'static Value)>;
    fn walk(
        context: &'static Value,
        source: usize,
        first: &mut Seen,
        differ: &mut HashSet<&'static str>,
    ) {
        match context {
            Value::Array(items) => items
                .iter()
                .for_each(|item| walk(item, source, first, differ)),
            Value::Object(map) => {
                for (term, definition) in map.iter().filter(|(term, _)| !term.starts_with('@')) {
                    let scoped = definition.get("@context");
                    let (from, seen) = *first.entry(term).or_insert((source, definition));
                    if seen != definition || (scoped.is_some() && from != source) {
                        differ.insert(term);
                    }
                    if let Some(scoped) = scoped {
                        walk(scoped, source, first, differ);
                    }
                }
            }
            _ => {}
        }
    }
    (0..1usize << CONTEXTS.len())
        .map(|set| {
            let (mut first, mut differ) = (HashMap::new(), HashSet::new());
            for (source, context) in PARSED.iter().enumerate() {
                if set & (1 << source) != 0
                    && let Some(context) = context.as_ref().and_then(|c| c.get("@context"))
                {
                    walk(context, source, &mut first, &mut differ);
                }
            }
            differ
        })
        .collect()
});

/// Every key of an object in the bundled contexts, at any depth. A
/// pruning only ever asks whether the document uses one of these (see
/// [`Pruned::for_document`]), so the ones it uses, with the contexts it
/// names, decide the pruning.
static CONTEXT_KEYS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    fn walk(value: &'static Value, out: &mut HashSet<&'static str>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(key, v)| {
                out.insert(key.as_str());
                walk(v, out);
            }),
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashSet::new();
    PARSED.iter().flatten().for_each(|c| walk(c, &mut out));
    out
});

/// Which bundled contexts a document names (bit `i` for `CONTEXTS[i]`)
/// and the context keys it uses, sorted: all a pruning depends on.
type PruningKey = (usize, Vec<&'static str>);

/// Prunings made, kept for the next document that names the same
/// contexts and uses the same terms: every badge Polku issues or checks
/// of one achievement does, whatever its names, ids and dates.
static PRUNINGS: LazyLock<Mutex<HashMap<PruningKey, Arc<Pruned>>>> =
    LazyLock::new(Default::default);

/// The most prunings kept; when full, the list starts again (documents
/// an attacker varies only cost the pruning they would have cost anyway).
/// A pruning is at most the bundled contexts' 29 KB, so at most 2 MB.
const PRUNINGS_KEPT: usize = 64;

/// The bundled contexts cut down to the term definitions one document can
/// use.
///
/// oxjsonld processes every term definition of every context for each
/// document (some 290 for a badge's two contexts, scoped ones included),
/// copies the active context at each typed node, and keeps nothing between
/// documents: that was most of a badge's signing and checking time. A term
/// definition only ever takes part in expansion through its term: a key, a
/// `@type` or `@vocab` value, or the prefix of a compact IRI
/// ("xsd:dateTime"), all of them strings in the document or in another
/// definition that takes part. So every definition whose term is none of
/// those strings is dropped, and the statements stay the same. Terms
/// defined differently in two places are kept whole, for JSON-LD's check
/// of protected terms (see [`REDEFINED`]).
///
/// That holds when the only contexts the document names are bundled URLs:
/// an inline context could nullify the active context, which JSON-LD
/// refuses when it holds protected terms, used or not. Such a document is
/// processed with the contexts whole. The tests compare the two ways on
/// the 1EdTech samples, on thousands of changed copies of them, and on
/// every term of every context.
struct Pruned {
    /// The JSON of each bundled context the document names, by its place
    /// in [`CONTEXTS`]; `None` for those it does not name.
    documents: Vec<Option<Vec<u8>>>,
}

/// What a pruning keeps: the terms the document (and what it keeps) uses,
/// and those kept whole.
struct Keep<'a> {
    used: HashSet<&'a str>,
    whole: &'static HashSet<&'static str>,
}

impl Pruned {
    /// The pruning for `doc`: made before for a document naming the same
    /// contexts and using the same context keys, or made now and kept.
    fn for_document(doc: &Value) -> Option<Arc<Self>> {
        let (key, keep) = Self::key(doc)?;
        if let Some(kept) = crate::sync::lock(&PRUNINGS).get(&key) {
            return Some(Arc::clone(kept));
        }
        let pruned = Arc::new(Self::made(keep, key.0));
        let mut kept = crate::sync::lock(&PRUNINGS);
        if kept.len() >= PRUNINGS_KEPT {
            kept.clear();
        }
        kept.insert(key, Arc::clone(&pruned));
        Some(pruned)
    }

    /// What the pruning for `doc` depends on, and what it keeps; `None`
    /// when `doc` is to be read with the contexts whole.
    fn key(doc: &Value) -> Option<(PruningKey, Keep<'_>)> {
        let named = named_contexts(doc)?;
        let whole = REDEFINED.get(named)?;
        let mut used = HashSet::new();
        words(doc, &mut used);
        let mut keys: Vec<&'static str> = used
            .iter()
            .filter_map(|word| CONTEXT_KEYS.get(*word).copied())
            .collect();
        keys.sort_unstable();
        Some(((named, keys), Keep { used, whole }))
    }

    /// The bundled contexts `named` pruned to what `keep` keeps.
    fn made(mut keep: Keep<'_>, named: usize) -> Self {
        // A kept definition may use further terms (a prefix, a term as an
        // IRI): prune again until nothing new is used.
        loop {
            let mut found = HashSet::new();
            let pruned: Vec<Option<Value>> = PARSED
                .iter()
                .enumerate()
                .map(|(at, parsed)| {
                    let context = parsed.as_ref().filter(|_| named & (1 << at) != 0)?;
                    Some(prune_document(context, &keep, &mut found))
                })
                .collect();
            let before = keep.used.len();
            keep.used.extend(found);
            if keep.used.len() == before {
                let documents = pruned
                    .iter()
                    .map(|pruned| {
                        pruned
                            .as_ref()
                            .and_then(|value| serde_json::to_vec(value).ok())
                    })
                    .collect();
                return Self { documents };
            }
        }
    }
}

/// The set of bundled contexts `value` names (bit `i` for `CONTEXTS[i]`),
/// if every `@context` in it, at any depth, is a bundled context's URL or
/// a list of them.
fn named_contexts(value: &Value) -> Option<usize> {
    let bundled = |v: &Value| match v {
        Value::String(url) => CONTEXTS
            .iter()
            .position(|(known, _)| known == url)
            .map(|at| 1 << at),
        _ => None,
    };
    match value {
        Value::Array(items) => items
            .iter()
            .try_fold(0, |set, item| Some(set | named_contexts(item)?)),
        Value::Object(map) => map.iter().try_fold(0, |set, (key, v)| {
            Some(
                set | match (key.as_str(), v) {
                    ("@context", Value::Array(list)) => list
                        .iter()
                        .try_fold(0, |set, item| Some(set | bundled(item)?))?,
                    ("@context", other) => bundled(other)?,
                    _ => named_contexts(v)?,
                },
            )
        }),
        _ => Some(0),
    }
}

/// Every string in `value`, keys included, each with the prefix it would
/// have as a compact IRI (the part before its first colon).
fn words<'a>(value: &'a Value, out: &mut HashSet<&'a str>) {
    match value {
        Value::String(text) => word(text, out),
        Value::Array(items) => items.iter().for_each(|item| words(item, out)),
        Value::Object(map) => map.iter().for_each(|(key, item)| {
            word(key, out);
            words(item, out);
        }),
        _ => {}
    }
}

fn word<'a>(text: &'a str, out: &mut HashSet<&'a str>) {
    out.insert(text);
    if let Some((prefix, _)) = text.split_once(':') {
        out.insert(prefix);
    }
}

/// A context document (`{"@context": …}`) with only the definitions
/// `keep` keeps; the words of those it keeps go to `found`.
fn prune_document(doc: &'static Value, keep: &Keep, found: &mut HashSet<&'static str>) -> Value {
    match doc {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| match key.as_str() {
                    "@context" => (key.clone(), prune(value, keep, found)),
                    _ => (key.clone(), value.clone()),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A context (an object, a list, or a URL) with only the definitions of
/// the terms `keep` uses or keeps whole, and the scoped contexts of the
/// former pruned alike. Keywords (`@protected`, `@vocab`…) are always
/// kept. The words the kept definitions use go to `found`.
fn prune(context: &'static Value, keep: &Keep, found: &mut HashSet<&'static str>) -> Value {
    let Value::Object(map) = context else {
        if let Value::Array(items) = context {
            return Value::Array(items.iter().map(|item| prune(item, keep, found)).collect());
        }
        context_words(context, found);
        return context.clone();
    };
    let mut out = serde_json::Map::new();
    for (term, definition) in map {
        let whole = keep.whole.contains(term.as_str());
        if !(term.starts_with('@') || whole || keep.used.contains(term.as_str())) {
            continue;
        }
        if let Some((prefix, _)) = term.split_once(':') {
            found.insert(prefix);
        }
        let definition = match definition {
            Value::Object(entries) if !whole => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| match key.as_str() {
                        "@context" => (key.clone(), prune(value, keep, found)),
                        _ => {
                            context_words(value, found);
                            (key.clone(), value.clone())
                        }
                    })
                    .collect(),
            ),
            other => {
                context_words(other, found);
                other.clone()
            }
        };
        out.insert(term.clone(), definition);
    }
    Value::Object(out)
}

/// The words a piece of a context uses: every string, with its prefix,
/// and the prefix of each term it defines ("schema:name" uses "schema");
/// the terms it defines are not uses of themselves.
fn context_words(value: &'static Value, out: &mut HashSet<&'static str>) {
    match value {
        Value::String(text) => word(text, out),
        Value::Array(items) => items.iter().for_each(|item| context_words(item, out)),
        Value::Object(map) => map.iter().for_each(|(key, item)| {
            if let Some((prefix, _)) = key.split_once(':') {
                out.insert(prefix);
            }
            context_words(item, out);
        }),
        _ => {}
    }
}

/// A bundled context: whole, or as pruned for the document at hand.
fn load(url: &str, pruned: Option<&Pruned>) -> Result<JsonLdRemoteDocument, CanonError> {
    let at = CONTEXTS
        .iter()
        .position(|(known, _)| *known == url)
        .ok_or_else(|| CanonError::UnknownContext(url.to_owned()))?;
    Ok(JsonLdRemoteDocument {
        document: match pruned.and_then(|pruned| pruned.documents.get(at)?.as_ref()) {
            Some(document) => document.clone(),
            None => CONTEXTS[at].1.as_bytes().to_vec(),
        },
        document_url: url.to_owned(),
    })
}

/// The RDF statements of `doc`, in the term types RDFC-1.0 works on, read
/// with the contexts `pruned` for it (see [`Pruned`]) or, with `None`,
/// whole.
fn dataset(doc: &Value, pruned: Option<Arc<Pruned>>) -> Result<oxrdf::Dataset, CanonError> {
    let deadline = std::time::Instant::now() + MAX_TIME;
    let bytes = serde_json::to_vec(doc).map_err(|e| CanonError::Invalid(e.to_string()))?;
    let parser = JsonLdParser::new()
        .for_slice(&bytes)
        .with_load_document_callback(move |url, _| {
            load(url, pruned.as_deref()).map_err(|_| format!("{NOT_BUNDLED}{url}").into())
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
fn check_defined(doc: &Value, prune: bool) -> Result<oxrdf::Dataset, CanonError> {
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
    let pruned = if prune {
        Pruned::for_document(doc)
    } else {
        None
    };
    let data = dataset(&probe, pruned)?;
    // The first undefined term in alphabetical order, so that the same
    // document always gets the same answer (the statements' order is not
    // the document's).
    let undefined = data.iter().flat_map(undefined_terms).min();
    match undefined {
        Some(term) => Err(CanonError::UndefinedTerm(term.to_owned())),
        None => Ok(data),
    }
}

/// The terms under [`PROBE`] in a statement's IRIs (a property, a type, a
/// datatype), read as they are, not from the statement written out.
fn undefined_terms(quad: oxrdf::QuadRef<'_>) -> impl Iterator<Item = &str> {
    let subject = match quad.subject {
        oxrdf::SubjectRef::NamedNode(node) => Some(node.as_str()),
        _ => None,
    };
    let object = match quad.object {
        oxrdf::TermRef::NamedNode(node) => Some(node.as_str()),
        oxrdf::TermRef::Literal(literal) => Some(literal.datatype().as_str()),
        _ => None,
    };
    let graph = match quad.graph_name {
        oxrdf::GraphNameRef::NamedNode(node) => Some(node.as_str()),
        _ => None,
    };
    [subject, Some(quad.predicate.as_str()), object, graph]
        .into_iter()
        .flatten()
        .filter_map(|iri| iri.strip_prefix(PROBE))
}

/// `doc` as canonical N-Quads (RDFC-1.0), after the checks above.
pub fn canonicalize(doc: &Value) -> Result<String, CanonError> {
    canonical(doc, true)
}

/// [`canonicalize`], with the contexts pruned for `doc` or (for the tests
/// that compare the two) whole.
fn canonical(doc: &Value, prune: bool) -> Result<String, CanonError> {
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
    let data = check_defined(doc, prune)?;
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

    #[test]
    fn the_bundled_contexts_are_json() {
        assert!(PARSED.iter().all(Option::is_some));
    }

    #[test]
    fn the_terms_defined_differently_in_two_places_are_known() {
        let sorted = |set: usize| {
            let mut terms: Vec<&str> = REDEFINED[set].iter().copied().collect();
            terms.sort_unstable();
            terms
        };
        // Credentials v2 and Open Badges 3.0.3, as a badge names them.
        assert_eq!(
            sorted(0b11),
            [
                "description",
                "identifier",
                "kid",
                "name",
                "resultDescription",
                "status"
            ]
        );
        // Credentials v2 and data integrity v2 both define the proof type.
        assert!(sorted(0b1_0001).contains(&"DataIntegrityProof"));
    }

    /// The 1EdTech samples (their proofs, made with the contexts whole,
    /// verify in `tests/badges.rs` too) and each of them without its proof.
    fn samples() -> Vec<(String, Value)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ob3");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let doc: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let mut unsecured = doc.clone();
                unsecured.as_object_mut().unwrap().remove("proof");
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                out.push((format!("{name} without its proof"), unsecured));
                out.push((name, doc));
            }
        }
        assert!(out.len() >= 20, "the samples are there");
        out
    }

    /// Asserts that `doc` reads the same with the contexts pruned and
    /// whole; whether it is valid.
    fn same_either_way(doc: &Value, what: &str) -> bool {
        let whole = canonical(doc, false);
        assert_eq!(canonical(doc, true), whole, "{what}: {doc}");
        whole.is_ok()
    }

    #[test]
    fn pruned_contexts_give_the_same_statements_as_whole_ones() {
        let mut valid = 0;
        for (name, doc) in samples() {
            valid += usize::from(same_either_way(&doc, &name));
        }
        assert!(valid >= 10, "most samples are valid JSON-LD: {valid}");
    }

    /// A small deterministic generator (xorshift), so a failure repeats.
    struct Dice(u64);

    impl Dice {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn pick<'a>(&mut self, from: &'a [String]) -> &'a str {
            &from[self.below(from.len())]
        }
    }

    /// Every term the bundled contexts define, at any depth (their keys
    /// but the keywords).
    fn terms() -> Vec<String> {
        let mut out: Vec<String> = CONTEXT_KEYS
            .iter()
            .filter(|key| !key.starts_with('@'))
            .map(|key| (*key).to_owned())
            .collect();
        out.sort();
        out
    }

    /// Changes one place of `doc`: a key renamed to a term, a string
    /// replaced by a term or a compact IRI, an entry dropped, or a typed
    /// node added.
    fn mutate(doc: &mut Value, dice: &mut Dice, terms: &[String]) {
        let Some(map) = doc.as_object_mut() else {
            if let Value::Array(items) = doc
                && !items.is_empty()
            {
                let at = dice.below(items.len());
                mutate(&mut items[at], dice, terms);
            }
            return;
        };
        let keys: Vec<String> = map.keys().filter(|k| *k != "@context").cloned().collect();
        if keys.is_empty() {
            return;
        }
        let key = &keys[dice.below(keys.len())];
        match dice.below(6) {
            0 => {
                let value = map.remove(key).unwrap_or(Value::Null);
                map.insert(dice.pick(terms).to_owned(), value);
            }
            1 => {
                map.insert(key.clone(), Value::String(dice.pick(terms).to_owned()));
            }
            2 => {
                let prefix = dice.pick(terms).to_owned();
                map.insert(key.clone(), Value::String(format!("{prefix}:x")));
            }
            3 => {
                map.remove(key);
            }
            4 => {
                let node = serde_json::json!({
                    "type": dice.pick(terms),
                    dice.pick(terms): dice.pick(terms),
                });
                map.insert(dice.pick(terms).to_owned(), node);
            }
            _ => mutate(map.get_mut(key).unwrap(), dice, terms),
        }
    }

    #[test]
    fn pruned_contexts_agree_with_whole_ones_on_changed_documents() {
        let terms = terms();
        assert!(terms.len() > 150, "{} terms", terms.len());
        let mut dice = Dice(0x5eed_1234_abcd_0042);
        let (mut same_ok, mut same_err) = (0, 0);
        for (name, sample) in samples() {
            for round in 0..60 {
                let mut doc = sample.clone();
                for _ in 0..=dice.below(3) {
                    mutate(&mut doc, &mut dice, &terms);
                }
                if same_either_way(&doc, &format!("{name}, change {round}")) {
                    same_ok += 1;
                } else {
                    same_err += 1;
                }
            }
        }
        assert!(
            same_ok >= 200 && same_err >= 200,
            "{same_ok} valid, {same_err} refused"
        );
    }

    #[test]
    fn pruned_contexts_agree_with_whole_ones_on_every_term() {
        let url = |i: usize| Value::String(CONTEXTS[i].0.to_owned());
        // Credentials v2 with Open Badges (and its extensions); the
        // data integrity and multikey contexts after it.
        let lists = [
            vec![url(0), url(1)],
            vec![url(0), url(1), url(2)],
            vec![url(0), url(4), url(3)],
        ];
        let (mut same_ok, mut same_err) = (0, 0);
        for contexts in lists {
            for term in terms() {
                let as_type = serde_json::json!({
                    "@context": contexts,
                    "type": ["VerifiableCredential", term],
                    "name": "x",
                });
                let as_property = serde_json::json!({
                    "@context": contexts,
                    "type": "VerifiableCredential",
                    term.as_str(): {"id": "urn:x:1", "type": term, "name": "x"},
                });
                for doc in [as_type, as_property] {
                    if same_either_way(&doc, &term) {
                        same_ok += 1;
                    } else {
                        same_err += 1;
                    }
                }
            }
        }
        assert!(
            same_ok >= 200 && same_err >= 50,
            "{same_ok} valid, {same_err} refused"
        );
    }

    #[test]
    fn pruned_contexts_agree_with_whole_ones_on_every_set_of_contexts() {
        let mut valid = 0;
        for set in 1..1usize << CONTEXTS.len() {
            let contexts: Vec<&str> = CONTEXTS
                .iter()
                .enumerate()
                .filter(|(at, _)| set & (1 << at) != 0)
                .map(|(_, (url, _))| *url)
                .collect();
            let doc = serde_json::json!({"@context": contexts, "id": "urn:x:1", "https://example.org/p": "x"});
            valid += usize::from(same_either_way(&doc, "contexts alone"));
        }
        // Some sets are refused whole (credentials v2 then data integrity v2
        // define the protected DataIntegrityProof apart): both outcomes are
        // compared.
        assert!(valid > 0 && valid < 31, "{valid} of 31 valid");
    }

    #[test]
    fn documents_using_the_same_terms_share_one_pruning() {
        let (_, sample) = samples()
            .into_iter()
            .find(|(name, _)| name.ends_with(".json"))
            .unwrap();
        let mut other = sample.clone();
        other["name"] = Value::String("Another name, other words".into());
        other["id"] = Value::String("urn:uuid:6a9a7c6c-1d6c-4f3f-9d59-5e3b9f1a0c2e".into());
        let (key, keep) = Pruned::key(&sample).unwrap();
        let (other_key, other_keep) = Pruned::key(&other).unwrap();
        assert_eq!(key, other_key, "other values, the same terms");
        // Which is what makes keeping prunings by their key right.
        assert_eq!(
            Pruned::made(keep, key.0).documents,
            Pruned::made(other_keep, other_key.0).documents
        );
        // A term more is another pruning, with that term's definition.
        let mut more = other.clone();
        more["awardedDate"] = Value::String("2026-01-01T00:00:00Z".into());
        let (more_key, _) = Pruned::key(&more).unwrap();
        assert_ne!(key, more_key);
        assert!(more_key.1.contains(&"awardedDate"));
        for (doc, what) in [(&other, "other values"), (&more, "a term more")] {
            same_either_way(doc, what);
            same_either_way(doc, what);
        }
    }

    #[test]
    fn an_undefined_term_is_named_by_its_iri_not_by_a_text_holding_the_probe() {
        let vc = "https://www.w3.org/ns/credentials/v2";
        let doc = serde_json::json!({
            "@context": [vc],
            "type": ["VerifiableCredential", "Unheard"],
            "name": format!("{PROBE}textOnly"),
            "zebra": "x",
        });
        assert_eq!(
            canonicalize(&doc),
            Err(CanonError::UndefinedTerm("Unheard".into()))
        );
        let text_only = serde_json::json!({
            "@context": [vc],
            "type": "VerifiableCredential",
            "name": format!("{PROBE}textOnly"),
        });
        assert!(canonicalize(&text_only).is_ok());
    }

    #[test]
    fn a_document_with_its_own_context_is_read_with_the_contexts_whole() {
        let vc = "https://www.w3.org/ns/credentials/v2";
        // JSON-LD refuses to nullify an active context that holds
        // protected terms, whether or not the document uses them; a pruned
        // context might have none.
        let doc = serde_json::json!({
            "@context": [vc, null],
            "https://example.org/thing": "x"
        });
        assert!(Pruned::for_document(&doc).is_none());
        same_either_way(&doc, "a nullified context");
        let nested = serde_json::json!({
            "@context": vc,
            "type": "VerifiableCredential",
            "credentialSubject": {"@context": {"id": "urn:x:redefined"}, "id": "urn:x:1"}
        });
        assert!(Pruned::for_document(&nested).is_none());
        same_either_way(&nested, "a scoped inline context");
        let bundled_only = serde_json::json!({"@context": [vc], "name": "x"});
        assert!(Pruned::for_document(&bundled_only).is_some());
    }
}

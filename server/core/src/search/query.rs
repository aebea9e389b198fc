//! From what a person typed to ranked results with snippets.
//!
//! No query syntax to get wrong: the text is split into words (letters and
//! digits) and `"quoted phrases"`; everything else is ignored, and an
//! unbalanced quote just ends the phrase. Each word matches, in every
//! language's fields: its stemmed form (title ×3, headings ×2, body ×1),
//! the long words having it as a part (×0.3 of that, see
//! [`super::compounds`]), its unaccented plain form (×0.5) and, from five
//! letters on, indexed forms sharing all but the stem's last two letters
//! (title ×1.5, body ×0.6), and indexed words
//! one or two edits away (typos) searched like the word at ×0.4. Similar
//! forms, compounds and typos are expanded to indexed terms, so every
//! match is ranked by BM25. The reader's language gets a fixed bonus. A
//! document needs one word or all phrases; more words matched rank
//! higher.

use std::collections::HashMap;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

use super::analysis::{self, LANGUAGES};
use super::compounds::{Compounds, IN_BODY, IN_HEADINGS, IN_TITLE, has_compounds};
use super::{Fields, SearchError};
use crate::Language;
use crate::authoring::AuthorGrant;

/// Input beyond this many characters is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Words beyond this many are ignored (each word is a dozen term queries).
pub const MAX_WORDS: usize = 12;
/// Results beyond this are not paged to.
pub const MAX_RESULTS: usize = 1000;
/// Characters of a snippet.
const SNIPPET_CHARS: usize = 180;

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What was typed.
    pub text: String,
    /// Only this course (slug).
    pub course: Option<String>,
    /// Only this language.
    pub language: Option<Language>,
    /// Rank this language first (the reader's).
    pub prefer: Option<Language>,
    /// 0-based page.
    pub page: usize,
    /// Results per page (1–50).
    pub per_page: usize,
    /// Search as you type: the last word may be unfinished (a prefix).
    pub suggest: bool,
}

/// Whose view of the material a search uses.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Published lessons only: learners and everyone signed out.
    Reader,
    /// As readers, except the courses of the grant, where the newest text
    /// (a draft if there is one) is searched.
    Author(&'a AuthorGrant),
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Documents matching.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
    /// Nothing searchable was typed.
    pub empty: bool,
    /// The text was cut to [`MAX_QUERY_CHARS`] or [`MAX_WORDS`].
    pub truncated: bool,
}

/// One lesson found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub course: String,
    pub course_title: String,
    pub lesson: String,
    pub title: String,
    pub language: Language,
    /// A draft (only its authors see it).
    pub draft: bool,
    pub revision: i32,
    /// The heading anchor of the section the snippet is from.
    pub anchor: Option<String>,
    /// That heading's text.
    pub section: Option<String>,
    pub snippet: Snippet,
}

/// Text with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// (text, matched) in order.
    pub parts: Vec<(String, bool)>,
}

/// The words and phrases of a query.
#[derive(Debug, Default, PartialEq)]
struct Parsed {
    words: Vec<String>,
    phrases: Vec<Vec<String>>,
    /// The last word is being typed.
    prefix: Option<String>,
    truncated: bool,
}

fn parse(text: &str, suggest: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let mut cut: String = text.chars().take(MAX_QUERY_CHARS).collect();
    if cut.len() < text.len() {
        parsed.truncated = true;
        // A word cut in the middle is not a word the person typed.
        if let Some(space) = cut.rfind(char::is_whitespace) {
            cut.truncate(space);
        }
    }
    let pieces: Vec<&str> = cut.split('"').collect();
    let closed = pieces.len() % 2 == 1;
    let mut budget = MAX_WORDS;
    let mut take = |words: Vec<String>, parsed: &mut Parsed| -> Vec<String> {
        if words.len() > budget {
            parsed.truncated = true;
        }
        let kept: Vec<String> = words.into_iter().take(budget).collect();
        budget -= kept.len();
        kept
    };
    for (i, piece) in pieces.iter().enumerate() {
        let quoted = i % 2 == 1 && (closed || i + 1 < pieces.len());
        let words = take(analysis::words(piece), &mut parsed);
        if quoted && words.len() > 1 {
            parsed.phrases.push(words);
        } else {
            parsed.words.extend(words);
        }
    }
    let typing = suggest && !cut.ends_with(|c: char| !c.is_alphanumeric());
    if typing {
        parsed.prefix = parsed.words.pop();
    }
    parsed
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    boosted(
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        )),
        boost,
    )
}

fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::union(queries))
}

/// Terms of `field` that start with most of `stem` (all but its last two
/// letters, at least five), other than `stem` itself; at most
/// [`MAX_SIMILAR`].
fn similar_terms(searcher: &Searcher, field: Field, stem: &str) -> Vec<String> {
    let letters: Vec<char> = stem.chars().collect();
    if letters.len() < 5 {
        return Vec::new();
    }
    let keep = (letters.len() - 2).max(5).min(letters.len());
    let prefix: String = letters[..keep].iter().collect();
    let mut found = std::collections::BTreeSet::new();
    each_term_with_prefix(searcher, field, &prefix, |term| {
        if found.len() >= MAX_SIMILAR {
            return false;
        }
        if term != stem && term.chars().count() <= letters.len() + 3 {
            found.insert(term.to_owned());
        }
        found.len() < MAX_SIMILAR
    });
    found.into_iter().collect()
}

/// Words of `field` one edit away from `word` (two from nine letters on;
/// a swap of two letters is one edit), sharing its first letter, nearest
/// first; at most [`MAX_SIMILAR`]. Five letters at least: shorter words
/// have too many neighbours.
fn near_terms(searcher: &Searcher, field: Field, word: &str) -> Vec<String> {
    let letters = word.chars().count();
    let Some(first) = word.chars().next().filter(|_| letters >= 5) else {
        return Vec::new();
    };
    let distance: u8 = if letters >= 9 { 2 } else { 1 };
    // A Levenshtein automaton (with a swap of two neighbours as one edit,
    // as `osa_distance` counts) walks the term dictionary to the words
    // within reach: the cost grows with the word, not with the index.
    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
    let mut found: Vec<(usize, String)> = Vec::new();
    for segment in searcher.segment_readers() {
        let (Ok(inverted), Ok(automaton)) = (segment.inverted_index(field), fuzzy.automaton())
        else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            // The same first letter (people rarely mistype it, and it keeps
            // the corrections few).
            if term != word && term.starts_with(first) && !found.iter().any(|(_, t)| t == term) {
                found.push((strsim::osa_distance(term, word), term.to_owned()));
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .take(MAX_SIMILAR)
        .map(|(_, t)| t)
        .collect()
}

/// Calls `visit` with each term of `field` starting with `prefix` (in every
/// segment) until it returns false.
pub(super) fn each_term_with_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    mut visit: impl FnMut(&str) -> bool,
) {
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !term.starts_with(prefix) || !visit(term) {
                break;
            }
        }
    }
}

/// At most this many similar forms per word and language.
const MAX_SIMILAR: usize = 8;
/// At most this many compounds per part, language and end of the word.
const MAX_COMPOUNDS: usize = 32;

/// The long stems of `language` (see [`super::compounds`]) with `part` as
/// their first part (starting with it) or their last (ending with it),
/// other than `part` itself, with the fields holding each; at most
/// [`MAX_COMPOUNDS`] each way.
///
/// `word` is the part as typed, lowercased: a compound starts with its
/// first part as written ("taulukko|rakenteisiin"), while Snowball may cut
/// the part alone differently ("taulukko" → "tauluko", a double consonant
/// halved at the end of a stem), so the stems starting with the word are
/// taken as well.
fn compounds_with(
    compounds: &Compounds,
    language: Language,
    part: &str,
    word: &str,
) -> Vec<(String, u8)> {
    let mut found = std::collections::BTreeMap::new();
    let mut ways: Vec<(bool, &str)> = vec![(true, part), (false, part)];
    // A word starting with its stem has no compounds the stem has not.
    if !word.starts_with(part) {
        ways.push((true, word));
    }
    for (forward, prefix) in ways {
        let mut taken = 0;
        let visit = |stem: &str, fields: u8| {
            if stem != prefix && stem != part && found.insert(stem.to_owned(), fields).is_none() {
                taken += 1;
            }
            taken < MAX_COMPOUNDS
        };
        if forward {
            compounds.starting_with(language, prefix, visit);
        } else {
            compounds.ending_with(language, prefix, visit);
        }
    }
    found.into_iter().collect()
}

/// One word in every field it can match, and its likely corrections.
fn word_query(
    searcher: &Searcher,
    compounds: &Compounds,
    f: &Fields,
    word: &str,
) -> Option<Box<dyn Query>> {
    let mut should: Vec<Box<dyn Query>> = Vec::new();
    word_clauses(searcher, compounds, f, word, 1.0, &mut should);
    if let Some(plain) = analysis::plain(word) {
        // Typos, in the word as typed (a stemmer may cut a misspelt word
        // differently from the right one): the indexed words nearby are
        // searched like the word itself, at a lower weight, so typo matches
        // rank by BM25 like any word.
        for near in near_terms(searcher, f.plain, &plain) {
            word_clauses(searcher, compounds, f, &near, 0.4, &mut should);
        }
    }
    (!should.is_empty()).then(|| any(should))
}

/// The clauses of one word, weighted by `weight`.
fn word_clauses(
    searcher: &Searcher,
    compounds: &Compounds,
    f: &Fields,
    word: &str,
    weight: f32,
    should: &mut Vec<Box<dyn Query>>,
) {
    let typed = word.to_lowercase();
    for (slot, language) in LANGUAGES.iter().enumerate() {
        let Some(stem) = analysis::stem(*language, word) else {
            continue;
        };
        should.push(term(f.title_in[slot], &stem, 3.0 * weight));
        should.push(term(f.headings_in[slot], &stem, 2.0 * weight));
        should.push(term(f.body_in[slot], &stem, weight));
        // The long words having the word as a part, weighted as the word
        // in each field holding them, below it.
        if has_compounds(*language) && stem.chars().count() >= analysis::MIN_PART {
            for (compound, fields) in compounds_with(compounds, *language, &stem, &typed) {
                for (field, flag, boost) in [
                    (f.title_in[slot], IN_TITLE, 3.0),
                    (f.headings_in[slot], IN_HEADINGS, 2.0),
                    (f.body_in[slot], IN_BODY, 1.0),
                ] {
                    if fields & flag != 0 {
                        should.push(term(field, &compound, 0.3 * boost * weight));
                    }
                }
            }
        }
        // Other forms sharing most of the stem: Snowball's Finnish stems of
        // one word differ ("salasana" → "salas", "salasanan" → "salasan",
        // "salasanoja" → "salasano").
        for near in similar_terms(searcher, f.body_in[slot], &stem) {
            should.push(term(f.title_in[slot], &near, 1.5 * weight));
            should.push(term(f.body_in[slot], &near, 0.6 * weight));
        }
    }
    if let Some(plain) = analysis::plain(word) {
        should.push(term(f.plain, &plain, 0.5 * weight));
    }
}

/// A word being typed: any indexed word starting with it.
fn prefix_query(
    searcher: &Searcher,
    compounds: &Compounds,
    f: &Fields,
    word: &str,
) -> Option<Box<dyn Query>> {
    let plain = analysis::plain(word)?;
    let mut should = vec![boosted(
        Box::new(FuzzyTermQuery::new_prefix(
            Term::from_field_text(f.plain, &plain),
            0,
            false,
        )),
        1.0,
    )];
    should.extend(word_query(searcher, compounds, f, word));
    Some(any(should))
}

/// Words in this order, in one field of one language.
fn phrase_query(f: &Fields, words: &[String]) -> Option<Box<dyn Query>> {
    let mut should: Vec<Box<dyn Query>> = Vec::new();
    for (slot, language) in LANGUAGES.iter().enumerate() {
        let stems: Option<Vec<String>> =
            words.iter().map(|w| analysis::stem(*language, w)).collect();
        let Some(stems) = stems else { continue };
        for (field, boost) in [
            (f.title_in[slot], 3.0),
            (f.headings_in[slot], 2.0),
            (f.body_in[slot], 1.0),
        ] {
            let terms = stems
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect();
            should.push(boosted(Box::new(PhraseQuery::new(terms)), boost));
        }
    }
    (!should.is_empty()).then(|| any(should))
}

/// Which documents the scope may see.
fn visible(f: &Fields, scope: &Scope<'_>) -> Box<dyn Query> {
    let flag = |field: Field| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_bool(field, true),
            IndexRecordOption::Basic,
        ))
    };
    match scope {
        Scope::Reader => flag(f.public),
        Scope::Author(grant) => match grant.course_ids() {
            None => flag(f.author),
            Some([]) => flag(f.public),
            Some(ids) => {
                let own = || -> Box<dyn Query> {
                    any(ids
                        .iter()
                        .map(|id| -> Box<dyn Query> {
                            Box::new(TermQuery::new(
                                Term::from_field_u64(
                                    f.course_id,
                                    u64::try_from(*id).unwrap_or_default(),
                                ),
                                IndexRecordOption::Basic,
                            ))
                        })
                        .collect())
                };
                any(vec![
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, flag(f.public)),
                        (Occur::MustNot, own()),
                    ])),
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, flag(f.author)),
                        (Occur::Must, own()),
                    ])),
                ])
            }
        },
    }
}

/// Runs `request` on `searcher`.
pub(crate) fn run(
    searcher: &Searcher,
    compounds: &Compounds,
    f: &Fields,
    request: &SearchRequest,
    scope: &Scope<'_>,
) -> Result<SearchResults, SearchError> {
    let parsed = parse(&request.text, request.suggest);
    let mut text: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in &parsed.words {
        text.extend(word_query(searcher, compounds, f, word).map(|q| (Occur::Should, q)));
    }
    if let Some(prefix) = &parsed.prefix {
        text.extend(prefix_query(searcher, compounds, f, prefix).map(|q| (Occur::Should, q)));
    }
    for phrase in &parsed.phrases {
        text.extend(phrase_query(f, phrase).map(|q| (Occur::Must, q)));
    }
    if text.is_empty() {
        return Ok(SearchResults {
            empty: true,
            truncated: parsed.truncated,
            ..SearchResults::default()
        });
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, Box::new(BooleanQuery::new(text))),
        (Occur::Must, filter(visible(f, scope))),
    ];
    if let Some(course) = &request.course {
        all.push((Occur::Must, filter(term(f.course, course, 1.0))));
    }
    if let Some(language) = request.language {
        all.push((Occur::Must, filter(term(f.language, language.code(), 1.0))));
    }
    if let Some(language) = request.prefer {
        all.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                term(f.language, language.code(), 1.0),
                3.0,
            )),
        ));
    }
    let query = BooleanQuery::new(all);

    let per_page = request.per_page.clamp(1, 50);
    let offset = request.page.saturating_mul(per_page).min(MAX_RESULTS);
    let (total, top) = searcher.search(
        &query,
        &(
            Count,
            TopDocs::with_limit(per_page)
                .and_offset(offset)
                .order_by_score(),
        ),
    )?;

    let query_words: Vec<&str> = parsed
        .words
        .iter()
        .chain(parsed.phrases.iter().flatten())
        .map(String::as_str)
        .collect();
    let mut generators: HashMap<Language, SnippetGenerator> = HashMap::new();
    let mut hits = Vec::with_capacity(top.len());
    for (_, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let language: Language = text_of(f.language).parse().unwrap_or(Language::Fi);
        let body = text_of(f.body);
        let (snippet, offset) = if request.suggest {
            (Snippet::default(), None)
        } else {
            let slot = LANGUAGES.iter().position(|l| *l == language).unwrap_or(0);
            let generator = match generators.entry(language) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let mut generator =
                        SnippetGenerator::create(searcher, &query, f.body_in[slot])?;
                    generator.set_max_num_chars(SNIPPET_CHARS);
                    e.insert(generator)
                }
            };
            snippet(generator, &body)
        };
        let sections = text_of(f.sections);
        let marked: Vec<&str> = snippet
            .parts
            .iter()
            .filter(|(_, m)| *m)
            .map(|(t, _)| t.as_str())
            .collect();
        let marked = words_covered(&marked, language, &query_words);
        // A heading naming as many of the words as the snippet shows is the
        // better place to land ("miten teen CV:n", "vahva salasana").
        let sections: Vec<(usize, Option<String>, String)> =
            serde_json::from_str(&sections).unwrap_or_default();
        let (anchor, section) = match best_heading(&sections, language, &query_words) {
            Some((count, anchor, heading)) if count >= marked => (Some(anchor), Some(heading)),
            _ => offset
                .map(|at| section_at(&sections, at))
                .unwrap_or_default(),
        };
        hits.push(Hit {
            course: text_of(f.course),
            course_title: text_of(f.course_title),
            lesson: text_of(f.lesson),
            title: text_of(f.title),
            language,
            draft: doc
                .get_first(f.draft)
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            revision: doc
                .get_first(f.revision)
                .and_then(|v| v.as_u64())
                .and_then(|v| i32::try_from(v).ok())
                .unwrap_or(0),
            anchor,
            section,
            snippet,
        });
    }
    Ok(SearchResults {
        total,
        hits,
        empty: false,
        truncated: parsed.truncated,
    })
}

/// The snippet of `body` and the byte offset of its first match, or the
/// body's beginning (no offset) when no word of the body matched.
fn snippet(generator: &SnippetGenerator, body: &str) -> (Snippet, Option<usize>) {
    let found = generator.snippet(body);
    if found.highlighted().is_empty() {
        let mut end = body.len().min(SNIPPET_CHARS);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        let mut start_text = body[..end].to_owned();
        if end < body.len() {
            start_text.push('…');
        }
        return (
            Snippet {
                parts: vec![(start_text, false)],
            },
            None,
        );
    }
    let fragment = found.fragment();
    let mut parts = Vec::new();
    let mut at = 0;
    for range in found.highlighted() {
        if range.start > at {
            parts.push((fragment[at..range.start].to_owned(), false));
        }
        parts.push((fragment[range.clone()].to_owned(), true));
        at = range.end;
    }
    if at < fragment.len() {
        parts.push((fragment[at..].to_owned(), false));
    }
    let first = found.fragment_range().start + found.highlighted()[0].start;
    (Snippet { parts }, Some(first))
}

/// The heading with the most of `words` (by stem in `language`): (how
/// many, anchor, heading).
fn best_heading(
    sections: &[(usize, Option<String>, String)],
    language: Language,
    words: &[&str],
) -> Option<(usize, String, String)> {
    sections
        .iter()
        .filter_map(|(_, anchor, heading)| {
            let text = analysis::words(heading);
            let tokens: Vec<&str> = text.iter().map(String::as_str).collect();
            let found = words_covered(&tokens, language, words);
            Some((found, anchor.clone()?, heading.clone())).filter(|(n, _, _)| *n > 0)
        })
        .max_by_key(|(n, _, _)| *n)
}

/// How many of the query `words` appear among `tokens`, by stem in
/// `language` (or sharing all but the last two letters of the stem, as
/// [`similar_terms`] matches).
fn words_covered(tokens: &[&str], language: Language, words: &[&str]) -> usize {
    let stems: Vec<String> = tokens
        .iter()
        .filter_map(|t| analysis::stem(language, t))
        .collect();
    words
        .iter()
        .filter_map(|w| analysis::stem(language, w))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|wanted| {
            let letters: Vec<char> = wanted.chars().collect();
            let keep = (letters.len().saturating_sub(2)).max(5).min(letters.len());
            let prefix: String = letters[..keep].iter().collect();
            stems
                .iter()
                .any(|s| s == wanted || (letters.len() >= 5 && s.starts_with(&prefix)))
        })
        .count()
}

/// The (anchor, heading) of the section holding byte `offset` of the body.
fn section_at(
    sections: &[(usize, Option<String>, String)],
    offset: usize,
) -> (Option<String>, Option<String>) {
    sections
        .iter()
        .take_while(|(start, _, _)| *start <= offset)
        .last()
        .map(|(_, anchor, heading)| {
            (
                anchor.clone(),
                Some(heading.clone()).filter(|h| !h.is_empty()),
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_words_and_unbalanced_quotes() {
        let p = parse(r#"vahva "hyvä salasana" kalastelu"#, false);
        assert_eq!(p.words, ["vahva", "kalastelu"]);
        assert_eq!(p.phrases, [vec!["hyvä".to_owned(), "salasana".to_owned()]]);
        let p = parse(r#"vahva "hyvä salasana"#, false);
        assert_eq!(p.words, ["vahva", "hyvä", "salasana"]);
        assert!(p.phrases.is_empty());
        let p = parse(r#""one""#, false);
        assert_eq!(p.words, ["one"]);
    }

    #[test]
    fn syntax_characters_are_ignored() {
        let p = parse(
            r#"title:foo AND (bar* OR ~baz^2) -x [a TO b] \ / {}"#,
            false,
        );
        assert_eq!(
            p.words,
            [
                "title", "foo", "AND", "bar", "OR", "baz", "2", "x", "a", "TO", "b"
            ]
        );
        assert!(parse("  *** ::: \"\" ()  ", false).words.is_empty());
    }

    #[test]
    fn long_input_is_cut() {
        let long = "sana ".repeat(2_000);
        let p = parse(&long, false);
        assert!(p.truncated);
        assert_eq!(p.words.len(), MAX_WORDS);
        let p = parse(&"x".repeat(10_000), false);
        assert!(p.truncated);
    }

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        let p = parse("vahva sala", true);
        assert_eq!(p.words, ["vahva"]);
        assert_eq!(p.prefix.as_deref(), Some("sala"));
        let p = parse("vahva sala ", true);
        assert_eq!(p.prefix, None);
        assert_eq!(p.words, ["vahva", "sala"]);
    }

    #[test]
    fn sections_by_offset() {
        let json: Vec<(usize, Option<String>, String)> =
            serde_json::from_str(r#"[[0,null,""],[10,"h-a","A"],[30,"h-b","B"]]"#).unwrap();
        let json = json.as_slice();
        assert_eq!(section_at(json, 5), (None, None));
        assert_eq!(section_at(json, 10), (Some("h-a".into()), Some("A".into())));
        assert_eq!(section_at(json, 31), (Some("h-b".into()), Some("B".into())));
    }
}

//! The long words of the index, for finding compounds by their parts.
//!
//! Finnish and Swedish write compounds as one word and inflect only the
//! last part ("työttömyysturvan"). A query word is looked for as a part:
//! the long stems starting with it (the modifier: "työttömyys" in
//! "työttömyysturv") and those ending with it (the head: "turva"). The
//! stems are those the stemmed fields already hold, so nothing is indexed
//! for compounds: when a reader sees a new commit, the long stems of its
//! term dictionaries are listed once, forwards and reversed, each sorted
//! so that the words starting (or ending) with a part are one range. The
//! terms found are then searched in the stemmed fields like any word, at a
//! lower weight.
//!
//! An index field of forward and reversed terms did the same and made the
//! build a quarter slower: it tokenised and stemmed every text a second time
//! and indexed two terms per long word. Listing the dictionaries takes
//! milliseconds per commit, and the lists hold each long stem once per
//! language, not once per text.

use tantivy::Searcher;
use tantivy::schema::Field;

use super::Fields;
use super::analysis::{LANGUAGES, MIN_COMPOUND_STEM};
use super::query::each_term_with_prefix;
use crate::Language;

/// Which stemmed fields of a language hold a term: title, headings, body.
pub(crate) const IN_TITLE: u8 = 1;
pub(crate) const IN_HEADINGS: u8 = 2;
pub(crate) const IN_BODY: u8 = 4;

/// One language's long stems, in two orders.
#[derive(Debug, Default)]
struct Words {
    /// (stem, the fields holding it), sorted by stem.
    forward: Vec<(Box<str>, u8)>,
    /// (stem reversed, the fields holding it), sorted by reversed stem.
    backward: Vec<(Box<str>, u8)>,
}

/// The long stems of one searcher's segments, per language with compounds.
#[derive(Debug, Default)]
pub(crate) struct Compounds {
    /// Which searcher they were listed from.
    generation: Option<u64>,
    /// Per language, in [`LANGUAGES`] order (English has none).
    languages: [Words; 3],
}

/// Whether `language` writes compounds as one word.
pub(crate) fn has_compounds(language: Language) -> bool {
    language != Language::En
}

impl Compounds {
    /// Lists the long stems of `searcher`'s stemmed fields.
    pub(crate) fn of(searcher: &Searcher, f: &Fields) -> Compounds {
        let mut languages: [Words; 3] = Default::default();
        for (slot, language) in LANGUAGES.iter().enumerate() {
            if !has_compounds(*language) {
                continue;
            }
            let mut found: std::collections::HashMap<Box<str>, u8> =
                std::collections::HashMap::new();
            for (field, flag) in [
                (f.title_in[slot], IN_TITLE),
                (f.headings_in[slot], IN_HEADINGS),
                (f.body_in[slot], IN_BODY),
            ] {
                each_long_term(searcher, field, |term| {
                    if let Some(flags) = found.get_mut(term) {
                        *flags |= flag;
                    } else {
                        found.insert(term.into(), flag);
                    }
                });
            }
            let mut backward: Vec<(Box<str>, u8)> = found
                .iter()
                .map(|(stem, flags)| (stem.chars().rev().collect::<String>().into(), *flags))
                .collect();
            backward.sort_unstable();
            let mut forward: Vec<(Box<str>, u8)> = found.into_iter().collect();
            forward.sort_unstable();
            languages[slot] = Words { forward, backward };
        }
        Compounds {
            generation: Some(searcher.generation().generation_id()),
            languages,
        }
    }

    /// Whether these stems serve `searcher`: listed from it or from a
    /// newer one (a query still holding the searcher before a commit may
    /// look up words the new commit added: they match nothing in it).
    pub(crate) fn serve(&self, searcher: &Searcher) -> bool {
        self.generation
            .is_some_and(|listed| listed >= searcher.generation().generation_id())
    }

    /// Long stems listed, in every language.
    pub(crate) fn len(&self) -> usize {
        self.languages.iter().map(|words| words.forward.len()).sum()
    }

    /// Calls `visit(stem, fields)` for each long stem of `language` starting
    /// with `prefix` until it returns false.
    pub(crate) fn starting_with(
        &self,
        language: Language,
        prefix: &str,
        visit: impl FnMut(&str, u8) -> bool,
    ) {
        if let Some(words) = self.words(language) {
            each_with_prefix(&words.forward, prefix, visit, |stem| stem.to_owned());
        }
    }

    /// Calls `visit(stem, fields)` for each long stem of `language` ending
    /// with `suffix` until it returns false.
    pub(crate) fn ending_with(
        &self,
        language: Language,
        suffix: &str,
        visit: impl FnMut(&str, u8) -> bool,
    ) {
        if let Some(words) = self.words(language) {
            let reversed: String = suffix.chars().rev().collect();
            each_with_prefix(&words.backward, &reversed, visit, |reversed| {
                reversed.chars().rev().collect()
            });
        }
    }

    fn words(&self, language: Language) -> Option<&Words> {
        let slot = LANGUAGES.iter().position(|l| *l == language)?;
        Some(&self.languages[slot])
    }
}

/// The entries of `sorted` starting with `prefix`, given to `visit` as
/// `stem(entry)`.
fn each_with_prefix(
    sorted: &[(Box<str>, u8)],
    prefix: &str,
    mut visit: impl FnMut(&str, u8) -> bool,
    stem: impl Fn(&str) -> String,
) {
    let start = sorted.partition_point(|(word, _)| &**word < prefix);
    for (word, flags) in &sorted[start..] {
        if !word.starts_with(prefix) || !visit(&stem(word), *flags) {
            break;
        }
    }
}

/// Calls `visit` with each term of `field` of at least
/// [`MIN_COMPOUND_STEM`] letters, in every segment.
fn each_long_term(searcher: &Searcher, field: Field, mut visit: impl FnMut(&str)) {
    each_term_with_prefix(searcher, field, "", |term| {
        if term.len() >= MIN_COMPOUND_STEM && term.chars().count() >= MIN_COMPOUND_STEM {
            visit(term);
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(stems: &[&str]) -> Words {
        let mut forward: Vec<(Box<str>, u8)> =
            stems.iter().map(|s| ((*s).into(), IN_BODY)).collect();
        let mut backward: Vec<(Box<str>, u8)> = stems
            .iter()
            .map(|s| (s.chars().rev().collect::<String>().into(), IN_BODY))
            .collect();
        forward.sort_unstable();
        backward.sort_unstable();
        Words { forward, backward }
    }

    fn listed(compounds: &Compounds, forward: bool, part: &str, most: usize) -> Vec<String> {
        let mut out = Vec::new();
        let visit = |stem: &str, _| {
            out.push(stem.to_owned());
            out.len() < most
        };
        if forward {
            compounds.starting_with(Language::Fi, part, visit);
        } else {
            compounds.ending_with(Language::Fi, part, visit);
        }
        out
    }

    #[test]
    fn a_part_finds_the_stems_starting_and_ending_with_it() {
        let compounds = Compounds {
            generation: None,
            languages: [
                words(&[
                    "tietoturv",
                    "turvallis",
                    "työttömyysturv",
                    "työttömyy",
                    "äänestäj",
                ]),
                Words::default(),
                Words::default(),
            ],
        };
        assert_eq!(listed(&compounds, true, "turv", 10), ["turvallis"]);
        assert_eq!(
            listed(&compounds, false, "turv", 10),
            ["tietoturv", "työttömyysturv"]
        );
        assert_eq!(
            listed(&compounds, true, "työttömyy", 10),
            ["työttömyy", "työttömyysturv"]
        );
        assert_eq!(
            listed(&compounds, false, "turv", 1),
            ["tietoturv"],
            "stops when told"
        );
        assert!(listed(&compounds, true, "ääni", 10).is_empty());
        assert!(
            listed(&compounds, true, "", 10).len() == 5,
            "every stem starts with nothing"
        );
        // Other languages have their own lists.
        let mut out = Vec::new();
        compounds.starting_with(Language::Sv, "turv", |s, _| {
            out.push(s.to_owned());
            true
        });
        assert!(out.is_empty());
    }
}

//! How text becomes index terms.
//!
//! * **Per language** (`fi`, `sv`, `en`): words split at anything that is
//!   not a letter or digit, lowercased, stemmed with the Snowball stemmer of
//!   the language ("salasanan", "salasanat" → "salasan").
//! * **Compound parts** (`fi`, `sv`): nothing more is indexed; a query
//!   word is also looked for as a part of the long stems the stemmed
//!   fields hold (see [`super::compounds`]).
//! * **Plain** (every language, the fallback): lowercased and folded to
//!   ASCII, no stemming: finds words the stemmers do not know, text typed
//!   without ä/ö/å on a phone keyboard, and prefixes for suggestions.

use std::cell::RefCell;
use std::collections::HashMap;
use tantivy::Index;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::Language;

/// Words longer than this (in bytes) are not indexed (hashes, URLs).
const MAX_TOKEN_BYTES: usize = 60;
/// Stems from this many letters on may be of compounds: a part of at
/// least [`MIN_PART`] letters and more (Snowball cuts a long word's
/// ending, so a compound's stem is shorter than the word).
pub(crate) const MIN_COMPOUND_STEM: usize = 6;
/// The shortest part searched for.
pub(crate) const MIN_PART: usize = 4;

/// The languages with their own fields, in field order.
pub(crate) const LANGUAGES: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

fn stem_algorithm(language: Language) -> frostem::Algorithm {
    match language {
        Language::Fi => frostem::Algorithm::Finnish,
        Language::Sv => frostem::Algorithm::Swedish,
        Language::En => frostem::Algorithm::English,
    }
}

/// Words whose stems a thread keeps per language (the commonest words of
/// a text are most of its words); when full, the list starts again. At
/// 57 bytes a word in a table of 16 384, under 1 MiB per language and
/// thread.
const STEMS_KEPT: usize = 8_192;

/// A word or stem in a stem list: held in the list itself, not behind a
/// pointer (a look-up is one memory access, not three). Longer words are
/// few and stemmed each time.
type Word = arrayvec::ArrayString<24>;

type Stems = HashMap<Word, Word, foldhash::fast::RandomState>;

thread_local! {
    /// Each language's words and their stems on this thread, so that
    /// indexing, snippets (which analyse each hit's whole text) and
    /// queries stem a word once, not at each occurrence. Per thread, not
    /// shared: when the two indexing threads shared one list behind a
    /// lock, looking a word up cost them more than stemming did. The
    /// indexing threads end at each commit and take their lists with them;
    /// the query threads' lists are bounded by [`STEMS_KEPT`].
    static STEMS: RefCell<[Stems; 3]> = RefCell::new(Default::default());
}

/// The analyser name of `language`'s stemmed fields.
pub(crate) fn stemmed(language: Language) -> String {
    format!("polku_{}", language.code())
}

/// The analyser name of the plain field.
pub(crate) const PLAIN: &str = "polku_plain";

fn stemmed_analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(CachedStemmer(language))
        .build()
}

fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers Polku's analysers on `index` (they are not stored in it).
pub(crate) fn register(index: &Index) {
    let manager = index.tokenizers();
    for language in LANGUAGES {
        manager.register(&stemmed(language), stemmed_analyzer(language));
    }
    manager.register(PLAIN, plain_analyzer());
}

/// `word` (letters and digits only) as the term of `language`'s stemmed
/// fields, or `None` if too long to be indexed.
pub(crate) fn stem(language: Language, word: &str) -> Option<String> {
    thread_local! {
        // Built once per thread: a query stems each word many times.
        static STEMMED: std::cell::RefCell<[TextAnalyzer; 3]> =
            std::cell::RefCell::new(LANGUAGES.map(stemmed_analyzer));
    }
    let slot = LANGUAGES.iter().position(|l| *l == language)?;
    STEMMED.with_borrow_mut(|analyzers| first_token(&mut analyzers[slot], word))
}

/// `word` as the term of the plain field.
pub(crate) fn plain(word: &str) -> Option<String> {
    thread_local! {
        static PLAIN: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(plain_analyzer());
    }
    PLAIN.with_borrow_mut(|analyzer| first_token(analyzer, word))
}

fn first_token(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    stream.advance().then(|| stream.token().text.clone())
}

/// The words of a query: runs of letters and digits. A colon with a short
/// inflection ending after a word is dropped ("CV:n", "USB:tä" → "CV",
/// "USB"), as Finnish inflects abbreviations that way.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            current.push(c);
            continue;
        }
        // Abbreviations and numbers: short, or capitals and digits.
        let abbreviation = current.chars().count() <= 4
            || current.chars().all(|c| c.is_uppercase() || c.is_numeric());
        if c == ':' && !current.is_empty() && abbreviation {
            let ending: String = chars.clone().take_while(|c| c.is_alphanumeric()).collect();
            let ending_len = ending.chars().count();
            if (1..=4).contains(&ending_len) && ending.chars().all(char::is_alphabetic) {
                for _ in 0..ending_len {
                    chars.next();
                }
            }
        }
        if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Token filter replacing each token by the Snowball stem of its
/// lowercased form in a language, remembered in [`STEMS`] by the word as
/// written (a text's words are mostly the same few, and its capitalised
/// ones are few).
#[derive(Clone, Copy)]
struct CachedStemmer(Language);

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            language: self.0,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
struct CachedStemmerFilter<T> {
    language: Language,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(stem_algorithm(self.language)),
            slot: LANGUAGES
                .iter()
                .position(|l| *l == self.language)
                .unwrap_or(0),
        }
    }
}

struct CachedStemmerStream<S> {
    tail: S,
    stemmer: frostem::Stemmer,
    /// The language's place in [`STEMS`].
    slot: usize,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|stems| {
            let stems = &mut stems[self.slot];
            // A word met before, as written: neither lowercased nor
            // stemmed again.
            if let Some(stem) = stems.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            // Character by character, as tantivy's `LowerCaser`.
            let lower: String = if token.text.is_ascii() {
                token.text.to_ascii_lowercase()
            } else {
                token.text.chars().flat_map(char::to_lowercase).collect()
            };
            let stem = self.stemmer.stem(&lower);
            if let (Ok(word), Ok(kept)) = (Word::from(&token.text), Word::from(&stem)) {
                if stems.len() >= STEMS_KEPT {
                    stems.clear();
                }
                stems.insert(word, kept);
            }
            token.text.clear();
            token.text.push_str(&stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t: &Token| out.push(t.text.clone()));
        out
    }

    #[test]
    fn remembered_stems_are_the_snowball_stems() {
        use tantivy::tokenizer::{Language as Snowball, Stemmer};
        for (language, snowball, text) in [
            (
                Language::Fi,
                Snowball::Finnish,
                // The last word is too long to be remembered (over 24 bytes).
                "Salasanan vaihtaminen: vahva salasana, salasanoja ja salasanaa. \
                 SALASANA tietojenkäsittelyjärjestelmän",
            ),
            (
                Language::Sv,
                Snowball::Swedish,
                "Lösenordet byts; starka lösenord och lösenorden.",
            ),
            (
                Language::En,
                Snowball::English,
                "Passwords, a strong password and changing passwords.",
            ),
        ] {
            let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .filter(Stemmer::new(snowball))
                .build();
            let expected = terms(&mut plain, text);
            // Twice: the second time every stem comes from memory.
            for _ in 0..2 {
                assert_eq!(terms(&mut stemmed_analyzer(language), text), expected);
            }
        }
    }

    #[test]
    fn finnish_inflections_share_a_stem() {
        // Snowball is not perfect for Finnish ("salasana" → "salas", as if
        // "-na" were a case ending): the query adds stem prefixes and typo
        // tolerance for that (see `query`).
        let base = stem(Language::Fi, "salasanan");
        assert_eq!(base.as_deref(), Some("salasan"));
        assert_eq!(stem(Language::Fi, "salasanat"), base);
        assert_eq!(stem(Language::Fi, "salasanaa"), base);
        assert_eq!(
            stem(Language::Sv, "lösenorden"),
            stem(Language::Sv, "lösenord")
        );
        assert_eq!(
            stem(Language::En, "passwords"),
            stem(Language::En, "password")
        );
    }

    #[test]
    fn plain_folds_to_ascii() {
        assert_eq!(plain("Työttömyys").as_deref(), Some("tyottomyys"));
        assert_eq!(plain("Lösenord").as_deref(), Some("losenord"));
    }

    #[test]
    fn query_words_drop_colon_endings() {
        assert_eq!(words("miten teen CV:n?"), ["miten", "teen", "CV"]);
        assert_eq!(words("USB:tä ja 10:30"), ["USB", "ja", "10", "30"]);
        assert_eq!(words("\"e-mail\" (phishing)"), ["e", "mail", "phishing"]);
        assert!(words("  \"\" ** :: ").is_empty());
    }
}

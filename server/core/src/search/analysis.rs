//! How text becomes index terms.
//!
//! * **Per language** (`fi`, `sv`, `en`): words split at anything that is
//!   not a letter or digit, lowercased, stemmed with the Snowball stemmer of
//!   the language ("salasanan", "salasanat" → "salasan").
//! * **Compound parts** (`fi`, `sv`): Finnish and Swedish write compounds
//!   as one word and inflect only the last part ("työttömyysturvan"). A
//!   decompounding dictionary (Voikko, hunspell) is a large native
//!   dependency and still misses new words, so the parts field indexes the
//!   prefixes and suffixes (at least [`MIN_PART`] characters) of every long
//!   stemmed word: "työttömyysturv" is found by "turva" (the head, a
//!   suffix) and by "työttömyys" (the modifier, a prefix). It is scored
//!   below whole words, so exact matches still come first.
//! * **Plain** (every language, the fallback): lowercased and folded to
//!   ASCII, no stemming: finds words the stemmers do not know, text typed
//!   without ä/ö/å on a phone keyboard, and prefixes for suggestions.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, RwLock};
use tantivy::Index;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::Language;

/// Words longer than this (in bytes) are not indexed (hashes, URLs).
const MAX_TOKEN_BYTES: usize = 60;
/// Words from this many characters on are split into parts.
pub(crate) const MIN_COMPOUND: usize = 8;
/// The shortest part indexed.
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

/// Words whose stems each language keeps (the commonest words of a text
/// are most of its words); when full, the list starts again.
const STEMS_KEPT: usize = 32_768;

/// Each language's words and their stems, shared by every copy of the
/// analysers: indexing, snippets (which analyse each hit's whole text)
/// and queries stem a word once, not at each occurrence.
static STEMS: LazyLock<[RwLock<HashMap<String, String>>; 3]> =
    LazyLock::new(|| std::array::from_fn(|_| RwLock::new(HashMap::new())));

/// Lets go of the remembered stems (after indexing, which fills the lists
/// for every word of every text; queries and snippets need far fewer).
pub(crate) fn forget_stems() {
    for stems in STEMS.iter() {
        if let Ok(mut stems) = stems.write() {
            *stems = HashMap::new();
        }
    }
}

/// The analyser name of `language`'s stemmed fields.
pub(crate) fn stemmed(language: Language) -> String {
    format!("polku_{}", language.code())
}

/// The analyser name of `language`'s compound-parts field.
pub(crate) fn parts(language: Language) -> String {
    format!("polku_parts_{}", language.code())
}

/// The analyser name of the plain field.
pub(crate) const PLAIN: &str = "polku_plain";

fn stemmed_analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer(language))
        .build()
}

fn parts_analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer(language))
        .filter(CompoundParts)
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
        manager.register(&parts(language), parts_analyzer(language));
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

/// The prefixes and suffixes of a long word, longest first, without the
/// word itself (what the parts field indexes after the word).
#[cfg(test)]
pub(crate) fn compound_parts(word: &str) -> Vec<String> {
    let mut parts = Parts::default();
    parts.start(word);
    std::iter::from_fn(|| parts.next(word).map(str::to_owned)).collect()
}

/// The parts of one word in turn, as slices of it: a long text has many
/// long words and each has two parts per character, so none is allocated.
#[derive(Default)]
struct Parts {
    /// Where each character of the word starts, and its length in bytes.
    starts: Vec<usize>,
    /// The next part's length in characters (done below [`MIN_PART`]).
    len: usize,
    /// Whether the next part is the suffix of that length.
    suffix: bool,
}

impl Parts {
    /// Starts on `word` (no parts when it is shorter than
    /// [`MIN_COMPOUND`] characters).
    fn start(&mut self, word: &str) {
        self.starts.clear();
        self.starts.extend(word.char_indices().map(|(i, _)| i));
        self.starts.push(word.len());
        let chars = self.starts.len() - 1;
        self.len = if chars >= MIN_COMPOUND { chars - 1 } else { 0 };
        self.suffix = false;
    }

    /// The next part of `word` (the word given to [`start`](Self::start)).
    fn next<'w>(&mut self, word: &'w str) -> Option<&'w str> {
        if self.len < MIN_PART {
            return None;
        }
        let chars = self.starts.len() - 1;
        let part = if self.suffix {
            let part = &word[self.starts[chars - self.len]..];
            self.len -= 1;
            part
        } else {
            &word[..self.starts[self.len]]
        };
        self.suffix = !self.suffix;
        Some(part)
    }
}

/// Token filter replacing each token by its Snowball stem in a language,
/// remembered in [`STEMS`].
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
        let slot = LANGUAGES
            .iter()
            .position(|l| *l == self.language)
            .unwrap_or(0);
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(stem_algorithm(self.language)),
            stems: &STEMS[slot],
        }
    }
}

struct CachedStemmerStream<S> {
    tail: S,
    stemmer: frostem::Stemmer,
    stems: &'static RwLock<HashMap<String, String>>,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Ok(stems) = self.stems.read()
            && let Some(stem) = stems.get(&token.text)
        {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if let Ok(mut stems) = self.stems.write() {
            if stems.len() >= STEMS_KEPT {
                stems.clear();
            }
            stems.insert(std::mem::take(&mut token.text), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter adding the parts of each long token after it (see
/// [`Parts`]), at the same position.
#[derive(Clone, Copy)]
struct CompoundParts;

impl TokenFilter for CompoundParts {
    type Tokenizer<T: Tokenizer> = CompoundPartsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CompoundPartsFilter<T> {
        CompoundPartsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
struct CompoundPartsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CompoundPartsFilter<T> {
    type TokenStream<'a> = CompoundPartsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CompoundPartsStream {
            tail: self.inner.token_stream(text),
            word: String::new(),
            parts: Parts::default(),
            split: HashSet::new(),
            current: Token::default(),
        }
    }
}

struct CompoundPartsStream<S> {
    tail: S,
    /// The word whose parts are being emitted.
    word: String,
    parts: Parts,
    /// The long words of this text whose parts were given: a word met
    /// again gives only itself (its parts count once per text).
    split: HashSet<String>,
    current: Token,
}

impl<S: TokenStream> TokenStream for CompoundPartsStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(part) = self.parts.next(&self.word) {
            self.current.text.clear();
            self.current.text.push_str(part);
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        self.current.clone_from(self.tail.token());
        let text = &self.current.text;
        // Bytes are at least characters: a cheap first test, `start`
        // counts the characters.
        if text.len() >= MIN_COMPOUND && !self.split.contains(text) {
            self.split.insert(text.clone());
            self.word.clone_from(text);
            self.parts.start(&self.word);
        }
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
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
                "Salasanan vaihtaminen: vahva salasana, salasanoja ja salasanaa.",
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
    fn compound_parts_include_head_and_modifier() {
        let parts = compound_parts("työttömyysturv");
        assert!(parts.contains(&"turv".to_owned()), "{parts:?}");
        assert!(parts.contains(&"työttömyys".to_owned()), "{parts:?}");
        assert!(!parts.contains(&"työttömyysturv".to_owned()));
        assert!(parts.iter().all(|p| p.chars().count() >= MIN_PART));
        assert!(compound_parts("turva").is_empty());
        // Longest first, prefix before suffix, down to MIN_PART characters.
        assert_eq!(
            compound_parts("äänestäjä"),
            [
                "äänestäj",
                "änestäjä",
                "äänestä",
                "nestäjä",
                "äänest",
                "estäjä",
                "äänes",
                "stäjä",
                "ääne",
                "täjä"
            ]
        );
        assert!(compound_parts("äänestä").is_empty(), "seven characters");
    }

    #[test]
    fn the_parts_analyser_keeps_the_word_and_adds_parts() {
        let mut analyzer = parts_analyzer(Language::Fi);
        let out = terms(&mut analyzer, "Työttömyysturva ja kela");
        assert_eq!(out.first().map(String::as_str), Some("työttömyysturv"));
        assert!(out.contains(&"turv".to_owned()), "{out:?}");
        assert!(out.contains(&"kel".to_owned()) || out.contains(&"kela".to_owned()));
    }

    #[test]
    fn a_word_met_again_in_a_text_gives_its_parts_once() {
        let mut analyzer = parts_analyzer(Language::Fi);
        let out = terms(&mut analyzer, "työttömyysturva kela työttömyysturva");
        let turv = |out: &[String]| out.iter().filter(|t| *t == "turv").count();
        assert_eq!(turv(&out), 1, "{out:?}");
        assert_eq!(out.iter().filter(|t| *t == "työttömyysturv").count(), 2);
        // A new text starts again.
        assert_eq!(turv(&terms(&mut analyzer, "työttömyysturva")), 1);
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

//! What is read aloud of a lesson, and where each sentence is on the page.
//!
//! The page marks what is read with `data-say`: `data-say="block"` on an
//! element read as one block (the title, a quiz's question, hint and
//! options),
//! `data-say="flow"` on a container whose readable elements are blocks
//! (the objectives, each piece of the lesson body). Readable elements are
//! [`BLOCK_TAGS`]; a block's text is the text inside it that is not inside
//! a readable element of its own. Nothing inside [`SKIPPED_TAGS`] is read
//! (code, media), nor what a `<details>` hides until it is opened (a model
//! answer): only its `<summary>`. The browser counts the blocks of the page
//! by the same rule, so a cue's block number names the same element there
//! (`app/src/components/read_aloud.rs`).

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use sha2::{Digest, Sha256};

use crate::content::markdown::split_body;
use crate::content::quiz::Quiz;
use crate::content::readability::sentence_ranges;
use polku_types::courses::BodyPart;

/// Elements read as blocks.
pub const BLOCK_TAGS: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "dt",
    "dd",
    "th",
    "td",
    "caption",
    "figcaption",
    "summary",
];

/// Elements whose content is never read.
pub const SKIPPED_TAGS: &[&str] = &[
    "pre", "script", "style", "svg", "math", "video", "audio", "iframe", "template", "textarea",
    "select",
];

/// Elements without an end tag.
const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// A lesson's text as it is read: its blocks, and its sentences in the
/// order they are spoken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Each block's text, as the page has it.
    pub blocks: Vec<String>,
    /// (block, byte range in its text) of each sentence.
    pub sentences: Vec<(u32, Range<usize>)>,
}

impl Script {
    /// Builds a lesson's script: its title, objectives, body and quizzes
    /// (question and options), in the order the page shows them.
    pub fn lesson(title: &str, objectives: &[String], body_html: &str, quizzes: &[Quiz]) -> Script {
        let mut script = Script::default();
        script.push_block(title.to_owned());
        for objective in objectives {
            script.push_block(objective.clone());
        }
        for part in split_body(body_html) {
            match part {
                BodyPart::Html(html) => {
                    for block in blocks_of(&html) {
                        script.push_block(block);
                    }
                }
                BodyPart::Quiz(n) => {
                    let Some(quiz) = quizzes.get(n) else {
                        continue;
                    };
                    let view = quiz.question();
                    script.push_block(view.question.clone());
                    if let Some(hint) = view.hint.clone() {
                        script.push_block(hint);
                    }
                    for text in view.spoken() {
                        script.push_block(text.to_owned());
                    }
                }
            }
        }
        script
    }

    fn push_block(&mut self, text: String) {
        let block = u32::try_from(self.blocks.len()).unwrap_or(u32::MAX);
        for range in sentence_ranges(&text) {
            self.sentences.push((block, range));
        }
        self.blocks.push(text);
    }

    /// Each sentence as it is spoken (spaces and line breaks made one space).
    pub fn spoken(&self) -> impl Iterator<Item = (u32, String)> + '_ {
        self.sentences.iter().map(|(block, range)| {
            let text = self.blocks[*block as usize][range.clone()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (*block, text)
        })
    }

    /// A sentence's place in its block's text as the browser counts it
    /// (UTF-16 code units).
    pub fn utf16_range(&self, sentence: usize) -> (u32, u32) {
        let Some((block, range)) = self.sentences.get(sentence) else {
            return (0, 0);
        };
        let text = &self.blocks[*block as usize];
        let count = |s: &str| u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX);
        (count(&text[..range.start]), count(&text[..range.end]))
    }

    /// SHA-256 (hex) of what is spoken, where the blocks break, and by
    /// which engine (`engine`): equal hashes make equal audio.
    pub fn hash(&self, engine: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(engine.as_bytes());
        for (block, text) in self.spoken() {
            hasher.update(b"\n");
            hasher.update(block.to_le_bytes());
            hasher.update(text.as_bytes());
        }
        format!("{:x}", hasher.finalize())
    }

    /// Whether nothing would be read.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

/// The text of each readable element of a piece of sanitised HTML, in
/// document order (empty ones included: the browser counts them too).
pub fn blocks_of(html: &str) -> Vec<String> {
    let sink = Walker::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.state.into_inner().blocks
}

#[derive(Default)]
struct Walker {
    state: RefCell<WalkState>,
}

#[derive(Default)]
struct WalkState {
    /// Open elements: (tag name, the block it is, if it is one).
    open: Vec<(String, Option<usize>)>,
    blocks: Vec<String>,
}

impl WalkState {
    /// Whether the content of the open elements is never read: inside a
    /// skipped element, or inside a `<details>` but not in its summary.
    fn hidden(&self) -> bool {
        self.open.iter().enumerate().any(|(i, (name, _))| {
            SKIPPED_TAGS.contains(&name.as_str())
                || (name == "details"
                    && self
                        .open
                        .get(i + 1)
                        .is_some_and(|(child, _)| child != "summary"))
        })
    }

    fn start(&mut self, tag: &Tag) {
        let name = tag.name.to_string();
        if VOID_TAGS.contains(&name.as_str()) {
            return;
        }
        self.open.push((name.clone(), None));
        if BLOCK_TAGS.contains(&name.as_str()) && !self.hidden() {
            self.blocks.push(String::new());
            if let Some(last) = self.open.last_mut() {
                last.1 = Some(self.blocks.len() - 1);
            }
        }
    }

    fn end(&mut self, tag: &Tag) {
        let name = tag.name.to_string();
        if let Some(at) = self.open.iter().rposition(|(open, _)| *open == name) {
            self.open.truncate(at);
        }
    }

    fn text(&mut self, text: &str) {
        if self.hidden() {
            return;
        }
        if let Some(block) = self.open.iter().rev().find_map(|(_, block)| *block)
            && let Some(out) = self.blocks.get_mut(block)
        {
            out.push_str(text);
        }
    }
}

impl TokenSink for Walker {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag if !tag.self_closing => state.start(&tag),
                TagKind::StartTag => {}
                TagKind::EndTag => state.end(&tag),
            },
            Token::CharacterTokens(text) => state.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Each sentence as spoken, with its block, for tests.
#[cfg(test)]
fn sentence_texts(script: &Script) -> Vec<(u32, String)> {
    script.spoken().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polku_types::courses::QuizKind;

    #[test]
    fn blocks_are_readable_elements_and_skip_code_and_hidden_answers() {
        let html = "<h2 id=\"h-a\">Sähköposti</h2>\n<p>Avaa <em>posti</em>. Lue viesti!</p>\n\
            <pre><code>rm -rf /</code></pre>\n<ul>\n<li>yksi</li>\n<li><p>kaksi</p></li>\n</ul>\n\
            <details class=\"callout\"><summary>Malliratkaisu</summary><p>Salainen vastaus.</p></details>\
            <p>Kuva: <img src=\"a.png\" alt=\"x\">loppu &amp; piste.</p>";
        assert_eq!(
            blocks_of(html),
            vec![
                "Sähköposti".to_owned(),
                "Avaa posti. Lue viesti!".to_owned(),
                "yksi".to_owned(),
                // A loose list item: its paragraph is a block of its own.
                String::new(),
                "kaksi".to_owned(),
                "Malliratkaisu".to_owned(),
                "Kuva: loppu & piste.".to_owned(),
            ]
        );
    }

    #[test]
    fn the_script_reads_title_objectives_body_and_quizzes_in_page_order() {
        let option = |text: &str| crate::content::quiz::QuizOption {
            text: text.to_owned(),
            correct: false,
            feedback: None,
        };
        let quiz = Quiz {
            options: vec![option("Linkki"), option("Ei linkkiä")],
            ..Quiz::new(
                QuizKind::Single,
                "Mikä on turvallinen?".to_owned(),
                Some("Mieti linkkejä.".to_owned()),
            )
        };
        let body = format!(
            "<p>Ensin tämä. Sitten tuo.</p>{}<p>Loppu.</p>",
            crate::content::markdown::quiz_marker(0)
        );
        let script = Script::lesson("Otsikko", &["Osaat asian.".to_owned()], &body, &[quiz]);
        assert_eq!(
            sentence_texts(&script),
            vec![
                (0, "Otsikko".to_owned()),
                (1, "Osaat asian.".to_owned()),
                (2, "Ensin tämä.".to_owned()),
                (2, "Sitten tuo.".to_owned()),
                (3, "Mikä on turvallinen?".to_owned()),
                (4, "Mieti linkkejä.".to_owned()),
                (5, "Linkki".to_owned()),
                (6, "Ei linkkiä".to_owned()),
                (7, "Loppu.".to_owned()),
            ]
        );
        // "Sitten tuo." starts after "Ensin tämä. " in UTF-16 units.
        assert_eq!(script.utf16_range(3), (12, 23));
        assert_ne!(script.hash("espeak-ng"), script.hash("piper"));
        assert_eq!(script.hash("a"), script.clone().hash("a"));
    }

    #[test]
    fn offsets_count_utf16_units_as_the_browser_does() {
        let script = Script::lesson("😀 Hymy. Toinen.", &[], "", &[]);
        // The emoji is two UTF-16 units (four bytes in UTF-8).
        assert_eq!(script.utf16_range(1), (9, 16));
    }
}

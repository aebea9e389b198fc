//! Fuzzes a lesson file through the whole pipeline: front matter, title,
//! Markdown with Polku's blocks, sanitising. Whatever the input, nothing
//! may panic and the stored HTML must stay safe and well-formed.

#![no_main]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::{Corpus, fuzz_target};
use polku_core::Language;
use polku_core::content::{RenderContext, lesson_from_text};

static MEDIA: LazyLock<BTreeSet<String>> =
    LazyLock::new(|| BTreeSet::from(["media/a.png".to_owned()]));

fuzz_target!(|data: &[u8]| -> Corpus {
    // Lesson files are read as UTF-8; anything else never reaches the pipeline.
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let ctx = RenderContext {
        language: Language::Fi,
        course_slug: "c",
        lesson_dir: "",
        media: &MEDIA,
        first_line: 1,
    };
    let (variant, problems) = lesson_from_text(
        Path::new("fuzz.md"),
        "fuzz.md".to_owned(),
        text,
        &ctx,
        Some("Fuzz"),
    );

    let last_line = text.matches('\n').count() + 1;
    for problem in &problems {
        if let Some(line) = problem.line {
            assert!(
                (1..=last_line).contains(&line),
                "problem line {line} outside 1..={last_line}: {problem}"
            );
        }
    }

    if let Some(variant) = variant {
        check_html(&variant.body_html, variant.quizzes.len());
    }
    Corpus::Keep
});

/// Invariants of stored lesson HTML.
fn check_html(html: &str, quizzes: usize) {
    // Every comment is a quiz marker, and the markers are exactly 0..quizzes
    // in order (so none is forged, e.g. inside an attribute value).
    let mut markers = Vec::new();
    for (at, _) in html.match_indices("<!--") {
        let rest = &html[at + 4..];
        let n = rest
            .strip_prefix("polku-quiz:")
            .and_then(|r| r.split_once("-->"))
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("a comment that is not a quiz marker at {at}: {html}"));
        assert!(n < quizzes, "marker {n} but {quizzes} quizzes: {html}");
        markers.push(n);
    }
    assert!(
        markers.iter().copied().eq(0..quizzes),
        "markers {markers:?} for {quizzes} quizzes: {html}"
    );

    // Tags. Serialised text has `<` escaped, so every `<` outside an
    // attribute value starts a tag or a comment.
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            let end = html[i + 4..]
                .find("-->")
                .unwrap_or_else(|| panic!("unclosed comment at {i}: {html}"));
            i += 4 + end + 3;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        assert!(
            !name.is_empty() && !name.starts_with("script"),
            "tag <{name} at {start}: {html}"
        );
        // Attributes.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            assert!(i < b.len(), "unterminated tag <{name}: {html}");
            if b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = html[start..i].to_ascii_lowercase();
            assert!(
                !attr.starts_with("on"),
                "event handler {attr} on <{name}>: {html}"
            );
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = html[i + 1..]
                        .find(q as char)
                        .unwrap_or_else(|| panic!("unclosed {attr} value on <{name}>: {html}"));
                    let value = &html[i + 1..i + 1 + end];
                    i += end + 2;
                    value
                }
                _ => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[start..i]
                }
            };
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .flat_map(char::to_lowercase)
                .collect();
            assert!(
                !squashed.starts_with("javascript:") && !squashed.starts_with("vbscript:"),
                "script URL in {attr} on <{name}>: {html}"
            );
        }
    }
}

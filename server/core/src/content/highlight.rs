//! Code highlighting of fenced code blocks, done once when a lesson is
//! rendered (at import or save): no JavaScript, nothing to download.
//!
//! syntect's grammars (the Sublime Text syntaxes bundled with it) find each
//! token's scope; the scope is reduced to a handful of kinds ([`KINDS`]),
//! each a CSS class (`hl-comment`, `hl-string`…) whose colour in
//! `style/30-lesson-parts.css` has at least 4.5:1 contrast on the code
//! background. The class names are a fixed list, so the sanitiser allows
//! exactly them and the output goes through it like any other HTML.

use std::sync::LazyLock;

use pulldown_cmark_escape::escape_html;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The kinds of token that get a colour, by the scope prefixes that make
/// them, innermost scope first.
const KINDS: &[(&str, &[&str])] = &[
    ("hl-comment", &["comment"]),
    ("hl-string", &["string", "constant.character.escape"]),
    ("hl-number", &["constant.numeric", "constant.language"]),
    (
        "hl-keyword",
        &["keyword", "storage.modifier", "storage.type.function"],
    ),
    (
        "hl-function",
        &[
            "entity.name.function",
            "support.function",
            "variable.function",
        ],
    ),
    (
        "hl-type",
        &[
            "entity.name.type",
            "entity.name.class",
            "support.type",
            "support.class",
            "storage.type",
        ],
    ),
    ("hl-tag", &["entity.name.tag"]),
    ("hl-attribute", &["entity.other.attribute-name"]),
];

/// The class names, for the sanitiser.
pub(crate) fn classes() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|(class, _)| *class)
}

/// The longest code block highlighted (longer ones are shown plain).
const MAX_BYTES: usize = 64 * 1024;

struct Grammar {
    syntaxes: SyntaxSet,
    kinds: Vec<(&'static str, Vec<Scope>)>,
}

static GRAMMAR: LazyLock<Grammar> = LazyLock::new(|| Grammar {
    syntaxes: SyntaxSet::load_defaults_newlines(),
    kinds: KINDS
        .iter()
        .map(|(class, prefixes)| {
            (
                *class,
                prefixes.iter().filter_map(|p| Scope::new(p).ok()).collect(),
            )
        })
        .collect(),
});

impl Grammar {
    fn syntax(&self, language: &str) -> Option<&SyntaxReference> {
        let token = match language.to_ascii_lowercase().as_str() {
            "shell" | "sh" | "console" | "zsh" => "bash".to_owned(),
            "py" | "python3" | "pycon" => "python".to_owned(),
            "js" | "jsx" | "node" => "javascript".to_owned(),
            "htm" | "xhtml" => "html".to_owned(),
            other => other.to_owned(),
        };
        self.syntaxes.find_syntax_by_token(&token)
    }

    /// The class of the innermost scope of `stack` that has one.
    fn class(&self, stack: &ScopeStack) -> Option<&'static str> {
        stack.as_slice().iter().rev().find_map(|scope| {
            self.kinds.iter().find_map(|(class, prefixes)| {
                prefixes
                    .iter()
                    .any(|p| p.is_prefix_of(*scope))
                    .then_some(*class)
            })
        })
    }
}

/// `code` highlighted as `language` (the fence's first word), as the inner
/// HTML of `<code>`: escaped text in `<span class="hl-…">`. `None` when the
/// language is unknown, the block is too long or the grammar fails (then
/// the block is shown plain, as before).
pub(crate) fn highlight(language: &str, code: &str) -> Option<String> {
    if code.len() > MAX_BYTES || language.is_empty() {
        return None;
    }
    let grammar = &*GRAMMAR;
    let syntax = grammar.syntax(language)?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = String::with_capacity(code.len() * 2);
    // The open span's class, merged across tokens of the same kind.
    let mut open: Option<&'static str> = None;
    let mut emit = |text: &str, class: Option<&'static str>, out: &mut String| {
        if text.is_empty() {
            return;
        }
        if class != open {
            if open.is_some() {
                out.push_str("</span>");
            }
            if let Some(class) = class {
                out.push_str("<span class=\"");
                out.push_str(class);
                out.push_str("\">");
            }
            open = class;
        }
        let _ = escape_html(&mut *out, text);
    };
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, &grammar.syntaxes).ok()?;
        let mut at = 0;
        for (position, op) in ops {
            let position = position.min(line.len());
            if position > at {
                emit(&line[at..position], grammar.class(&stack), &mut out);
                at = position;
            }
            stack.apply(&op).ok()?;
        }
        emit(&line[at..], grammar.class(&stack), &mut out);
    }
    if open.is_some() {
        out.push_str("</span>");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_is_coloured_and_escaped() {
        let html = highlight(
            "python",
            "# greet\nif x < 3:\n    print(\"<b>hi</b>\", 42)\n",
        )
        .unwrap();
        assert!(
            html.contains("<span class=\"hl-comment\"># greet"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-keyword\">if</span>"),
            "{html}"
        );
        assert!(html.contains("&lt;"), "{html}");
        assert!(html.contains("&lt;b&gt;hi&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("<span class=\"hl-number\">42</span>"),
            "{html}"
        );
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn shell_and_unknown_languages() {
        assert!(
            highlight("bash", "ls -F # list\n")
                .unwrap()
                .contains("hl-comment")
        );
        assert!(
            highlight("shell", "echo \"x\"\n")
                .unwrap()
                .contains("hl-string")
        );
        assert_eq!(highlight("no-such-language", "x"), None);
        assert_eq!(highlight("", "x"), None);
    }
}

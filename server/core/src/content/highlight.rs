//! Code highlighting of fenced code blocks, done once when a lesson is
//! rendered (at import or save): no JavaScript, nothing to download.
//!
//! syntect's grammars (the Sublime Text syntaxes bundled with it) find each
//! token's scope; the scope is reduced to a handful of kinds ([`KINDS`]),
//! each a CSS class (`hl-comment`, `hl-string`…) whose colour in
//! `style/30-lesson-parts.css` has at least 4.5:1 contrast on the code
//! background. The class names are a fixed list, so the sanitiser allows
//! exactly them and the output goes through it like any other HTML.
//!
//! The grammars are held only while lessons are being rendered: syntect
//! builds a language's grammar on its first use (Python's takes about
//! 7 MiB and 20 ms, the shell's 11 MiB), and a server that rendered its
//! courses at start has no use for them until the next import or save.
//! They are dropped [`IDLE_RELEASE`] after their last use.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pulldown_cmark_escape::escape_html;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::sync::lock;

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

/// How long the grammars are kept after their last use.
pub const IDLE_RELEASE: Duration = Duration::from_secs(10);

/// The grammars while in use, and when they were last used.
struct Kept {
    grammar: Arc<Grammar>,
    used: Instant,
}

static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

/// The grammars, loaded if they are not in memory (and then a thread
/// that drops them once idle is started).
fn grammar() -> Arc<Grammar> {
    let mut kept = lock(&KEPT);
    if let Some(k) = kept.as_mut() {
        k.used = Instant::now();
        return Arc::clone(&k.grammar);
    }
    let grammar = Arc::new(Grammar::load());
    *kept = Some(Kept {
        grammar: Arc::clone(&grammar),
        used: Instant::now(),
    });
    drop(kept);
    let release = std::thread::Builder::new()
        .name("polku-grammar".into())
        .spawn(|| {
            loop {
                let mut kept = lock(&KEPT);
                match idle_left(&kept, Instant::now(), IDLE_RELEASE) {
                    Some(left) => {
                        drop(kept);
                        std::thread::sleep(left);
                    }
                    None => {
                        // Freed outside the lock (a render may still hold
                        // them: then they go when that render ends).
                        let taken = kept.take();
                        drop(kept);
                        drop(taken);
                        return;
                    }
                }
            }
        });
    if let Err(err) = release {
        // Without the thread the grammars stay in memory: a cost, not
        // an error.
        tracing::warn!(target: "polku::content", "code grammars stay in memory: {err}");
    }
    grammar
}

/// How long until the grammars in `kept` have been unused for `idle`;
/// `None` when they have been already (or are gone).
fn idle_left(kept: &Option<Kept>, now: Instant, idle: Duration) -> Option<Duration> {
    let unused = now.saturating_duration_since(kept.as_ref()?.used);
    Some(idle.saturating_sub(unused)).filter(|left| !left.is_zero())
}

impl Grammar {
    fn load() -> Grammar {
        Grammar {
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
        }
    }

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
    let grammar = grammar();
    let grammar = &*grammar;
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

    #[test]
    fn grammars_are_dropped_once_idle_and_loaded_again_when_needed() {
        let now = Instant::now();
        let used = |ago: u64| {
            Some(Kept {
                grammar: Arc::new(Grammar::load()),
                used: now.checked_sub(Duration::from_secs(ago)).unwrap_or(now),
            })
        };
        let second = Duration::from_secs(1);
        assert_eq!(idle_left(&used(0), now, IDLE_RELEASE), Some(IDLE_RELEASE));
        assert_eq!(
            idle_left(&used(IDLE_RELEASE.as_secs() - 1), now, IDLE_RELEASE),
            Some(second)
        );
        assert_eq!(
            idle_left(&used(IDLE_RELEASE.as_secs()), now, IDLE_RELEASE),
            None
        );
        // Already gone: nothing to watch.
        assert_eq!(idle_left(&None, now, IDLE_RELEASE), None);
        // A grammar taken out while a render holds it stays usable there.
        let held = grammar();
        drop(lock(&KEPT).take());
        assert!(held.syntax("python").is_some());
        assert!(highlight("python", "x = 1\n").is_some());
    }
}

//! Pandoc fenced divs, as The Carpentries' and other Pandoc-based lessons
//! write them:
//!
//! ```text
//! ::::::::::::::::::::::::::::::::::::: challenge
//! ## Which command?
//! …
//! :::::::::::::::: solution
//! `ls -F`
//! ::::::::::::::::::::::::
//! :::::::::::::::::::::::::::::::::::::::::::::::
//! ```
//!
//! Each div becomes a block quote of the Markdown it holds (every line
//! prefixed with `> `, so no line moves and problems keep their line
//! numbers), opened with a GFM alert marker the renderer recognises; the
//! renderer then draws it as the callout or the hidden answer its class
//! names ([`DivKind`]). Fences inside code blocks are left alone; a div left
//! open ends with the text.

use std::collections::BTreeMap;

/// Divs nested deeper than this are read as text: every line inside is
/// prefixed once per open div, so unbounded nesting would make a crafted
/// 1 MiB file grow quadratically.
const MAX_OPEN: usize = 8;

/// What a div's class makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DivKind {
    /// A callout box with a label (a key of `labels.toml`) and a callout
    /// style (`note`, `tip`, `important`, `warning`, `caution`).
    Callout {
        label: &'static str,
        style: &'static str,
    },
    /// Hidden until opened (`<details>`), with a label.
    Hidden { label: &'static str },
}

impl DivKind {
    /// The kind of a div of class `class`.
    fn of(class: &str) -> DivKind {
        let callout = |label, style| DivKind::Callout { label, style };
        match class.to_ascii_lowercase().as_str() {
            "challenge" | "exercise" | "task" => callout("exercise", "tip"),
            "solution" | "answer" => DivKind::Hidden { label: "solution" },
            "hint" | "spoiler" => DivKind::Hidden { label: "hint" },
            "instructor" => DivKind::Hidden {
                label: "instructor",
            },
            "objectives" => callout("objectives", "note"),
            "questions" => callout("questions", "note"),
            "keypoints" => callout("keypoints", "important"),
            "tip" => callout("tip", "tip"),
            "important" => callout("important", "important"),
            "warning" => callout("warning", "warning"),
            "caution" | "danger" => callout("caution", "caution"),
            // callout, note, discussion, checklist, prereq, testimonial and
            // any other class: a note.
            _ => callout("note", "note"),
        }
    }
}

/// The class of an opening fence (`::: challenge`, `::: {.challenge}`,
/// `::::: {#id .callout title="x"} :::`), `None` for a closing fence or a
/// line that is not a fence.
fn fence(line: &str) -> Option<Option<String>> {
    let rest = line.strip_prefix(":::")?;
    let rest = rest.trim_start_matches(':').trim();
    let rest = rest.trim_end_matches(':').trim();
    if rest.is_empty() {
        return Some(None);
    }
    let class = match rest.strip_prefix('{') {
        Some(attributes) => attributes
            .trim_end_matches('}')
            .split_whitespace()
            .find_map(|a| a.strip_prefix('.'))
            .unwrap_or("note")
            .to_owned(),
        None => rest.split_whitespace().next()?.to_owned(),
    };
    // A class is a word; anything else is text that happens to start
    // with colons.
    class
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        .then_some(Some(class))
}

/// `markdown` with its fenced divs turned into block quotes, and each
/// div's kind by the 1-based line its quote starts on; `None` when the
/// text has no div (then it renders as it is).
pub(crate) fn unfence(markdown: &str) -> Option<(String, BTreeMap<usize, DivKind>)> {
    if !markdown.contains(":::") {
        return None;
    }
    let mut out = String::with_capacity(markdown.len() + 256);
    let mut kinds = BTreeMap::new();
    let mut open = 0usize;
    // Fences past [`MAX_OPEN`], read as text (their closing fences too).
    let mut ignored = 0usize;
    // The fence of the code block the line is in (``` or ~~~, its length).
    let mut code: Option<(char, usize)> = None;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let trimmed = body.trim_start();
        let run = |c: char| trimmed.chars().take_while(|&x| x == c).count();
        match code {
            Some((c, n)) if run(c) >= n && trimmed.trim_start_matches(c).trim().is_empty() => {
                code = None;
            }
            Some(_) => {}
            None if run('`') >= 3 => code = Some(('`', run('`'))),
            None if run('~') >= 3 => code = Some(('~', run('~'))),
            None => match fence(body) {
                Some(Some(_)) if open >= MAX_OPEN => ignored += 1,
                Some(None) if ignored > 0 => ignored -= 1,
                Some(Some(class)) => {
                    out.push_str(&"> ".repeat(open));
                    out.push_str("> [!NOTE]");
                    out.push_str(ending);
                    kinds.insert(index + 1, DivKind::of(&class));
                    open += 1;
                    continue;
                }
                Some(None) if open > 0 => {
                    open -= 1;
                    out.push_str("> ".repeat(open).trim_end());
                    out.push_str(ending);
                    continue;
                }
                _ => {}
            },
        }
        if open > 0 {
            out.push_str(&"> ".repeat(open));
        }
        out.push_str(line);
    }
    (!kinds.is_empty()).then_some((out, kinds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divs_become_quotes_line_for_line() {
        let text = "Intro\n\n::::: challenge\n## Which?\n\n```bash\n:::: not a fence\n```\n::: solution\n`ls`\n:::\n:::::\nAfter\n";
        let (out, kinds) = unfence(text).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(
            out,
            "Intro\n\n> [!NOTE]\n> ## Which?\n> \n> ```bash\n> :::: not a fence\n> ```\n> > [!NOTE]\n> > `ls`\n>\n\nAfter\n"
        );
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            [
                (
                    3,
                    DivKind::Callout {
                        label: "exercise",
                        style: "tip"
                    }
                ),
                (9, DivKind::Hidden { label: "solution" })
            ]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let text = "::: a\n".repeat(100_000) + "text\n" + &":::\n".repeat(100_000) + "after\n";
        let (out, kinds) = unfence(&text).unwrap();
        assert_eq!(kinds.len(), MAX_OPEN);
        // At most MAX_OPEN prefixes a line: linear, not quadratic.
        assert!(
            out.len() <= text.len() * (2 * MAX_OPEN + 2),
            "{}",
            out.len()
        );
        // The ignored fences' closings do not close the real divs early:
        // the text after all of them is outside every div.
        assert!(out.ends_with("\nafter\n"), "{}", &out[out.len() - 40..]);
    }

    #[test]
    fn fences_name_their_class_in_either_form() {
        assert_eq!(
            fence("::: {.callout title=\"x\"}"),
            Some(Some("callout".into()))
        );
        assert_eq!(
            fence(":::::: keypoints ::::::"),
            Some(Some("keypoints".into()))
        );
        assert_eq!(fence("::::::::"), Some(None));
        assert_eq!(
            fence(":::: a sentence, with commas"),
            Some(Some("a".into()))
        );
        assert_eq!(fence(":: no"), None);
        assert_eq!(fence("::: (x)"), None);
        assert!(unfence("no divs here").is_none());
        assert!(unfence("::::\nonly a closing fence\n").is_none());
    }
}

//! Markdown to safe HTML: pulldown-cmark parses, Polku's blocks (quizzes,
//! exercises, videos), callouts, images and heading anchors are handled on
//! the event stream, and ammonia sanitises everything the author wrote.
//!
//! Lesson HTML is produced here once, at import or on save in the editor,
//! and stored; pages never re-render it. [`render_lesson`] is a pure
//! function of the Markdown and an explicit [`RenderContext`].

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::LazyLock;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};
use pulldown_cmark_escape::escape_href;

use super::blocks::{self, esc};
use super::divs::{self, DivKind};
use super::highlight;
use super::labels::label;
use super::lessons::line_of;
use super::quiz::Quiz;
use crate::Language;

/// Where quiz `n` goes in stored lesson HTML. Sanitised author HTML never
/// contains comments, so the marker cannot be forged.
pub fn quiz_marker(n: usize) -> String {
    format!("<!--polku-quiz:{n}-->")
}

/// The prefix of every quiz marker.
pub const QUIZ_MARKER_PREFIX: &str = "<!--polku-quiz:";

pub use polku_types::courses::BodyPart;

/// Splits stored lesson HTML at its quiz markers.
pub fn split_body(html: &str) -> Vec<BodyPart> {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(QUIZ_MARKER_PREFIX) {
        let after = &rest[at + QUIZ_MARKER_PREFIX.len()..];
        let Some((number, tail)) = after.split_once("-->") else {
            break;
        };
        let Ok(n) = number.parse() else { break };
        if at > 0 {
            parts.push(BodyPart::Html(rest[..at].to_owned()));
        }
        parts.push(BodyPart::Quiz(n));
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(BodyPart::Html(rest.to_owned()));
    }
    parts
}

/// What rendering needs to know besides the Markdown.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    /// The lesson's language (for labels).
    pub language: Language,
    /// The course, for media URLs.
    pub course_slug: &'a str,
    /// The lesson file's folder relative to the course folder ("" or a module folder).
    pub lesson_dir: &'a str,
    /// Media files of the course, relative to the course folder (`media/x.png`).
    pub media: &'a BTreeSet<String>,
    /// The file line of the body's first line, for messages.
    pub first_line: usize,
}

/// A heading of a lesson, for a table of contents and search.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 2 to 6.
    pub level: u8,
    /// The plain text.
    pub text: String,
    /// The anchor (the `id` in the HTML).
    pub anchor: String,
}

/// The plain text of a lesson part: what comes before the first heading
/// (`anchor` none) or under one heading. For search (kept with the text
/// as JSON, see `lesson_texts.sections`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// The heading's anchor (`h-…`), none before the first heading.
    pub anchor: Option<String>,
    /// The heading's text, empty before the first heading.
    pub heading: String,
    /// The text without markup; blocks end with a line break.
    pub text: String,
}

/// A rendered lesson body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// Sanitised HTML with quiz markers.
    pub html: String,
    /// The quizzes, in order; quiz `n` sits at [`quiz_marker`]`(n)`.
    pub quizzes: Vec<Quiz>,
    /// Headings in order.
    pub headings: Vec<Heading>,
    /// The text without markup, by heading (quizzes, exercises, videos and
    /// image descriptions left out). Never empty: the first has no anchor.
    pub sections: Vec<Section>,
    /// Problems as (file line, message); the rest still renders.
    pub problems: Vec<(usize, String)>,
    /// Things to fix that do not stop the lesson (file line, message): an
    /// image without alt text.
    pub warnings: Vec<(usize, String)>,
}

/// The Markdown dialect of lessons: CommonMark plus GFM tables,
/// strikethrough and alerts.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM
}

const CALLOUT_CLASSES: [&str; 6] = [
    "callout",
    "callout-note",
    "callout-tip",
    "callout-important",
    "callout-warning",
    "callout-caution",
];

/// ammonia's conservative defaults (no scripts, event handlers, `style`,
/// forms or non-web URL schemes; `rel="noopener noreferrer"` on links) plus
/// exactly what Polku's own Markdown output needs: callout boxes, heading
/// anchors (prefixed, so ids never clobber page globals) and lazy images.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["aside", "details", "summary"])
        .add_allowed_classes("aside", CALLOUT_CLASSES)
        .add_allowed_classes("details", CALLOUT_CLASSES)
        .add_allowed_classes("p", ["callout-label"])
        .add_allowed_classes("summary", ["callout-label"])
        .add_allowed_classes("span", highlight::classes())
        .add_tag_attributes("img", ["loading", "decoding"])
        .id_prefix(Some("h-"));
    for tag in ["h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(tag, ["id"]);
    }
    builder
});

/// Sanitises author HTML.
pub fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// Renders plain Markdown (no Polku blocks) to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    sanitise(&unsafe_html)
}

fn callout_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A heading's anchor: letters and digits kept (lowercased), the rest
/// joined by single hyphens.
fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "section".into()
    } else {
        out.chars().take(60).collect()
    }
}

/// `markdown` with the relative paths of its images and links that name a
/// media file of the course (`media`) rewritten from `from_dir` to `to_dir`
/// (folders inside the course folder): for a lesson file that moves, as a
/// plain folder's nested lesson does when the course is exported in
/// `course.toml` form. Other text is left exactly as it is.
pub fn rebase_media(
    markdown: &str,
    from_dir: &str,
    to_dir: &str,
    media: &BTreeSet<String>,
) -> String {
    if from_dir == to_dir {
        return markdown.to_owned();
    }
    let depth = to_dir.split('/').filter(|p| !p.is_empty()).count();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let (Event::Start(Tag::Image { dest_url, .. }) | Event::Start(Tag::Link { dest_url, .. })) =
            event
        else {
            continue;
        };
        let Ok(path) = media_path(from_dir, media, &dest_url) else {
            continue;
        };
        let new = format!("{}{path}", "../".repeat(depth));
        // The destination is written after the text, `](dest…)`.
        let element = &markdown[range.clone()];
        if let Some(at) = element.rfind(&format!("]({dest_url}")) {
            let start = range.start + at + 2;
            edits.push((start..start + dest_url.len(), new));
        }
    }
    let mut out = markdown.to_owned();
    for (range, new) in edits.into_iter().rev() {
        out.replace_range(range, &new);
    }
    out
}

/// Resolves a media reference relative to the lesson to its public URL.
pub fn resolve_media(ctx: &RenderContext<'_>, reference: &str) -> Result<String, String> {
    let path = media_path(ctx.lesson_dir, ctx.media, reference)?;
    Ok(format!("/media/{}/{path}", ctx.course_slug))
}

/// The media file of the course (its path in the course folder, one of
/// `media`) that `reference`, written in a lesson file in `lesson_dir`,
/// names; or why it names none.
fn media_path(
    lesson_dir: &str,
    media: &BTreeSet<String>,
    reference: &str,
) -> Result<String, String> {
    if reference.contains("://") || reference.starts_with("//") || reference.starts_with("data:") {
        return Err(format!(
            "\"{reference}\" is not a file of the course: put the file under media/ and refer to it as media/<name> (outside files are not loaded, to protect learners' privacy)"
        ));
    }
    let mut parts: Vec<&str> = lesson_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("\"{reference}\" points outside the course folder"));
                }
            }
            other => parts.push(other),
        }
    }
    let path = parts.join("/");
    if !media.contains(&path) {
        return Err(format!(
            "\"{reference}\" does not exist: expected the file {path} in the course folder (media files live under media/)"
        ));
    }
    Ok(path)
}

/// The value of `name` in Pandoc attributes (`#id .class alt='x' k="y"`).
fn pandoc_attribute(attributes: &str, name: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote == '"' || quote == '\'' {
            let inner = &value[1..];
            return inner.find(quote).map(|end| inner[..end].to_owned());
        }
        return Some(
            value
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    None
}

/// Renders a lesson body: Polku's blocks, callouts, images (alt text
/// required, local media only), heading anchors; author HTML sanitised.
pub fn render_lesson(markdown: &str, ctx: &RenderContext<'_>) -> Rendered {
    let mut out = Rendered {
        sections: vec![Section::default()],
        ..Rendered::default()
    };
    let mut segment: Vec<Event<'_>> = Vec::new();
    let mut depth = 0usize;
    let mut exercises = 0usize;
    let mut anchors: BTreeSet<String> = BTreeSet::new();
    // (index of the opening tag in `segment`, level, text so far)
    let mut heading: Option<(usize, HeadingLevel, String)> = None;
    // (alt text so far, src, title, line)
    let mut image: Option<(String, String, String, usize)> = None;
    // Images inside an image's alt text (`![![a](b)](c)`): only their text counts.
    let mut nested_images = 0usize;
    // (language, content, first content line)
    let mut block: Option<(String, String, usize)> = None;
    // A fenced code block with a language: (language, code).
    let mut code: Option<(String, String)> = None;

    // Pandoc fenced divs become block quotes, line for line.
    let unfenced = divs::unfence(markdown);
    let (markdown, div_kinds) = match &unfenced {
        Some((text, kinds)) => (text.as_str(), Some(kinds)),
        None => (markdown, None),
    };
    // What closes each open callout (`</aside>`, or `</details>` for a
    // div shown only when opened).
    let mut closers: Vec<&'static str> = Vec::new();
    let line = |offset: usize| line_of(markdown, offset) + ctx.first_line - 1;
    let flush = |segment: &mut Vec<Event<'_>>, html_out: &mut String| {
        if !segment.is_empty() {
            let mut raw = String::new();
            html::push_html(&mut raw, segment.drain(..));
            html_out.push_str(&sanitise(&raw));
        }
    };

    let mut events = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .peekable();
    while let Some((event, range)) = events.next() {
        if let Some((_, content, _)) = &mut block {
            match event {
                Event::Text(text) => content.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    depth = depth.saturating_sub(1);
                    let Some((kind, content, first)) = block.take() else {
                        continue;
                    };
                    flush(&mut segment, &mut out.html);
                    let result = match kind.as_str() {
                        "quiz" | "order" | "match" | "spot" | "form" | "python-exercise" => {
                            let parsed = match kind.as_str() {
                                "quiz" => blocks::quiz(&content),
                                "order" => blocks::order(&content),
                                "match" => blocks::matching(&content),
                                "spot" => blocks::spot(&content),
                                "form" => blocks::form(&content),
                                _ => blocks::python_exercise(&content, render),
                            };
                            parsed.map(|quiz| {
                                let marker = quiz_marker(out.quizzes.len());
                                out.quizzes.push(quiz);
                                marker
                            })
                        }
                        "exercise" => {
                            exercises += 1;
                            blocks::exercise(&content, ctx.language, exercises, render)
                        }
                        _ => blocks::video(&content, ctx.language, |r| resolve_media(ctx, r)),
                    };
                    match result {
                        Ok(html) => out.html.push_str(&html),
                        Err((l, message)) => out
                            .problems
                            .push((first + l - 1, format!("{kind}: {message}"))),
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some((language, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    depth = depth.saturating_sub(1);
                    if let Some(section) = out.sections.last_mut() {
                        section.text.push_str(text);
                        section.text.push('\n');
                    }
                    let inner = highlight::highlight(language, text).unwrap_or_else(|| {
                        let mut plain = String::new();
                        let _ = pulldown_cmark_escape::escape_html(&mut plain, text);
                        plain
                    });
                    segment.push(Event::Html(
                        format!("<pre><code>{inner}</code></pre>\n").into(),
                    ));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if let Some((alt, src, title, at)) = &mut image {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::Start(Tag::Image { .. }) => nested_images += 1,
                Event::End(TagEnd::Image) if nested_images > 0 => nested_images -= 1,
                Event::End(TagEnd::Image) => {
                    depth = depth.saturating_sub(1);
                    // Pandoc's attributes after the image: `{alt='…'}`
                    // (The Carpentries write the description there).
                    let mut text = String::new();
                    while let Some((Event::Text(t), _)) = events.peek() {
                        if !text.is_empty() || t.starts_with('{') {
                            text.push_str(t);
                            events.next();
                            if text.contains('}') {
                                break;
                            }
                        } else {
                            break;
                        }
                    }
                    let (given, after) = match text.split_once('}') {
                        Some((attributes, after)) if text.starts_with('{') => {
                            (pandoc_attribute(&attributes[1..], "alt"), after.to_owned())
                        }
                        _ => (None, text),
                    };
                    let mut alt = alt.trim().to_owned();
                    if let Some(given) = &given
                        && alt.is_empty()
                    {
                        alt = given.trim().to_owned();
                    }
                    // `{alt=""}` says the picture is decorative; no alt at all
                    // is a warning, and the picture is named by its file
                    // until the author describes it.
                    let decorative = alt.is_empty() && given.is_some();
                    if alt.is_empty() && !decorative {
                        out.warnings.push((*at, format!("the image {src} has no alt text: describe it in the brackets, ![what the picture shows]({src}) (or mark a decorative picture with {{alt=\"\"}} after it)")));
                        let name = src
                            .rsplit('/')
                            .next()
                            .and_then(|n| n.rsplit_once('.').map(|(stem, _)| stem))
                            .unwrap_or(src)
                            .replace(['-', '_'], " ");
                        alt = format!("{}: {}", label(ctx.language, "image"), name.trim());
                    }
                    match resolve_media(ctx, src) {
                        Ok(url) => {
                            let mut tag = String::from("<img src=\"");
                            let _ = escape_href(&mut tag, &url);
                            let _ = write!(
                                tag,
                                "\" alt=\"{}\" loading=\"lazy\" decoding=\"async\"",
                                esc(&alt)
                            );
                            if !title.is_empty() {
                                let _ = write!(tag, " title=\"{}\"", esc(title));
                            }
                            tag.push('>');
                            segment.push(Event::Html(tag.into()));
                        }
                        Err(message) => out.problems.push((*at, message)),
                    }
                    if !after.is_empty() {
                        if let Some(section) = out.sections.last_mut() {
                            section.text.push_str(&after);
                        }
                        segment.push(Event::Text(after.into()));
                    }
                    image = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref lang)))
                if matches!(
                    lang.trim(),
                    "quiz"
                        | "order"
                        | "match"
                        | "spot"
                        | "form"
                        | "python-exercise"
                        | "exercise"
                        | "video"
                ) =>
            {
                if depth > 0 {
                    out.problems.push((line(range.start), format!("a ```{} block must stand on its own, not inside a list, quote or callout", lang.trim())));
                }
                depth += 1;
                if depth == 1 {
                    block = Some((lang.trim().to_owned(), String::new(), line(range.start) + 1));
                } else {
                    // Render nested blocks as the code they look like.
                    segment.push(event);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref lang)))
                if lang.split_whitespace().next().is_some() =>
            {
                depth += 1;
                let language = lang.split_whitespace().next().unwrap_or_default();
                code = Some((
                    language.trim_matches(['{', '}', '.']).to_owned(),
                    String::new(),
                ));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                depth += 1;
                let div = div_kinds.and_then(|k| k.get(&line_of(markdown, range.start)));
                // (label key, callout style, shown only when opened)
                let (key, style, hidden) = match div {
                    Some(DivKind::Hidden { label }) => (*label, "note", true),
                    Some(DivKind::Callout { label, style }) => (*label, *style, false),
                    None => {
                        let kind = callout_kind(kind);
                        (kind, kind, false)
                    }
                };
                let title = esc(label(ctx.language, key));
                let (html, closer) = if hidden {
                    (
                        format!(
                            "<details class=\"callout callout-{style}\"><summary class=\"callout-label\">{title}</summary>"
                        ),
                        "</details>",
                    )
                } else {
                    (
                        format!(
                            "<aside class=\"callout callout-{style}\"><p class=\"callout-label\">{title}</p>"
                        ),
                        "</aside>",
                    )
                };
                closers.push(closer);
                segment.push(Event::Html(html.into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                depth = depth.saturating_sub(1);
                segment.push(Event::Html(closers.pop().unwrap_or("</aside>").into()));
            }
            Event::Start(Tag::Heading { level, .. }) if level != HeadingLevel::H1 => {
                depth += 1;
                heading = Some((segment.len(), level, String::new()));
                segment.push(Event::Html("".into()));
            }
            Event::End(TagEnd::Heading(level)) if level != HeadingLevel::H1 => {
                depth = depth.saturating_sub(1);
                if let Some((index, level, text)) = heading.take() {
                    let base = slugify(&text);
                    let mut anchor = base.clone();
                    let mut n = 2;
                    while !anchors.insert(anchor.clone()) {
                        anchor = format!("{base}-{n}");
                        n += 1;
                    }
                    segment[index] = Event::Html(format!("<{level} id=\"{anchor}\">").into());
                    segment.push(Event::Html(format!("</{level}>").into()));
                    out.headings.push(Heading {
                        level: level as u8,
                        text: text.trim().to_owned(),
                        anchor: format!("h-{anchor}"),
                    });
                    out.sections.push(Section {
                        anchor: Some(format!("h-{anchor}")),
                        heading: text.trim().to_owned(),
                        text: String::new(),
                    });
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                depth += 1;
                image = Some((
                    String::new(),
                    dest_url.to_string(),
                    title.to_string(),
                    line(range.start),
                ));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, _, text)) = &mut heading {
                    text.push_str(t);
                } else if let Some(section) = out.sections.last_mut() {
                    section.text.push_str(t);
                }
                segment.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(section) = out.sections.last_mut() {
                    section.text.push(' ');
                }
                segment.push(event);
            }
            Event::Start(_) => {
                depth += 1;
                segment.push(event);
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(
                    end,
                    TagEnd::Paragraph
                        | TagEnd::Item
                        | TagEnd::TableCell
                        | TagEnd::CodeBlock
                        | TagEnd::BlockQuote(_)
                ) && let Some(section) = out.sections.last_mut()
                    && !section.text.ends_with(['\n', ' '])
                    && !section.text.is_empty()
                {
                    section.text.push('\n');
                }
                segment.push(event);
            }
            other => segment.push(other),
        }
    }
    if let Some((kind, _, first)) = block {
        out.problems
            .push((first - 1, format!("the ```{kind} block is never closed")));
    }
    flush(&mut segment, &mut out.html);
    out
}
#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn images_inside_alt_text_do_not_break_rendering() {
        // Found by reading the code after the fuzz run: nested images used
        // to close the outer one early and underflow the nesting depth.
        use std::collections::BTreeSet;
        let media = BTreeSet::new();
        let ctx = super::RenderContext {
            language: crate::Language::En,
            course_slug: "c",
            lesson_dir: "",
            media: &media,
            first_line: 1,
        };
        for input in [
            "## ![![a](b)](c)",
            "> [!NOTE]\n> ![![a](b)](c)\n\n```quiz\nquestion = \"Q\"\ntype = \"text\"\nanswers = [\"x\"]\n```",
        ] {
            let out = super::render_lesson(input, &ctx);
            assert!(!out.html.contains("<img"), "{}", out.html);
        }
        let out = super::render_lesson(
            "> [!NOTE]\n> ![![a](b)](c)\n\n```quiz\nquestion = \"Q\"\ntype = \"text\"\nanswers = [\"x\"]\n```",
            &ctx,
        );
        assert_eq!(
            out.quizzes.len(),
            1,
            "the depth stays right after the callout"
        );
    }

    #[test]
    fn body_splits_at_quiz_markers() {
        use super::{BodyPart, split_body};
        assert_eq!(
            split_body("<p>a</p><!--polku-quiz:0--><p>b</p><!--polku-quiz:1-->"),
            [
                BodyPart::Html("<p>a</p>".into()),
                BodyPart::Quiz(0),
                BodyPart::Html("<p>b</p>".into()),
                BodyPart::Quiz(1)
            ]
        );
        assert_eq!(split_body(""), []);
    }

    #[test]
    fn renders_commonmark_and_tables() {
        let html = render("## Otsikko\n\nTeksti **lihava**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h2>Otsikko</h2>"), "{html}");
        assert!(html.contains("<strong>lihava</strong>"), "{html}");
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
    }

    #[test]
    fn script_tags_never_survive() {
        for input in [
            "<script>alert(1)</script>",
            "Text <script src=\"https://evil.example/x.js\"></script> more",
            "<div>\n<script>alert(1)</script>\n</div>",
            "<SCRIPT>alert(1)</SCRIPT>",
        ] {
            let html = render(input);
            assert!(
                !html.to_lowercase().contains("<script"),
                "{input:?} gave {html}"
            );
            assert!(!html.contains("evil.example"), "{input:?} gave {html}");
        }
    }

    #[test]
    fn javascript_links_never_survive() {
        for input in [
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "[x](  javascript:alert(1) )",
            "<javascript:alert(1)>",
            "![img](javascript:alert(1))",
        ] {
            // As text the URL is harmless; it must never be an attribute value.
            let html: String = render(input).to_lowercase().split_whitespace().collect();
            assert!(
                !html.contains("=\"javascript:") && !html.contains("='javascript:"),
                "{input:?} gave {html}"
            );
            assert!(
                !html.contains("href=\"javascript") && !html.contains("src=\"javascript"),
                "{input:?} gave {html}"
            );
        }
    }

    #[test]
    fn event_handlers_never_survive() {
        for input in [
            "<img src=x onerror=\"alert(1)\">",
            "<p onclick=\"alert(1)\">hi</p>",
            "<a href=\"https://example.org\" onmouseover=alert(1)>x</a>",
            "<svg onload=alert(1)></svg>",
            "<details open ontoggle=alert(1)>",
        ] {
            let html = render(input);
            assert!(
                !html.to_lowercase().contains(" on"),
                "{input:?} gave {html}"
            );
            assert!(!html.contains("alert"), "{input:?} gave {html}");
        }
    }

    #[test]
    fn style_and_iframes_are_removed() {
        let html =
            render("<iframe src=\"https://evil.example\"></iframe><p style=\"color:red\">x</p>");
        assert!(
            !html.contains("iframe") && !html.contains("style"),
            "{html}"
        );
    }

    #[test]
    fn safe_links_keep_working_and_get_rel() {
        let html = render("[Työmarkkinatori](https://tyomarkkinatori.fi)");
        assert!(
            html.contains("href=\"https://tyomarkkinatori.fi\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
    }
}
